"""Currencies kept apart: amounts of different currencies never added, the default currency
the preferred one, a bad currency setting read as USD (docs/api.md §5.5, decisions §9.7 and
§9.8)."""

import pytest

from analytics.tests.edge_cases.helpers import bucket, buy, cover, days, get_json, share
from catalog.tests.factories import BrandFactory, RetailerFactory
from preferences.services import preferences_update

pytestmark = pytest.mark.django_db


def test_amounts_in_different_currencies_are_never_added(api_client):
    retailer = RetailerFactory(name="Duty Free")
    brand = BrandFactory(name="Acme")
    for currency, price in [("USD", "10.00"), ("EUR", "20.00"), ("GBP", "40.00")]:
        buy(price, currency_code=currency, retailer=retailer, brand=brand, product_name="Watch")

    for currency, price in [("USD", "10.00"), ("EUR", "20.00"), ("GBP", "40.00")]:
        summary = get_json(api_client, "/summary", currency=currency)
        assert (summary["total_spent"], summary["avg_price"], summary["total_items"]) == (
            price,
            price,
            1,
        )
        assert (summary["other_currency_count"], summary["currency"]) == (2, currency)
        assert get_json(api_client, "/spending", currency=currency)["spending_over_time"] == [
            bucket("Jan 2025", "2025-01", price, 1)
        ]
        assert get_json(api_client, "/spending", currency=currency, months=3)["spending_over_time"][
            0
        ] == bucket("Jan 2025", "2025-01", price, 1)
        assert (
            get_json(api_client, "/spending/by-period", currency=currency)["total_amount"] == price
        )
        assert get_json(api_client, "/retailers", currency=currency) == {
            "retailers": [share("retailer", "Duty Free", 1, 100, price)],
            "brands": [share("brand", "Acme", 1, 100, price)],
            "currency": currency,
            "base_currency": "USD",
            "converted_count": 0,
            "without_rate_count": 0,
        }
        assert get_json(api_client, "/top-products", currency=currency)["top_products"] == [
            {
                "product_name": "Watch",
                "count": 1,
                "total_spent": price,
                "avg_price": price,
                "without_rate_count": 0,
            }
        ]
        expensive = get_json(api_client, "/expensive-purchases", currency=currency)["purchases"]
        assert [item["price"] for item in expensive] == [price]


def test_a_currency_without_purchases_has_zero_figures(api_client):
    buy("10.00")

    summary = get_json(api_client, "/summary", currency="JPY")

    assert (summary["total_spent"], summary["avg_price"], summary["total_items"]) == (
        "0.00",
        "0.00",
        0,
    )
    assert summary["other_currency_count"] == 1
    assert get_json(api_client, "/spending", currency="JPY")["spending_over_time"] == []


def test_the_default_currency_is_the_preferred_one(api_client):
    preferences_update(currency_code="GBP")
    buy("10.00")
    buy("25.50", currency_code="GBP")

    summary = get_json(api_client, "/summary")

    assert (summary["currency"], summary["total_spent"], summary["other_currency_count"]) == (
        "GBP",
        "25.50",
        1,
    )
    assert get_json(api_client, "/spending")["currency"] == "GBP"
    assert get_json(api_client, "/top-products")["top_products"][0]["total_spent"] == "25.50"


def test_a_new_preferred_currency_is_the_default_at_once(api_client):
    buy("10.00")
    buy("25.50", currency_code="EUR")
    assert get_json(api_client, "/summary")["total_spent"] == "10.00"

    preferences_update(currency_code="EUR")

    assert get_json(api_client, "/summary")["total_spent"] == "25.50"
    assert get_json(api_client, "/spending")["currency"] == "EUR"


@pytest.mark.parametrize("setting", ["", "Euro", "E1"])
def test_a_currency_setting_that_is_not_a_three_letter_code_means_usd(api_client, setting):
    preferences_update(currency_code="GBP")
    preferences_update(currency_code=setting)
    buy("10.00")

    summary = get_json(api_client, "/summary")

    assert (summary["currency"], summary["total_spent"]) == ("USD", "10.00")


def test_recent_lists_cover_every_currency(api_client):
    eur = buy("10.00", currency_code="EUR")
    cover(eur, days(10))

    assert [p["id"] for p in get_json(api_client, "/recent-purchases", currency="USD")] == [
        str(eur.id)
    ]
    assert len(get_json(api_client, "/recent-warranties", currency="USD")) == 1
