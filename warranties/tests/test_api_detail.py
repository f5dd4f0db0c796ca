"""One warranty by id: reading it, changing only the fields sent (dates, duration, voiding,
explicit nulls) and deleting it (docs/api.md §4.2, §5.2; decisions §9.5, §9.6, §9.20)."""

import datetime
import uuid

import pytest

from kernel.testing import assert_validation_error
from warranties.models import Warranty
from warranties.tests.api_helpers import BOUGHT, WARRANTIES, assert_not_found, put, warranty_ending
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_getting_a_warranty_returns_it_with_its_effective_status(api_client):
    warranty = warranty_ending(-1, provider="Maker")

    response = api_client.get(f"{WARRANTIES}/{warranty.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(warranty.id)
    assert response.json()["provider"] == "Maker"
    assert response.json()["status"] == "EXPIRED"


@pytest.mark.parametrize("warranty_id", [uuid.uuid4(), "not-a-uuid", "42"])
def test_an_unknown_or_malformed_warranty_id_answers_404(api_client, warranty_id):
    warranty = warranty_ending(10)

    assert_not_found(api_client.get(f"{WARRANTIES}/{warranty_id}"))
    assert_not_found(put(api_client, warranty_id, {"notes": "x"}))
    assert_not_found(api_client.delete(f"{WARRANTIES}/{warranty_id}"))
    warranty.refresh_from_db()
    assert warranty.notes is None


def test_an_update_changes_only_the_fields_sent(api_client):
    warranty = warranty_ending(100, warranty_type="LIMITED", provider="Maker", notes="Box")
    before = api_client.get(f"{WARRANTIES}/{warranty.id}").json()

    response = put(api_client, warranty.id, {"provider": "Insurer", "colour": "red"})

    assert response.status_code == 200
    after = response.json()
    assert after["provider"] == "Insurer"
    # updated_at and updated_by tell when and by whom it was saved last.
    unchanged = set(before) - {"provider", "updated_at", "updated_by"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert after["updated_at"] is not None
    assert after["updated_by"] == "owner"
    warranty.refresh_from_db()
    assert warranty.provider == "Insurer"


def test_an_update_to_a_past_end_makes_the_warranty_expired(api_client):
    warranty = warranty_ending(100)

    response = put(api_client, warranty.id, {"warranty_end": "2022-01-01"})

    assert response.json()["warranty_end"] == "2022-01-01"
    assert response.json()["status"] == "EXPIRED"


def test_an_update_can_change_both_dates(api_client):
    warranty = warranty_ending(100)

    response = put(
        api_client, warranty.id, {"warranty_start": "2019-01-01", "warranty_end": "2020-01-01"}
    )

    assert response.status_code == 200
    warranty.refresh_from_db()
    assert (warranty.warranty_start, warranty.warranty_end) == (
        datetime.date(2019, 1, 1),
        datetime.date(2020, 1, 1),
    )


@pytest.mark.parametrize("body", [{"warranty_end": "2021-03-13"}, {"warranty_start": "2099-01-01"}])
def test_an_update_that_ends_the_warranty_before_it_starts_is_rejected(api_client, body):
    warranty = warranty_ending(100)

    assert_validation_error(put(api_client, warranty.id, body))
    stored = Warranty.objects.get()
    assert (stored.warranty_start, stored.warranty_end) == (BOUGHT, warranty.warranty_end)


def test_duration_months_on_update_counts_from_the_start(api_client):
    warranty = WarrantyFactory(
        purchase__purchase_date=datetime.date(2024, 1, 31),
        warranty_start=datetime.date(2024, 1, 31),
        warranty_end=datetime.date(2024, 6, 1),
    )

    response = put(api_client, warranty.id, {"duration_months": 1})

    assert response.json()["warranty_end"] == "2024-02-29"


def test_status_voided_voids_and_status_active_unvoids(api_client):
    warranty = warranty_ending(100)

    voided = put(api_client, warranty.id, {"status": "VOIDED"}).json()
    assert voided["status"] == "VOIDED"
    assert api_client.get(f"{WARRANTIES}/{warranty.id}").json()["status"] == "VOIDED"

    restored = put(api_client, warranty.id, {"status": "ACTIVE"}).json()
    assert restored["status"] == "ACTIVE"
    assert api_client.get(f"{WARRANTIES}/{warranty.id}").json()["status"] == "ACTIVE"


def test_unvoiding_a_warranty_whose_end_has_passed_makes_it_expired(api_client):
    warranty = warranty_ending(-10, voided=True)

    response = put(api_client, warranty.id, {"status": "ACTIVE"})

    assert response.json()["status"] == "EXPIRED"


def test_status_expired_on_an_active_warranty_does_not_expire_it(api_client):
    warranty = warranty_ending(100)

    response = put(api_client, warranty.id, {"status": "EXPIRED"})

    assert response.json()["status"] == "ACTIVE"


def test_a_voided_warranty_stays_voided_when_other_fields_change(api_client):
    warranty = warranty_ending(100, voided=True)

    response = put(api_client, warranty.id, {"notes": "Still void", "warranty_end": "2099-01-01"})

    assert response.json()["status"] == "VOIDED"


@pytest.mark.parametrize("field", ["warranty_type", "provider"])
def test_an_explicit_null_clears_the_type_or_provider(api_client, field):
    warranty = warranty_ending(100, **{field: "Something"})

    response = put(api_client, warranty.id, {field: None})

    assert response.status_code == 200
    assert response.json()[field] is None


def test_an_explicit_null_clears_the_notes(api_client):
    warranty = warranty_ending(100, notes="Something")

    response = put(api_client, warranty.id, {"notes": None})

    assert response.json()["notes"] is None
    warranty.refresh_from_db()
    assert warranty.notes is None


def test_deleting_a_warranty_answers_204_with_an_empty_body_then_404(api_client):
    warranty = warranty_ending(100)
    sibling = WarrantyFactory(purchase=warranty.purchase)

    response = api_client.delete(f"{WARRANTIES}/{warranty.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert_not_found(api_client.get(f"{WARRANTIES}/{warranty.id}"))
    assert_not_found(api_client.delete(f"{WARRANTIES}/{warranty.id}"))
    assert list(Warranty.objects.all()) == [sibling]
    assert api_client.get(f"/api/purchases/{warranty.purchase_id}").status_code == 200
