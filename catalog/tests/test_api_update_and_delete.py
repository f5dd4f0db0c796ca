"""Renaming, changing and deleting retailers and brands: name clashes answer 409, is_brand
follows a rename, a delete keeps the purchases without their retailer or brand (docs/api.md
§4.3, §5.3, §5.4; decisions §9.1, §9.2, §9.4)."""

import pytest

from catalog.models import Brand, Retailer
from catalog.tests.api_helpers import BRANDS, RETAILERS, UNKNOWN_ID, assert_string_detail, put
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.testing import assert_validation_error
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_renaming_an_entry_answers_200_and_stores_the_name(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"name": "  Village Shop "})

    assert response.status_code == 200
    assert response.json()["id"] == str(entry.id)
    assert response.json()["name"] == "Village Shop"
    assert response.json()["url"] == "https://corner.example"
    entry.refresh_from_db()
    assert entry.name == "Village Shop"


@pytest.mark.parametrize(
    "new_name", ["Village Shop", "village shop", "VILLAGE SHOP", " village SHOP "]
)
def test_renaming_onto_another_entrys_name_answers_409_and_changes_nothing(
    api_client, kind, new_name
):
    path, model, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")
    factory(name="Village Shop")

    response = put(
        api_client, f"{path}/{entry.id}", {"name": new_name, "url": "https://changed.example"}
    )

    assert_string_detail(response, 409)
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Corner Shop", "https://corner.example")
    assert sorted(model.objects.values_list("name", flat=True)) == ["Corner Shop", "Village Shop"]


def test_renaming_an_entry_to_another_case_of_its_own_name_is_allowed(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop")

    response = put(api_client, f"{path}/{entry.id}", {"name": "CORNER shop"})

    assert response.status_code == 200
    assert response.json()["name"] == "CORNER shop"
    entry.refresh_from_db()
    assert entry.name == "CORNER shop"


def test_an_update_with_only_url_leaves_the_name(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"url": "https://new.example"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["url"]) == (
        "Corner Shop",
        "https://new.example",
    )
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Corner Shop", "https://new.example")


def test_an_update_with_only_name_leaves_the_url(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"name": "Village Shop"})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.url == "https://corner.example"


def test_an_update_can_set_an_empty_url(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"url": ""})

    assert response.status_code == 200
    assert response.json()["url"] == ""


@pytest.mark.parametrize("name", ["", "   ", "n" * 256])
def test_an_update_to_an_invalid_name_is_rejected_and_changes_nothing(api_client, kind, name):
    path, _, factory = kind
    entry = factory(name="Corner Shop")

    assert_validation_error(put(api_client, f"{path}/{entry.id}", {"name": name}))
    entry.refresh_from_db()
    assert entry.name == "Corner Shop"


@pytest.mark.parametrize("entry_id", [UNKNOWN_ID, "not-a-uuid"])
def test_updating_an_unknown_or_malformed_id_answers_404(api_client, kind, entry_id):
    path, _, _ = kind

    assert_string_detail(put(api_client, f"{path}/{entry_id}", {"name": "Anything"}), 404)


def test_renaming_a_retailer_onto_a_brand_name_makes_it_a_brand(api_client):
    retailer = RetailerFactory(name="Corner Shop")
    BrandFactory(name="NINTENDO")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"name": "Nintendo"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is True


def test_renaming_a_retailer_away_from_a_brand_name_makes_it_no_brand(api_client):
    retailer = RetailerFactory(name="Nintendo")
    BrandFactory(name="Nintendo")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"name": "Corner Shop"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is False


def test_an_update_of_a_retailer_that_is_a_brand_keeps_saying_so(api_client):
    retailer = RetailerFactory(name="Nintendo")
    BrandFactory(name="nintendo")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"url": "https://nintendo.example"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is True


def test_deleting_an_entry_answers_204_with_an_empty_body_then_404(api_client, kind):
    path, model, factory = kind
    entry = factory()
    other = factory()

    response = api_client.delete(f"{path}/{entry.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert list(model.objects.all()) == [other]
    assert api_client.get(f"{path}/{entry.id}").status_code == 404
    assert_string_detail(api_client.delete(f"{path}/{entry.id}"), 404)


@pytest.mark.parametrize("entry_id", [UNKNOWN_ID, "not-a-uuid"])
def test_deleting_an_unknown_or_malformed_id_answers_404(api_client, kind, entry_id):
    path, model, factory = kind
    factory()

    assert_string_detail(api_client.delete(f"{path}/{entry_id}"), 404)
    assert model.objects.count() == 1


def test_deleting_a_retailer_keeps_its_purchases_without_a_retailer(api_client):
    retailer = RetailerFactory()
    purchases = PurchaseFactory.create_batch(2, retailer=retailer)
    brand = purchases[0].brand

    assert api_client.delete(f"{RETAILERS}/{retailer.id}").status_code == 204

    assert Purchase.objects.count() == 2
    data = api_client.get(f"/api/purchases/{purchases[0].id}").json()
    assert (data["retailer_id"], data["retailer"]) == (None, None)
    assert data["brand_id"] == str(brand.id)
    assert data["brand"] == {"id": str(brand.id), "name": brand.name}


def test_deleting_a_brand_keeps_its_purchases_without_a_brand(api_client):
    brand = BrandFactory()
    purchases = PurchaseFactory.create_batch(2, brand=brand)
    retailer = purchases[0].retailer

    assert api_client.delete(f"{BRANDS}/{brand.id}").status_code == 204

    assert Purchase.objects.count() == 2
    data = api_client.get(f"/api/purchases/{purchases[0].id}").json()
    assert (data["brand_id"], data["brand"]) == (None, None)
    assert data["retailer_id"] == str(retailer.id)
    assert data["retailer"] == {"id": str(retailer.id), "name": retailer.name}


def test_deleting_a_brand_with_a_trailing_slash_works(api_client):
    """The Retailers page calls `DELETE /api/brands/{id}/` (docs/api.md §5.4, §1.2)."""
    brand = BrandFactory()

    response = api_client.delete(f"{BRANDS}/{brand.id}/")

    assert response.status_code == 204
    assert response.content == b""
    assert not Brand.objects.exists()


def test_deleting_a_retailer_without_a_trailing_slash_works(api_client):
    """The Retailers page calls `DELETE /api/retailers/{id}` (docs/api.md §1.2)."""
    retailer = RetailerFactory()

    assert api_client.delete(f"{RETAILERS}/{retailer.id}").status_code == 204
    assert not Retailer.objects.exists()


def test_deleting_the_same_named_brand_makes_the_retailer_no_brand(api_client):
    retailer = RetailerFactory(name="Lego")
    brand = BrandFactory(name="LEGO")

    assert api_client.delete(f"{BRANDS}/{brand.id}/").status_code == 204

    assert api_client.get(f"{RETAILERS}/{retailer.id}").json()["is_brand"] is False
