"""The front doors of the re-convert (the API, the admin's action and form, the command), the API's
purchase object with its kept conversion, and the flag on the inventory (docs/currencies.md §6)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from accounts.services import api_token_create
from accounts.tests.factories import MemberFactory
from currencies.services import rates_load_ecb
from currencies.tests.factories import FRIDAY, ManualRateFactory, ecb_zip
from purchases.models import Purchase
from purchases.services import purchase_create

pytestmark = pytest.mark.django_db

RECONVERT = "/api/purchases/reconvert"


@pytest.fixture(autouse=True)
def rates():
    rates_load_ecb(file=ecb_zip())


def bought(price: str, currency_code: str, day=FRIDAY) -> Purchase:
    return purchase_create(
        data={
            "product_name": "Kettle",
            "price": Decimal(price),
            "currency_code": currency_code,
            "purchase_date": day,
        }
    )


def test_the_api_shows_the_kept_conversion_read_only(api_client):
    purchase = bought("100.00", "GBP")
    shown = api_client.get(f"/api/purchases/{purchase.pk}").json()
    assert {key: shown[key] for key in ("price", "currency_code")} == {
        "price": "100.00",
        "currency_code": "GBP",
    }
    assert {
        key: shown[key]
        for key in ("base_price", "base_currency_code", "exchange_rate", "rate_day", "rate_source")
    } == {
        "base_price": "130.17",
        "base_currency_code": "USD",
        "exchange_rate": "1.301658331140",
        "rate_day": "2025-03-14",
        "rate_source": "ECB",
    }
    # Sent back, the conversion changes nothing: it is not an input.
    api_client.put(
        f"/api/purchases/{purchase.pk}",
        {"base_price": "1.00", "notes": "x"},
        content_type="application/json",
    )
    assert api_client.get(f"/api/purchases/{purchase.pk}").json()["base_price"] == "130.17"


def test_a_purchase_without_a_rate_shows_nulls(api_client):
    shown = api_client.get(f"/api/purchases/{bought('5.00', 'KWD').pk}").json()
    assert [shown[key] for key in ("base_price", "exchange_rate", "rate_day", "rate_source")] == [
        None
    ] * 4


def test_the_api_reconverts_only_the_missing_ones_when_asked(api_client):
    bought("5.00", "KWD")
    bought("100.00", "GBP")
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.335"))

    response = api_client.post(RECONVERT, {"only_missing": True}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "base_currency_code": "USD",
        "examined": 1,
        "changed": 1,
        "without_rate": 0,
    }


@pytest.mark.parametrize("value", [0, 1, "yes", None])
def test_only_missing_must_be_true_or_false(api_client, value):
    response = api_client.post(RECONVERT, {"only_missing": value}, content_type="application/json")

    assert response.status_code == 422
    assert "only_missing" in str(response.json()["detail"])


def test_only_owners_may_reconvert(client):
    editor = MemberFactory(role=Role.EDITOR)
    _, token = api_token_create(user=editor, name="script")
    response = client.post(
        RECONVERT, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403


def test_the_admin_action_reconverts_the_selected_purchases(staff_client):
    chosen, other = bought("100.00", "GBP"), bought("200.00", "GBP")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))

    response = staff_client.post(
        reverse("admin:purchases_purchase_changelist"),
        {"action": "reconvert", "_selected_action": [str(chosen.pk)]},
        follow=True,
    )

    assert "1 changed" in response.content.decode()
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.base_price, other.base_price) == (Decimal("135.99"), Decimal("260.33"))


def test_the_admin_form_converts_a_new_price_and_keeps_the_rate_otherwise(staff_client):
    purchase = bought("100.00", "GBP")
    ManualRateFactory(currency_code="GBP", day=FRIDAY, per_euro=Decimal("0.8"))
    url = reverse("admin:purchases_purchase_change", args=[purchase.pk])
    form = {
        "product_name": "Kettle",
        "price": "100.00",
        "currency_code": "GBP",
        "quantity": "1",
        "purchase_date": "2025-03-14",
        "status": "RECEIVED",
        "warranties-TOTAL_FORMS": "0",
        "warranties-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "notes": "Descaled",
    }
    assert staff_client.post(url, form).status_code == 302
    purchase.refresh_from_db()
    assert purchase.base_price == Decimal("130.17")

    assert staff_client.post(url, {**form, "price": "10.00"}).status_code == 302
    purchase.refresh_from_db()
    assert purchase.base_price == Decimal("13.60")  # 10 x 1.359875


def test_the_command_reconverts_and_says_what_it_did():
    bought("5.00", "KWD")
    ManualRateFactory(currency_code="KWD", day=FRIDAY, per_euro=Decimal("0.335"))
    out = StringIO()

    call_command("purchases_reconvert", "--only-missing", "--dry-run", stdout=out)
    assert Purchase.objects.get().base_price is None
    call_command("purchases_reconvert", stdout=out, stderr=StringIO())

    assert out.getvalue().splitlines() == [
        "Dry run: Re-converted 1 purchase to USD: 1 changed, 0 without a rate.",
        "Re-converted 1 purchase to USD: 1 changed, 0 without a rate.",
    ]
    assert Purchase.objects.get().base_price == Decimal("16.24")


def test_the_inventory_shows_the_converted_amount_beside_a_foreign_price(owner_client):
    bought("100.00", "EUR")
    bought("24.99", "USD")
    content = owner_client.get("/inventory/").content.decode()
    assert "≈ $108.79" in content
    assert content.count("≈") == 1  # not beside a price in the household's currency
    assert 'data-testid="without-rate"' not in content


def test_the_inventory_flags_the_purchases_without_a_rate_with_a_way_to_convert_them(
    owner_client,
):
    for _ in range(3):
        bought("5.00", "KWD")
    content = owner_client.get("/inventory/").content.decode()
    assert "3 purchases without a rate" in content
    assert 'href="/settings/#reconvert"' in content
    settings_page = owner_client.get("/settings/").content.decode()
    assert 'id="reconvert"' in settings_page and "purchases_reconvert.js" in settings_page
