import pytest
from django.db import IntegrityError

from catalog.models import Brand, Retailer
from catalog.services import brand_get_or_create, catalog_load_defaults, retailer_get_or_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Retailer, Brand])
def test_database_refuses_a_name_that_differs_only_in_case(model):
    model.objects.create(name="Best Buy")
    with pytest.raises(IntegrityError):
        model.objects.create(name="BEST BUY")


@pytest.mark.parametrize("model", [Retailer, Brand])
@pytest.mark.parametrize("name", [" Best Buy", "Best Buy ", ""])
def test_database_refuses_untrimmed_or_empty_names(model, name):
    with pytest.raises(IntegrityError):
        model.objects.create(name=name)


def test_a_retailer_and_a_brand_may_share_a_name():
    Retailer.objects.create(name="Apple")
    Brand.objects.create(name="Apple")
    assert Retailer.objects.count() == Brand.objects.count() == 1


def test_get_or_create_finds_the_existing_entry_ignoring_case_and_spaces():
    original, created = retailer_get_or_create(name="Corner Shop", url="https://corner.example")
    again, created_again = retailer_get_or_create(name="  corner SHOP ")
    assert created and not created_again
    assert again == original
    assert again.url == "https://corner.example"


def test_get_or_create_stores_the_trimmed_name():
    brand, created = brand_get_or_create(name="  Delonghi  ")
    assert created
    assert Brand.objects.get(pk=brand.pk).name == "Delonghi"


def test_loading_the_default_catalog_twice_adds_nothing_the_second_time():
    first = catalog_load_defaults()
    second = catalog_load_defaults()
    assert first == {"retailers": 8, "brands": 10}
    assert second == {"retailers": 0, "brands": 0}
    assert Retailer.objects.count() == 8
    assert Brand.objects.count() == 10


def test_loading_the_default_catalog_keeps_what_the_user_changed():
    Retailer.objects.create(name="amazon", url="https://smile.example")
    catalog_load_defaults()
    kept = Retailer.objects.named("Amazon").get()
    assert (kept.name, kept.url) == ("amazon", "https://smile.example")
