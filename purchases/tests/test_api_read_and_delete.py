"""Reading and deleting one purchase: ids and timestamps, nested retailer and brand, the
primary warranty's fields, 404 for unknown ids, a delete that removes the warranties and
nothing else (docs/api.md §2, §4.1, §5.1; decisions §9.1, §9.3, §9.7)."""

import datetime
import uuid
from decimal import Decimal

import pytest

from catalog.models import Brand, Retailer
from kernel import clock
from purchases.models import Purchase
from purchases.tests.api_helpers import (
    BOUGHT,
    PURCHASES,
    WARRANTY_KEYS,
    days_from_today,
    is_uuid_string,
    parse_datetime,
    put,
)
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_getting_a_purchase_returns_it(api_client):
    purchase = PurchaseFactory(product_name="Kettle", price=Decimal("20.5"))

    response = api_client.get(f"{PURCHASES}/{purchase.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(purchase.id)
    assert response.json()["product_name"] == "Kettle"
    assert response.json()["price"] == "20.50"


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid", "123", "expiring"])
def test_getting_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    PurchaseFactory()

    response = api_client.get(f"{PURCHASES}/{purchase_id}")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_ids_are_lowercase_uuid_strings(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory(purchase=purchase)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    for value in (
        data["id"],
        data["retailer_id"],
        data["brand_id"],
        data["warranty_id"],
        data["retailer"]["id"],
        data["brand"]["id"],
        data["warranty"]["id"],
        data["warranties"][0]["id"],
    ):
        assert is_uuid_string(value), value


def test_timestamps_are_utc_with_a_zone(api_client):
    purchase = PurchaseFactory()
    put(api_client, purchase.id, {"notes": "changed"})
    purchase.refresh_from_db()

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    for key, stored in (("created_at", purchase.created_at), ("updated_at", purchase.updated_at)):
        assert data[key].endswith(("Z", "+00:00")), data[key]
        assert abs(parse_datetime(data[key]) - stored) < datetime.timedelta(milliseconds=1)


def test_retailer_and_brand_are_nested_as_id_and_name(api_client):
    purchase = PurchaseFactory(retailer__name="Amazon", brand__name="Apple")

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["retailer"] == {"id": str(purchase.retailer.id), "name": "Amazon"}
    assert data["brand"] == {"id": str(purchase.brand.id), "name": "Apple"}
    assert data["retailer_id"] == str(purchase.retailer.id)
    assert data["brand_id"] == str(purchase.brand.id)


def test_the_warranty_fields_describe_the_primary_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    short = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    longest = WarrantyFactory(
        purchase=purchase, warranty_end=days_from_today(700), warranty_type="EXTENDED"
    )
    middle = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(longest.id)
    assert data["warranty_expiry"] == longest.warranty_end.isoformat()
    assert data["warranty"]["id"] == str(longest.id)
    assert data["warranty"]["warranty_type"] == "EXTENDED"
    assert data["warranty"]["status"] == "ACTIVE"
    assert data["warranty"].keys() >= WARRANTY_KEYS
    assert [w["id"] for w in data["warranties"]] == [str(short.id), str(middle.id), str(longest.id)]
    assert all(w.keys() >= WARRANTY_KEYS for w in data["warranties"])


def test_a_voided_warranty_is_not_primary_while_another_is_not_voided(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    kept = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(kept.id)
    assert data["warranty_expiry"] == kept.warranty_end.isoformat()
    assert [w["status"] for w in data["warranties"]] == ["ACTIVE", "VOIDED"]


def test_when_every_warranty_is_voided_the_latest_ending_one_is_primary(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100), voided=True)
    latest = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty_id"] == str(latest.id)
    assert data["warranty"]["status"] == "VOIDED"


def test_a_warranty_whose_end_has_passed_is_shown_as_expired(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(-1))

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty"]["status"] == "EXPIRED"


def test_a_warranty_ending_today_is_still_active(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=clock.today())

    data = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    assert data["warranty"]["status"] == "ACTIVE"


def test_deleting_a_purchase_answers_204_with_an_empty_body_then_404(api_client):
    purchase = PurchaseFactory()

    response = api_client.delete(f"{PURCHASES}/{purchase.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert api_client.get(f"{PURCHASES}/{purchase.id}").status_code == 404
    assert api_client.delete(f"{PURCHASES}/{purchase.id}").status_code == 404


def test_deleting_a_purchase_removes_its_warranties_and_nothing_else(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory.create_batch(2, purchase=purchase)
    other = WarrantyFactory()

    api_client.delete(f"{PURCHASES}/{purchase.id}")

    assert list(Warranty.objects.all()) == [other]
    assert list(Purchase.objects.all()) == [other.purchase]
    assert Retailer.objects.filter(pk=purchase.retailer_id).exists()
    assert Brand.objects.filter(pk=purchase.brand_id).exists()


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid"])
def test_deleting_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    PurchaseFactory()

    response = api_client.delete(f"{PURCHASES}/{purchase_id}")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
    assert Purchase.objects.count() == 1
