"""/api/rates (docs/api.md §5.14): manual rates for owners, the conversion preview for members."""

import datetime

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import MemberFactory
from currencies.models import ExchangeRate
from currencies.services import rates_load_ecb
from currencies.tests.factories import FRIDAY, ManualRateFactory, ecb_zip
from kernel.testing import assert_validation_error

pytestmark = pytest.mark.django_db

RATES = "/api/rates"
UNKNOWN_ID = "5b0f4c47-1d2e-4a8b-9c3d-7e6f5a4b3c2d"


def signed_in(role) -> Client:
    client = Client()
    client.force_login(MemberFactory(role=role))
    return client


@pytest.fixture
def ecb_rates():
    rates_load_ecb(file=ecb_zip())


def test_an_owner_enters_a_rate_and_every_member_reads_it(api_client):
    created = api_client.post(
        RATES,
        {"currency_code": "ars", "day": "2025-03-14", "per_euro": "1150.5"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["currency_code"], body["day"], body["per_euro"], body["source"]) == (
        "ARS",
        "2025-03-14",
        "1150.500000",
        "MANUAL",
    )
    listed = signed_in(Role.VIEWER).get(RATES).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]


def test_the_list_holds_only_manual_rates_newest_first_and_filters_by_currency(
    api_client, ecb_rates
):
    ManualRateFactory(currency_code="USD", day=FRIDAY)
    ManualRateFactory(currency_code="GBP", day=FRIDAY - datetime.timedelta(days=1))
    items = api_client.get(RATES).json()["items"]
    assert [(item["currency_code"], item["day"]) for item in items] == [
        ("USD", "2025-03-14"),
        ("GBP", "2025-03-13"),
    ]
    assert [
        item["currency_code"] for item in api_client.get(f"{RATES}?currency=gbp").json()["items"]
    ] == ["GBP"]


def test_an_owner_changes_and_deletes_a_manual_rate(api_client):
    rate = ManualRateFactory(currency_code="USD")
    changed = api_client.patch(
        f"{RATES}/{rate.pk}", {"per_euro": 1.25}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["per_euro"] == "1.250000"
    assert api_client.delete(f"{RATES}/{rate.pk}").status_code == 204
    assert not ExchangeRate.objects.exists()
    assert api_client.delete(f"{RATES}/{rate.pk}").status_code == 404


def test_an_ecb_rate_is_not_found_among_the_manual_ones(api_client, ecb_rates):
    ecb = ExchangeRate.objects.filter(source=ExchangeRate.Source.ECB).first()
    assert api_client.delete(f"{RATES}/{ecb.pk}").status_code == 404
    assert api_client.delete(f"{RATES}/{UNKNOWN_ID}").status_code == 404


def test_an_invalid_rate_answers_422_with_the_services_words(api_client):
    response = api_client.post(
        RATES,
        {"currency_code": "USD", "day": "2025-03-14", "per_euro": "0"},
        content_type="application/json",
    )
    assert_validation_error(response)
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "per_euro"]
    assert error["msg"].startswith("The rate must be a number above 0")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_only_owners_write_rates(role):
    client = signed_in(role)
    rate = ManualRateFactory()
    body = {"currency_code": "USD", "day": "2025-03-13", "per_euro": "1.1"}
    assert client.get(RATES).status_code == 200
    assert client.post(RATES, body, content_type="application/json").status_code == 403
    assert (
        client.put(f"{RATES}/{rate.pk}", body, content_type="application/json").status_code == 403
    )
    assert client.delete(f"{RATES}/{rate.pk}").status_code == 403
    assert ExchangeRate.objects.get().per_euro == rate.per_euro


def test_signed_out_callers_get_nothing():
    assert Client().get(RATES).status_code == 401
    assert Client().get(f"{RATES}/convert?currency=EUR&base=USD").status_code == 401


def test_the_conversion_preview_gives_rate_day_and_source(ecb_rates):
    viewer = signed_in(Role.VIEWER)
    response = viewer.get(f"{RATES}/convert?currency=EUR&base=USD&day=2025-03-16")
    assert response.status_code == 200
    assert response.json() == {
        "currency": "EUR",
        "base": "USD",
        "rate": "1.087900000000",
        "day": "2025-03-14",
        "source": "ECB",
        "amount": None,
        "converted": None,
    }
    with_amount = viewer.get(f"{RATES}/convert?currency=USD&base=JPY&day=2025-03-14&amount=100")
    assert with_amount.json()["converted"] == "14861"
    assert with_amount.json()["rate"] == "148.607408769188"


def test_the_preview_defaults_to_the_households_currency_and_says_when_there_is_no_rate(
    ecb_rates,
):
    viewer = signed_in(Role.VIEWER)
    answer = viewer.get(f"{RATES}/convert?currency=JPY&day=2025-03-14").json()
    assert answer["base"] == "USD" and answer["source"] == "ECB"
    missing = viewer.get(f"{RATES}/convert?currency=CHF&base=USD&day=2025-03-14")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "No exchange rate from CHF to USD on 2025-03-14 or in the 7 days before."
    )
