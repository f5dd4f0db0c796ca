"""The catalog's services and selectors, called directly (the API's tests cover the HTTP side)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Brand, Retailer
from catalog.selectors import brand_list, catalog_entries_with_totals, retailer_list
from catalog.services import (
    NameTaken,
    catalog_entry_delete,
    catalog_entry_update,
    catalog_load_defaults,
    retailer_get_or_create,
)
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.versioning import data_version
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_renaming_an_entry_stores_the_trimmed_name_and_keeps_the_url():
    retailer = RetailerFactory(name="Corner Shop", url="https://corner.example")
    catalog_entry_update(entry=retailer, data={"name": "  Corner Store "})
    retailer.refresh_from_db()
    assert (retailer.name, retailer.url) == ("Corner Store", "https://corner.example")


def test_changing_only_the_url_keeps_the_name():
    brand = BrandFactory(name="Bosch")
    catalog_entry_update(entry=brand, data={"url": "https://bosch.example"})
    brand.refresh_from_db()
    assert (brand.name, brand.url) == ("Bosch", "https://bosch.example")


def test_renaming_onto_another_entrys_name_raises_name_taken_and_changes_nothing():
    RetailerFactory(name="Target")
    retailer = RetailerFactory(name="Walmart")
    with pytest.raises(NameTaken) as raised:
        catalog_entry_update(entry=retailer, data={"name": "target"})
    assert str(raised.value) == "A retailer named 'target' already exists."
    assert Retailer.objects.get(pk=retailer.pk).name == "Walmart"


def test_a_brand_may_take_the_name_of_a_retailer():
    RetailerFactory(name="Apple")
    brand = BrandFactory(name="Apple Inc")
    catalog_entry_update(entry=brand, data={"name": "Apple"})
    assert Brand.objects.get(pk=brand.pk).name == "Apple"


def test_renaming_an_entry_to_another_case_of_its_own_name_is_allowed():
    brand = BrandFactory(name="Lg")
    catalog_entry_update(entry=brand, data={"name": "LG"})
    assert Brand.objects.get(pk=brand.pk).name == "LG"


def test_an_invalid_url_raises_a_validation_error_keyed_by_field_and_changes_nothing():
    retailer = RetailerFactory(url="https://before.example")
    with pytest.raises(ValidationError) as raised:
        catalog_entry_update(entry=retailer, data={"url": "not a link"})
    assert "url" in raised.value.message_dict
    assert Retailer.objects.get(pk=retailer.pk).url == "https://before.example"


def test_updating_an_entry_changes_the_data_version():
    retailer = RetailerFactory()
    before = data_version()
    catalog_entry_update(entry=retailer, data={"url": "https://new.example"})
    assert data_version() != before


def test_deleting_an_entry_keeps_its_purchases_without_it_and_changes_the_data_version():
    purchase = PurchaseFactory()
    brand = purchase.brand
    before = data_version()
    catalog_entry_delete(entry=brand)
    assert not Brand.objects.filter(pk=brand.pk).exists()
    assert Purchase.objects.get(pk=purchase.pk).brand is None
    assert purchase.retailer_id == Purchase.objects.get(pk=purchase.pk).retailer_id
    assert data_version() != before


def test_get_or_create_with_a_new_name_changes_the_data_version_and_an_existing_one_does_not():
    before = data_version()
    retailer_get_or_create(name="New Shop")
    after_create = data_version()
    retailer_get_or_create(name="new shop")
    assert after_create != before
    assert data_version() == after_create


def test_loading_the_defaults_stores_their_urls():
    catalog_load_defaults()
    assert Retailer.objects.get(name="IKEA").url == "https://www.ikea.com"
    assert Brand.objects.get(name="Dyson").url == "https://www.dyson.com"


def test_retailers_are_listed_by_name_ignoring_case_and_know_whether_they_are_a_brand():
    RetailerFactory(name="bosch outlet")
    RetailerFactory(name="Apple")
    RetailerFactory(name="Costco")
    BrandFactory(name="APPLE")
    listed = [(retailer.name, retailer.is_brand) for retailer in retailer_list()]
    assert listed == [("Apple", True), ("bosch outlet", False), ("Costco", False)]


def test_brands_are_listed_by_name_ignoring_case():
    for name in ["sony", "Dell", "LG"]:
        BrandFactory(name=name)
    assert [brand.name for brand in brand_list()] == ["Dell", "LG", "sony"]


def test_totals_count_every_purchase_but_add_only_the_amounts_in_the_currency():
    retailer = RetailerFactory()
    PurchaseFactory(retailer=retailer, price=Decimal("10.25"), currency_code="USD")
    PurchaseFactory(retailer=retailer, price=Decimal("4.75"), currency_code="USD")
    PurchaseFactory(retailer=retailer, price=Decimal("99.00"), currency_code="EUR")
    idle = RetailerFactory()
    totals = {
        row.pk: (row.purchase_count, row.total_spent, row.total_currency)
        for row in catalog_entries_with_totals(Retailer.objects.all(), base="USD")
    }
    assert totals[retailer.pk] == (3, Decimal("15.00"), "USD")
    assert totals[idle.pk] == (0, Decimal("0.00"), "USD")


def test_totals_add_the_kept_base_prices_exactly():
    retailer = RetailerFactory()
    for price, base_price in [("10.00", "11.335"), ("20.00", "0.001"), ("30.00", None)]:
        PurchaseFactory(
            retailer=retailer,
            price=Decimal(price),
            currency_code="KWD" if base_price is None else "EUR",
            base_price=None if base_price is None else Decimal(base_price),
            base_currency_code="USD",
        )
    PurchaseFactory(retailer=retailer, price=Decimal("0.10"), currency_code="USD")

    row = catalog_entries_with_totals(Retailer.objects.all(), base="USD").get(pk=retailer.pk)

    assert (row.purchase_count, row.total_spent, row.without_rate_count) == (
        4,
        Decimal("11.436"),
        1,
    )
