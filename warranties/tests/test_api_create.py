"""Creating a warranty: the answer, its dates or a duration in calendar months, the status
sent, and the field limits (docs/api.md §4.2, §5.2; decisions §9.3, §9.6)."""

import datetime
import uuid

import pytest

from kernel.testing import assert_validation_error
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.api_helpers import (
    BOUGHT,
    WARRANTIES,
    WARRANTY_KEYS,
    assert_not_found,
    create_body,
    days_from_today,
    post,
)
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_creating_a_warranty_answers_201_with_the_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(400)
    body = create_body(
        purchase,
        warranty_end=end.isoformat(),
        warranty_type="EXTENDED",
        provider="Insurer",
        notes="Paid extra",
    )

    response = post(api_client, body)

    assert response.status_code == 201
    data = response.json()
    assert data.keys() >= WARRANTY_KEYS
    assert data["purchase_id"] == str(purchase.id)
    assert data["warranty_start"] == "2021-03-14"
    assert data["warranty_end"] == end.isoformat()
    assert (data["warranty_type"], data["provider"], data["notes"]) == (
        "EXTENDED",
        "Insurer",
        "Paid extra",
    )
    assert data["status"] == "ACTIVE"
    stored = Warranty.objects.get(pk=data["id"])
    assert stored.purchase_id == purchase.id
    assert stored.warranty_end == end


def test_a_created_warranty_shows_on_its_purchase(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    end = days_from_today(400)

    created = post(api_client, create_body(purchase, warranty_end=end.isoformat())).json()

    data = api_client.get(f"/api/purchases/{purchase.id}").json()
    assert data["warranty_id"] == created["id"]
    assert data["warranty_expiry"] == end.isoformat()


def test_a_purchase_may_get_a_second_warranty(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    first = WarrantyFactory(purchase=purchase)

    response = post(api_client, create_body(purchase, warranty_type="EXTENDED"))

    assert response.status_code == 201
    assert set(Warranty.objects.filter(purchase=purchase).values_list("id", flat=True)) == {
        first.id,
        uuid.UUID(response.json()["id"]),
    }


def test_creating_a_warranty_for_an_unknown_purchase_answers_404(api_client):
    assert_not_found(post(api_client, create_body(PurchaseFactory.build(id=uuid.uuid4()))))
    assert not Warranty.objects.exists()


def test_a_warranty_ending_before_it_starts_is_rejected(api_client):
    purchase = PurchaseFactory()

    response = post(api_client, create_body(purchase, warranty_end="2021-03-13"))

    assert_validation_error(response)
    assert not Warranty.objects.exists()


def test_a_warranty_may_end_the_day_it_starts(api_client):
    purchase = PurchaseFactory()

    response = post(api_client, create_body(purchase, warranty_end="2021-03-14"))

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-03-31", 1, "2023-04-30"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2022-03-15", 24, "2024-03-15"),
        ("2022-11-30", 3, "2023-02-28"),
    ],
)
def test_duration_months_sets_the_end_in_calendar_months(api_client, start, months, end):
    purchase = PurchaseFactory()
    body = create_body(purchase, warranty_start=start, duration_months=months)
    del body["warranty_end"]

    response = post(api_client, body)

    assert response.status_code == 201
    assert response.json()["warranty_end"] == end
    assert Warranty.objects.get().warranty_end == datetime.date.fromisoformat(end)


def test_duration_months_and_warranty_end_together_are_rejected(api_client):
    purchase = PurchaseFactory()

    assert_validation_error(post(api_client, create_body(purchase, duration_months=12)))
    assert not Warranty.objects.exists()


def test_a_warranty_without_end_or_duration_is_rejected(api_client):
    body = create_body(PurchaseFactory())
    del body["warranty_end"]

    assert_validation_error(post(api_client, body))


@pytest.mark.parametrize("months", [0, -1])
def test_a_duration_below_one_month_is_rejected(api_client, months):
    body = create_body(PurchaseFactory(), duration_months=months)
    del body["warranty_end"]

    assert_validation_error(post(api_client, body))


@pytest.mark.parametrize("missing", ["purchase_id", "warranty_start"])
def test_purchase_and_start_are_required(api_client, missing):
    body = create_body(PurchaseFactory())
    del body[missing]

    assert_validation_error(post(api_client, body))


def test_a_warranty_created_voided_is_voided(api_client):
    body = create_body(PurchaseFactory(), warranty_end=days_from_today(400).isoformat())

    response = post(api_client, body | {"status": "VOIDED"})

    assert response.json()["status"] == "VOIDED"
    assert api_client.get(f"{WARRANTIES}/{response.json()['id']}").json()["status"] == "VOIDED"


@pytest.mark.parametrize(
    ("sent", "end_offset", "effective"),
    [("ACTIVE", -1, "EXPIRED"), ("EXPIRED", 400, "ACTIVE"), (None, -1, "EXPIRED")],
)
def test_a_status_other_than_voided_on_create_follows_the_dates(
    api_client, sent, end_offset, effective
):
    body = create_body(PurchaseFactory(), warranty_end=days_from_today(end_offset).isoformat())

    response = post(api_client, body | {"status": sent})

    assert response.status_code == 201
    assert response.json()["status"] == effective


def test_an_unknown_status_on_create_is_rejected(api_client):
    assert_validation_error(post(api_client, create_body(PurchaseFactory(), status="LOST")))


def test_unknown_fields_on_create_are_ignored(api_client):
    body = create_body(PurchaseFactory(), colour="blue", id=str(uuid.uuid4()))

    response = post(api_client, body)

    assert response.status_code == 201
    assert response.json()["id"] != body["id"]


@pytest.mark.parametrize("field", ["warranty_type", "provider"])
def test_a_null_type_or_provider_is_accepted_on_create(api_client, field):
    response = post(api_client, create_body(PurchaseFactory(), **{field: None}))

    assert response.status_code == 201
    assert response.json()[field] is None


@pytest.mark.parametrize(("field", "limit"), [("warranty_type", 50), ("provider", 255)])
def test_a_type_or_provider_longer_than_its_limit_is_rejected(api_client, field, limit):
    purchase = PurchaseFactory()

    assert post(api_client, create_body(purchase, **{field: "A" * limit})).status_code == 201
    assert_validation_error(post(api_client, create_body(purchase, **{field: "A" * (limit + 1)})))
