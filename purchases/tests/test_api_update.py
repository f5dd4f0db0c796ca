"""Updating purchases: only the fields sent change, explicit nulls clear, warranty_expiry
creates, moves or deletes the primary warranty, a rejected update changes nothing
(docs/api.md §2, §4.1, §5.1; decisions §9.1, §9.3, §9.7)."""

import datetime
import uuid
from decimal import Decimal

import pytest

from catalog.tests.factories import RetailerFactory
from kernel.testing import assert_validation_error
from purchases.models import Purchase
from purchases.tests.api_helpers import (
    BOUGHT,
    LIMITED_TEXT_FIELDS,
    PURCHASES,
    days_from_today,
    put,
)
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_an_update_changes_only_the_fields_sent(api_client):
    purchase = PurchaseFactory(notes="Old", tags="a,b", quantity=3, purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))
    before = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    response = put(api_client, purchase.id, {"notes": "New", "price": "12.345"})

    assert response.status_code == 200
    after = response.json()
    assert after["notes"] == "New"
    assert after["price"] == "12.35"
    # The price in the base currency follows the price (same currency: the price itself).
    assert after["base_price"] == "12.35"
    # updated_at and updated_by tell when and by whom it was saved last.
    unchanged = set(before) - {"notes", "price", "base_price", "updated_at", "updated_by"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert after["updated_at"] is not None
    assert after["updated_by"] == "owner"
    assert Purchase.objects.get(pk=purchase.pk).notes == "New"


def test_an_update_with_an_empty_body_changes_nothing(api_client):
    purchase = PurchaseFactory(notes="Keep")
    WarrantyFactory(purchase=purchase)
    before = api_client.get(f"{PURCHASES}/{purchase.id}").json()

    response = put(api_client, purchase.id, {})

    assert response.status_code == 200
    saved = {"updated_at", "updated_by"}  # when and by whom it was saved last
    assert {k: v for k, v in response.json().items() if k not in saved} == {
        k: v for k, v in before.items() if k not in saved
    }


def test_an_explicit_null_clears_an_optional_field(api_client):
    purchase = PurchaseFactory(notes="Old")

    response = put(api_client, purchase.id, {"retailer_id": None, "notes": None})

    assert response.status_code == 200
    assert response.json()["retailer"] is None
    assert response.json()["retailer_id"] is None
    assert response.json()["notes"] is None
    purchase.refresh_from_db()
    assert purchase.retailer_id is None
    assert purchase.brand_id is not None


@pytest.mark.parametrize("field", LIMITED_TEXT_FIELDS)
def test_an_explicit_null_clears_a_length_limited_text_field(api_client, field):
    purchase = PurchaseFactory(**{field: "something"})

    response = put(api_client, purchase.id, {field: None})

    assert response.status_code == 200
    assert response.json()[field] is None
    purchase.refresh_from_db()
    assert getattr(purchase, field) is None


def test_an_update_can_move_the_purchase_to_another_retailer(api_client):
    purchase = PurchaseFactory()
    other = RetailerFactory(name="Other shop")

    response = put(api_client, purchase.id, {"retailer_id": str(other.id)})

    assert response.json()["retailer"] == {"id": str(other.id), "name": "Other shop"}


def test_an_update_ignores_unknown_fields(api_client):
    purchase = PurchaseFactory(product_name="Kettle")

    response = put(api_client, purchase.id, {"colour": "red", "product_name": "Teapot"})

    assert response.status_code == 200
    assert response.json()["product_name"] == "Teapot"


def test_an_update_without_warranty_expiry_leaves_the_warranties_alone(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    warranty = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(api_client, purchase.id, {"product_name": "Renamed"})

    assert response.status_code == 200
    assert response.json()["warranty_id"] == str(warranty.id)
    assert Warranty.objects.get().warranty_end == warranty.warranty_end


@pytest.mark.parametrize(("end_offset", "status"), [(400, "ACTIVE"), (None, "EXPIRED")])
def test_a_warranty_expiry_on_a_purchase_without_warranty_creates_one(
    api_client, end_offset, status
):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(end_offset) if end_offset else datetime.date(2022, 3, 14)

    response = put(api_client, purchase.id, {"warranty_expiry": end.isoformat()})

    assert response.status_code == 200
    warranty = Warranty.objects.get(purchase=purchase)
    assert warranty.warranty_start == BOUGHT
    assert warranty.warranty_end == end
    assert warranty.warranty_type is None
    assert warranty.provider is None
    assert warranty.notes
    data = response.json()
    assert data["warranty_expiry"] == end.isoformat()
    assert data["warranty_id"] == str(warranty.id)
    assert data["warranty"]["status"] == status


def test_a_warranty_expiry_starts_the_new_warranty_on_the_updated_purchase_date(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)

    put(api_client, purchase.id, {"purchase_date": "2022-07-01", "warranty_expiry": "2024-07-01"})

    assert Warranty.objects.get(purchase=purchase).warranty_start == datetime.date(2022, 7, 1)


def test_a_warranty_expiry_moves_only_the_primary_warranty_end(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    other = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    primary = WarrantyFactory(
        purchase=purchase,
        warranty_end=days_from_today(700),
        warranty_type="EXTENDED",
        provider="Insurer",
        notes="Paid extra",
    )
    new_end = days_from_today(900)

    response = put(api_client, purchase.id, {"warranty_expiry": new_end.isoformat()})

    assert response.status_code == 200
    primary.refresh_from_db()
    other_end = other.warranty_end
    other.refresh_from_db()
    assert primary.warranty_end == new_end
    assert (primary.warranty_start, primary.warranty_type, primary.provider, primary.notes) == (
        BOUGHT,
        "EXTENDED",
        "Insurer",
        "Paid extra",
    )
    assert other.warranty_end == other_end
    assert Warranty.objects.count() == 2
    assert response.json()["warranty_id"] == str(primary.id)
    assert response.json()["warranty_expiry"] == new_end.isoformat()


def test_a_warranty_expiry_moves_the_non_voided_warranty_when_a_later_one_is_voided(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    active = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    voided = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(900), voided=True)
    new_end = days_from_today(200)

    put(api_client, purchase.id, {"warranty_expiry": new_end.isoformat()})

    active.refresh_from_db()
    voided_end = voided.warranty_end
    voided.refresh_from_db()
    assert active.warranty_end == new_end
    assert voided.warranty_end == voided_end


def test_moving_the_primary_warranty_end_into_the_past_rederives_its_status(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(api_client, purchase.id, {"warranty_expiry": "2022-01-01"})

    assert response.json()["warranty"]["status"] == "EXPIRED"
    assert response.json()["warranty_expiry"] == "2022-01-01"


def test_a_null_warranty_expiry_deletes_only_the_primary_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    remaining = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
    primary = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(700))

    response = put(api_client, purchase.id, {"warranty_expiry": None})

    assert response.status_code == 200
    assert not Warranty.objects.filter(pk=primary.pk).exists()
    assert Warranty.objects.filter(pk=remaining.pk).exists()
    data = response.json()
    assert data["warranty_id"] == str(remaining.id)
    assert data["warranty_expiry"] == remaining.warranty_end.isoformat()
    assert [w["id"] for w in data["warranties"]] == [str(remaining.id)]


def test_a_null_warranty_expiry_on_a_purchase_without_warranty_changes_nothing(api_client):
    purchase = PurchaseFactory()

    response = put(api_client, purchase.id, {"warranty_expiry": None})

    assert response.status_code == 200
    assert response.json()["warranty"] is None
    assert not Warranty.objects.exists()


def test_a_future_purchase_date_on_update_is_rejected(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)

    response = put(api_client, purchase.id, {"purchase_date": days_from_today(1).isoformat()})

    assert_validation_error(response)
    purchase.refresh_from_db()
    assert purchase.purchase_date == BOUGHT


def test_a_rejected_update_changes_nothing(api_client):
    purchase = PurchaseFactory(product_name="Kettle", purchase_date=BOUGHT)
    WarrantyFactory(purchase=purchase, warranty_end=days_from_today(300))

    response = put(
        api_client,
        purchase.id,
        {"product_name": "Teapot", "warranty_expiry": None, "brand_id": str(uuid.uuid4())},
    )

    assert_validation_error(response)
    purchase.refresh_from_db()
    assert purchase.product_name == "Kettle"
    assert Warranty.objects.filter(purchase=purchase).exists()


@pytest.mark.parametrize("price", [0, -3, "0.00"])
def test_an_update_to_a_price_that_is_not_positive_is_rejected(api_client, price):
    purchase = PurchaseFactory(price=Decimal("10.00"))

    assert_validation_error(put(api_client, purchase.id, {"price": price}))
    purchase.refresh_from_db()
    assert purchase.price == Decimal("10.00")


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid"])
def test_updating_an_unknown_or_malformed_purchase_id_answers_404(api_client, purchase_id):
    response = put(api_client, purchase_id, {"notes": "x"})

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
