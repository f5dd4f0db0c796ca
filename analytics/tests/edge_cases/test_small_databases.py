"""An empty database gives zeros, empty lists and today's period only; retailers and brands
without purchases are listed with zeros; a single purchase is reported by every figure
(docs/api.md §5.5, decisions §9.8 to §9.12)."""

import datetime

import pytest

from analytics.tests.edge_cases.helpers import (
    EMPTY_WARRANTY_SUMMARY,
    IN_USD,
    bucket,
    buy,
    get_json,
    share,
)
from catalog.tests.factories import BrandFactory, RetailerFactory

pytestmark = pytest.mark.django_db


def test_summary_of_an_empty_database_is_all_zeros(api_client):
    assert get_json(api_client, "/summary") == {
        "total_spent": "0.00",
        "avg_price": "0.00",
        "total_items": 0,
        "active_warranties": 0,
        "expiring_warranties": 0,
        "expired_warranties": 0,
        "tax_deductible_count": 0,
        "other_currency_count": 0,
        **IN_USD,
    }


def test_spending_of_an_empty_database_has_no_months(api_client):
    assert get_json(api_client, "/spending") == {"spending_over_time": [], **IN_USD}


def test_spending_of_an_empty_database_over_n_months_is_all_zeros(api_client):
    assert get_json(api_client, "/spending", months=3)["spending_over_time"] == [
        bucket("Jan 2025", "2025-01"),
        bucket("Feb 2025", "2025-02"),
        bucket("Mar 2025", "2025-03"),
    ]


def test_spending_by_period_of_an_empty_database_is_today_only(api_client):
    assert get_json(api_client, "/spending/by-period") == {
        "spending_over_time": [bucket("Mar 2025", "2025-03")],
        "start_date": "2025-03-15",
        "end_date": "2025-03-15",
        "total_amount": "0.00",
        "item_count": 0,
        **IN_USD,
    }


def test_warranty_figures_of_an_empty_database_are_zeros(api_client):
    assert get_json(api_client, "/warranties/timeline") == {
        "timeline": [],
        "summary": EMPTY_WARRANTY_SUMMARY,
    }
    assert get_json(api_client, "/warranties/summary") == EMPTY_WARRANTY_SUMMARY


@pytest.mark.parametrize("path", ["/retailers", "/brands"])
def test_distributions_of_an_empty_database_are_empty(api_client, path):
    assert get_json(api_client, path) == {"retailers": [], "brands": [], **IN_USD}


def test_rankings_of_an_empty_database_are_empty(api_client):
    assert get_json(api_client, "/top-products") == {"top_products": [], **IN_USD}
    assert get_json(api_client, "/expensive-purchases") == {"purchases": [], **IN_USD}
    assert get_json(api_client, "/recent-purchases") == []
    assert get_json(api_client, "/recent-warranties") == []


@pytest.mark.parametrize("path", ["/retailers", "/brands"])
def test_retailers_and_brands_without_purchases_are_listed_with_zeros(api_client, path):
    RetailerFactory(name="Unused Store")
    BrandFactory(name="Unused Brand")
    buy("10.00")  # a purchase without retailer or brand counts for neither list

    assert get_json(api_client, path) == {
        "retailers": [share("retailer", "Unused Store", 0, 0, "0.00")],
        "brands": [share("brand", "Unused Brand", 0, 0, "0.00")],
        **IN_USD,
    }


def test_a_single_purchase_is_reported_by_every_figure(api_client):
    retailer = RetailerFactory(name="Kitchen Outlet")
    brand = BrandFactory(name="Delonghi")
    purchase = buy(
        "429.99",
        datetime.date(2024, 11, 3),
        product_name="Espresso machine",
        retailer=retailer,
        brand=brand,
        tax_deductible=True,
    )

    summary = get_json(api_client, "/summary")
    assert (summary["total_spent"], summary["avg_price"], summary["total_items"]) == (
        "429.99",
        "429.99",
        1,
    )
    assert summary["tax_deductible_count"] == 1
    assert get_json(api_client, "/spending")["spending_over_time"] == [
        bucket("Nov 2024", "2024-11", "429.99", 1)
    ]
    period = get_json(api_client, "/spending/by-period")
    assert (period["start_date"], period["end_date"]) == ("2024-11-03", "2025-03-15")
    assert [item["period"] for item in period["spending_over_time"]] == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    assert get_json(api_client, "/retailers") == {
        "retailers": [share("retailer", "Kitchen Outlet", 1, 100, "429.99")],
        "brands": [share("brand", "Delonghi", 1, 100, "429.99")],
        **IN_USD,
    }
    assert get_json(api_client, "/top-products")["top_products"] == [
        {
            "product_name": "Espresso machine",
            "count": 1,
            "total_spent": "429.99",
            "avg_price": "429.99",
            "without_rate_count": 0,
        }
    ]
    assert get_json(api_client, "/expensive-purchases")["purchases"] == [
        {
            "id": str(purchase.id),
            "product_name": "Espresso machine",
            "brand_name": "Delonghi",
            "price": "429.99",
            "currency_code": "USD",
            "amount": "429.99",
            "purchase_date": "2024-11-03",
        }
    ]
