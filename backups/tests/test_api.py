"""Data reset (docs/api.md §5.8, §9.13) and the service health check (docs/api.md §5.12, §9.18).

The reset takes no body (one sent is ignored): the restore point it takes first is what makes it
undoable.
"""

import datetime
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.db.models.query import QuerySet

from backups.models import BackupRecord
from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from currencies.models import ExchangeRate
from preferences.models import Preference
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

RESET = "/api/data/reset-all"
HEALTH = "/api/health"
DATA_MODELS = [Purchase, Warranty, Retailer, Brand, Preference]


@pytest.fixture
def household_data():
    """Purchases with warranties, a retailer and a brand no purchase uses, and stored settings."""
    for purchase in PurchaseFactory.create_batch(3):
        WarrantyFactory(purchase=purchase)
    RetailerFactory(name="Unused Shop")
    BrandFactory(name="Unused Maker")
    preferences_update(currency_code="EUR", date_format="DD.MM.YYYY")


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DATA_MODELS}


FULL = {"Purchase": 3, "Warranty": 3, "Retailer": 4, "Brand": 4, "Preference": 2}
EMPTY = dict.fromkeys(FULL, 0)


def confirm(client, body=None, **kwargs):
    if body is None:
        body = {"confirm": "DELETE"}
    return client.post(RESET, body, content_type="application/json", **kwargs)


def assert_string_detail(response, status: int):
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail


# --- refusals -----------------------------------------------------------------------------------


def test_the_fixture_data_is_there(household_data):
    assert row_counts() == FULL


@pytest.mark.parametrize("body", [None, "", {}, {"confirm": "DELETE"}, "not json at all {"])
def test_a_reset_needs_no_confirmation_body_and_names_its_restore_point(
    api_client, household_data, body
):
    """The dashboard posts no body (it asks the user to type DELETE itself); the restore
    point (docs/api.md §9.13) is what makes the reset undoable."""
    if body is None:
        response = api_client.post(RESET)
    else:
        response = api_client.post(
            RESET, body if isinstance(body, str) else json.dumps(body), "application/json"
        )

    assert response.status_code == 200
    assert row_counts() == EMPTY
    point = BackupRecord.objects.get(pk=response.json()["restore_point_id"])
    assert point.kind == "restore_point" and point.status == "completed"
    assert point.record_counts["purchases"] == FULL["Purchase"]


def test_a_reset_whose_restore_point_fails_deletes_nothing(api_client, household_data):
    with mock.patch("backups.services.export_zip", side_effect=OSError("disk full")):
        response = api_client.post(RESET)

    assert response.status_code == 500
    assert response.json() == {"detail": "Reset failed: disk full"}
    assert row_counts() == FULL


def test_a_reset_requires_credentials(client, household_data):
    response = confirm(client)

    assert_string_detail(response, 401)
    assert row_counts() == FULL


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_reset_only_answers_post(api_client, household_data, method):
    response = getattr(api_client, method)(
        RESET, {"confirm": "DELETE"}, content_type="application/json"
    )

    assert response.status_code in {404, 405}
    assert isinstance(response.json()["detail"], str)
    assert row_counts() == FULL


# --- a confirmed reset --------------------------------------------------------------------------


def test_a_confirmed_reset_answers_200_with_the_report(api_client, household_data):
    response = confirm(api_client)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"success", "message", "details", "restore_point_id"}
    assert data["success"] is True
    assert isinstance(data["message"], str)
    assert data["message"]
    assert set(data["details"]) == {"database_cleared", "uploads_deleted"}
    assert data["details"]["database_cleared"] is True
    uploads_deleted = data["details"]["uploads_deleted"]
    assert isinstance(uploads_deleted, int)
    assert not isinstance(uploads_deleted, bool)
    assert uploads_deleted >= 0
    # A restore point is taken before the reset and named at the top level (docs/api.md §9.13).
    assert BackupRecord.objects.filter(pk=data["restore_point_id"]).exists()


@pytest.mark.parametrize("path", [RESET, f"{RESET}/"])
def test_a_confirmed_reset_deletes_all_household_data(api_client, household_data, path):
    response = api_client.post(path, {"confirm": "DELETE"}, content_type="application/json")

    assert response.status_code == 200
    assert row_counts() == EMPTY


def test_a_confirmed_reset_ignores_unknown_fields(api_client, household_data):
    response = confirm(api_client, {"confirm": "DELETE", "really": True})

    assert response.status_code == 200
    assert row_counts() == EMPTY


def test_after_a_reset_the_api_shows_no_data_and_default_settings(api_client, household_data):
    assert confirm(api_client).status_code == 200

    for path in ["/api/purchases", "/api/warranties", "/api/retailers", "/api/brands"]:
        response = api_client.get(path)
        assert response.status_code == 200, path
        assert (response.json()["total"], response.json()["items"]) == (0, []), path
    assert api_client.get("/api/settings").json() == {
        "currency_code": "USD",
        "date_format": "MM/DD/YYYY",
        "number_style": "en_US",
    }


def test_a_reset_deletes_the_manual_exchange_rates_and_keeps_the_banks(api_client, household_data):
    day = datetime.date(2025, 3, 14)
    ExchangeRate.objects.create(
        currency_code="ARS", day=day, per_euro=Decimal("1050.25"), source="MANUAL"
    )
    ExchangeRate.objects.create(
        currency_code="USD", day=day, per_euro=Decimal("1.0879"), source="ECB"
    )

    assert confirm(api_client).status_code == 200

    assert list(ExchangeRate.objects.values_list("currency_code", "source")) == [("USD", "ECB")]


def test_a_reset_keeps_user_accounts_and_the_api_token(api_client, api_user, household_data):
    other = get_user_model().objects.create_user(username="partner", password="partner-pass-1")

    assert confirm(api_client).status_code == 200

    assert set(get_user_model().objects.values_list("pk", flat=True)) == {api_user.pk, other.pk}
    assert api_user.api_tokens.count() == 1
    response = api_client.get("/api/purchases")
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_a_reset_of_an_empty_database_succeeds(api_client):
    response = confirm(api_client)

    assert response.status_code == 200
    assert response.json()["success"] is True
    assert row_counts() == EMPTY


def test_data_created_after_a_reset_is_kept(api_client, household_data):
    assert confirm(api_client).status_code == 200

    created = api_client.post(
        "/api/retailers", {"name": "Unused Shop"}, content_type="application/json"
    )

    assert created.status_code == 201
    assert list(Retailer.objects.values_list("name", flat=True)) == ["Unused Shop"]


# --- all or nothing -----------------------------------------------------------------------------


@pytest.fixture
def failing_last_delete(monkeypatch):
    """Make the reset crash once it has deleted rows of every kind, whatever its order.

    Each queryset delete really runs; the one that completes the set of deleted kinds raises
    afterwards, so a reset that is not one transaction would leave the earlier deletes done.
    """
    real_delete = QuerySet.delete
    deleted_kinds = set()
    must_delete = {Purchase, Retailer, Brand, Preference}  # warranties may go by cascade

    def delete(self):
        result = real_delete(self)
        deleted_kinds.add(self.model)
        if must_delete <= deleted_kinds:
            raise RuntimeError("disk on fire")
        return result

    monkeypatch.setattr(QuerySet, "delete", delete)
    return deleted_kinds


def test_a_reset_that_fails_midway_answers_500_and_deletes_nothing(
    api_client, household_data, failing_last_delete
):
    response = confirm(api_client)

    assert failing_last_delete >= {Purchase, Retailer, Brand, Preference}  # the crash happened
    assert_string_detail(response, 500)
    assert row_counts() == FULL
    assert api_client.get("/api/settings").json()["currency_code"] == "EUR"


# --- health -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [HEALTH, f"{HEALTH}/"])
def test_the_health_check_answers_ok_without_credentials(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()) == {"status", "background", "late"}


def test_the_health_check_answers_ok_with_credentials(api_client):
    response = api_client.get(HEALTH)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_health_check_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unavailable)

    response = client.get(HEALTH)

    monkeypatch.undo()
    assert response.status_code == 503
    data = response.json()
    assert isinstance(data["status"], str)
    assert data["status"] != "ok"
    assert data["background"] is None
