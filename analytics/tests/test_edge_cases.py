"""Hand-written cases of the analytics endpoints.

docs/api.md §5.5 with the decisions §9.3 and §9.8 to §9.12: empty and one-purchase
databases, month and year boundaries, the leap day, warranties ending around today, currencies
kept apart, half-up rounding of averages and percentages, and the bounds of every parameter.
"""

import datetime
import uuid
from decimal import Decimal

import pytest

from catalog.tests.factories import BrandFactory, RetailerFactory
from preferences.services import preferences_update
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

ANALYTICS = "/api/analytics"
TODAY = datetime.date(2025, 3, 15)
CREATED = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
ROUTES = [
    "/summary",
    "/spending",
    "/spending/by-period",
    "/warranties/timeline",
    "/warranties/summary",
    "/retailers",
    "/brands",
    "/top-products",
    "/expensive-purchases",
    "/recent-purchases",
    "/recent-warranties",
]
LIMITED_ROUTES = [
    "/top-products",
    "/expensive-purchases",
    "/recent-purchases",
    "/recent-warranties",
]
EMPTY_WARRANTY_SUMMARY = {"active": 0, "expired": 0, "voided": 0, "expiring_soon": 0, "total": 0}
# What a money answer in the base says of its currencies when every purchase is in the base.
IN_USD = {"currency": "USD", "base_currency": "USD", "converted_count": 0, "without_rate_count": 0}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


def pin_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr("kernel.clock.today", lambda: day)


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


def buy(price: str, purchase_date=datetime.date(2025, 1, 10), **fields):
    """Create a purchase; without retailer or brand unless given."""
    return PurchaseFactory(
        **{
            "product_name": "Kettle",
            "price": Decimal(price),
            "purchase_date": purchase_date,
            "retailer": None,
            "brand": None,
            **fields,
        }
    )


def cover(purchase, end: datetime.date, **fields):
    return WarrantyFactory(
        purchase=purchase,
        warranty_start=min(purchase.purchase_date, end),
        warranty_end=end,
        **fields,
    )


def get(client, path: str, **params):
    return client.get(f"{ANALYTICS}{path}", params)


def get_json(client, path: str, **params):
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    return response.json()


def bucket(month: str, period: str, total: str = "0.00", count: int = 0) -> dict:
    return {
        "month": month,
        "period": period,
        "total_amount": total,
        "item_count": count,
        "without_rate_count": 0,
    }


def share(field: str, name: str, count: int, percentage: float, total: str) -> dict:
    return {
        "name": name,
        f"{field}_name": name,
        "count": count,
        "percentage": percentage,
        "total_spent": total,
        "without_rate_count": 0,
    }


def assert_validation_error(response):
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_requires_credentials(client, path):
    response = client.get(f"{ANALYTICS}{path}")

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_answers_the_same_with_a_trailing_slash(api_client, path):
    buy("12.50")

    with_slash = api_client.get(f"{ANALYTICS}{path}/")

    assert with_slash.status_code == 200
    assert with_slash.json() == get_json(api_client, path)


# --- empty database -------------------------------------------------------------------------------


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


# --- one purchase ---------------------------------------------------------------------------------


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


# --- months and dates -----------------------------------------------------------------------------


def test_purchases_on_31_january_and_1_february_fall_in_different_months(api_client):
    buy("10.00", datetime.date(2025, 1, 31))
    buy("20.00", datetime.date(2025, 2, 1))

    assert get_json(api_client, "/spending")["spending_over_time"] == [
        bucket("Jan 2025", "2025-01", "10.00", 1),
        bucket("Feb 2025", "2025-02", "20.00", 1),
    ]
    period = get_json(
        api_client, "/spending/by-period", start_date="2025-01-31", end_date="2025-02-01"
    )
    assert period["spending_over_time"] == [
        bucket("Jan 2025", "2025-01", "10.00", 1),
        bucket("Feb 2025", "2025-02", "20.00", 1),
    ]


def test_a_purchase_on_the_leap_day_is_spending_of_february_2024(api_client):
    buy("29.02", datetime.date(2024, 2, 29))
    buy("1.00", datetime.date(2024, 3, 1))

    assert get_json(api_client, "/spending")["spending_over_time"][0] == bucket(
        "Feb 2024", "2024-02", "29.02", 1
    )
    period = get_json(
        api_client, "/spending/by-period", start_date="2024-02-29", end_date="2024-02-29"
    )
    assert period["spending_over_time"] == [bucket("Feb 2024", "2024-02", "29.02", 1)]
    assert (period["total_amount"], period["item_count"]) == ("29.02", 1)


def test_spending_by_period_counts_both_end_days_and_nothing_outside(api_client):
    for day, price in [(14, "1.00"), (15, "2.00")]:
        buy(price, datetime.date(2025, 1, day))
    for day, price in [(20, "4.00"), (21, "8.00")]:
        buy(price, datetime.date(2025, 3, day))

    period = get_json(
        api_client, "/spending/by-period", start_date="2025-01-15", end_date="2025-03-20"
    )

    assert period == {
        "spending_over_time": [
            bucket("Jan 2025", "2025-01", "2.00", 1),
            bucket("Feb 2025", "2025-02"),
            bucket("Mar 2025", "2025-03", "4.00", 1),
        ],
        "start_date": "2025-01-15",
        "end_date": "2025-03-20",
        "total_amount": "6.00",
        "item_count": 2,
        **IN_USD,
    }


def test_spending_by_period_is_zero_filled_across_a_year_boundary(api_client):
    buy("5.00", datetime.date(2024, 11, 30))
    buy("7.00", datetime.date(2025, 2, 1))

    period = get_json(
        api_client, "/spending/by-period", start_date="2024-11-30", end_date="2025-02-01"
    )

    assert period["spending_over_time"] == [
        bucket("Nov 2024", "2024-11", "5.00", 1),
        bucket("Dec 2024", "2024-12"),
        bucket("Jan 2025", "2025-01"),
        bucket("Feb 2025", "2025-02", "7.00", 1),
    ]


def test_spending_by_period_starts_by_default_at_the_earliest_purchase_in_the_currency(api_client):
    buy("3.00", datetime.date(2024, 12, 24), currency_code="EUR")
    buy("4.00", datetime.date(2025, 2, 10))

    usd = get_json(api_client, "/spending/by-period", currency="USD")
    eur = get_json(api_client, "/spending/by-period", currency="EUR")
    every = get_json(api_client, "/spending/by-period")

    assert (usd["start_date"], usd["end_date"]) == ("2025-02-10", "2025-03-15")
    assert [item["period"] for item in usd["spending_over_time"]] == ["2025-02", "2025-03"]
    assert (eur["start_date"], eur["total_amount"]) == ("2024-12-24", "3.00")
    # In the base, every purchase counts: the EUR one has no rate, so it adds nothing.
    assert (every["start_date"], every["total_amount"], every["item_count"]) == (
        "2024-12-24",
        "4.00",
        2,
    )


def test_spending_by_period_with_only_a_start_date_ends_today(api_client):
    buy("4.00", TODAY)

    period = get_json(api_client, "/spending/by-period", start_date="2025-02-28")

    assert (period["start_date"], period["end_date"], period["item_count"]) == (
        "2025-02-28",
        "2025-03-15",
        1,
    )


def test_spending_by_period_rejects_an_end_before_the_start(api_client):
    response = get(
        api_client, "/spending/by-period", start_date="2025-03-02", end_date="2025-03-01"
    )

    assert_validation_error(response)


@pytest.mark.parametrize("params", [{"start_date": "2025-02-30"}, {"end_date": "yesterday"}])
def test_spending_by_period_rejects_a_malformed_date(api_client, params):
    assert_validation_error(get(api_client, "/spending/by-period", **params))


def test_spending_over_n_months_is_zero_filled_across_a_year_boundary(api_client, monkeypatch):
    pin_today(monkeypatch, datetime.date(2025, 2, 10))
    buy("1.00", datetime.date(2024, 10, 31))  # before the window
    buy("2.00", datetime.date(2024, 11, 1))
    buy("3.00", datetime.date(2025, 2, 10))

    spending = get_json(api_client, "/spending", months=4)["spending_over_time"]

    assert spending == [
        bucket("Nov 2024", "2024-11", "2.00", 1),
        bucket("Dec 2024", "2024-12"),
        bucket("Jan 2025", "2025-01"),
        bucket("Feb 2025", "2025-02", "3.00", 1),
    ]


def test_spending_over_one_month_is_the_current_month(api_client):
    buy("1.00", datetime.date(2025, 2, 28))
    buy("2.00", datetime.date(2025, 3, 1))

    assert get_json(api_client, "/spending", months=1)["spending_over_time"] == [
        bucket("Mar 2025", "2025-03", "2.00", 1)
    ]


def test_spending_over_120_months_has_a_bucket_for_each(api_client):
    buy("1.00", datetime.date(2015, 4, 1))
    buy("2.00", datetime.date(2015, 3, 31))  # one month too early

    spending = get_json(api_client, "/spending", months=120)["spending_over_time"]

    assert len(spending) == 120
    assert spending[0] == bucket("Apr 2015", "2015-04", "1.00", 1)
    assert spending[-1] == bucket("Mar 2025", "2025-03")
    assert sum(item["item_count"] for item in spending) == 1


@pytest.mark.parametrize("path", ["/spending", "/warranties/timeline"])
@pytest.mark.parametrize("months", [0, -1, 121, "twelve"])
def test_months_outside_1_to_120_are_rejected(api_client, path, months):
    assert_validation_error(get(api_client, path, months=months))


def test_month_labels_are_english_whatever_the_language(api_client, settings):
    settings.LANGUAGE_CODE = "de"
    buy("1.00", datetime.date(2024, 12, 5))

    response = api_client.get(f"{ANALYTICS}/spending", HTTP_ACCEPT_LANGUAGE="de")

    assert response.json()["spending_over_time"][0]["month"] == "Dec 2024"


# --- warranties -----------------------------------------------------------------------------------


def test_warranty_status_follows_today_and_voided_is_sticky(api_client):
    purchase = buy("100.00", datetime.date(2023, 3, 1))
    cover(purchase, days(0))  # active, expiring
    cover(purchase, days(-1))  # expired
    cover(purchase, days(30))  # active, expiring
    cover(purchase, days(31))  # active
    cover(purchase, days(0), voided=True)
    cover(purchase, days(400), voided=True)
    expected = {"active": 3, "expired": 1, "voided": 2, "expiring_soon": 2, "total": 6}

    assert get_json(api_client, "/warranties/summary") == expected
    summary = get_json(api_client, "/summary")
    assert (
        summary["active_warranties"],
        summary["expired_warranties"],
        summary["expiring_warranties"],
    ) == (3, 1, 2)
    assert get_json(api_client, "/warranties/timeline") == {
        "timeline": [
            {
                "month": "Mar 2025",
                "period": "2025-03",
                "active": 1,
                "expired": 1,
                "expiring_soon": 1,
            },
            {
                "month": "Apr 2025",
                "period": "2025-04",
                "active": 2,
                "expired": 0,
                "expiring_soon": 1,
            },
        ],
        "summary": expected,
    }


def test_expiring_soon_crosses_a_year_boundary(api_client, monkeypatch):
    pin_today(monkeypatch, datetime.date(2024, 12, 31))
    purchase = buy("100.00", datetime.date(2024, 1, 1))
    cover(purchase, datetime.date(2025, 1, 30))  # today + 30
    cover(purchase, datetime.date(2025, 1, 31))  # today + 31
    cover(purchase, datetime.date(2024, 12, 31))  # today

    timeline = get_json(api_client, "/warranties/timeline")["timeline"]

    assert timeline == [
        {"month": "Dec 2024", "period": "2024-12", "active": 1, "expired": 0, "expiring_soon": 1},
        {"month": "Jan 2025", "period": "2025-01", "active": 2, "expired": 0, "expiring_soon": 1},
    ]


def test_voiding_a_warranty_through_the_api_is_counted_at_once(api_client):
    warranty = cover(buy("10.00"), days(10))
    assert get_json(api_client, "/warranties/summary")["active"] == 1

    response = api_client.put(
        f"/api/warranties/{warranty.id}", {"status": "VOIDED"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert get_json(api_client, "/warranties/summary") == {
        "active": 0,
        "expired": 0,
        "voided": 1,
        "expiring_soon": 0,
        "total": 1,
    }
    assert get_json(api_client, "/warranties/timeline")["timeline"] == []


def test_timeline_leaves_out_months_with_only_voided_warranties(api_client):
    purchase = buy("100.00")
    cover(purchase, datetime.date(2026, 5, 1), voided=True)
    cover(purchase, datetime.date(2026, 6, 1))

    response = get_json(api_client, "/warranties/timeline")

    assert [item["period"] for item in response["timeline"]] == ["2026-06"]
    assert response["summary"]["voided"] == 1
    assert response["summary"]["total"] == 2


def test_timeline_months_keeps_the_months_within_n_of_this_one(api_client):
    purchase = buy("100.00", datetime.date(2024, 6, 1))
    for end in ["2025-01-31", "2025-02-01", "2025-04-30", "2025-05-01"]:
        cover(purchase, datetime.date.fromisoformat(end))

    response = get_json(api_client, "/warranties/timeline", months=1)

    assert [item["period"] for item in response["timeline"]] == ["2025-02", "2025-04"]
    assert response["summary"]["total"] == 4  # the summary ignores the window


def test_warranties_are_counted_one_by_one_in_every_currency(api_client):
    cover(buy("10.00", currency_code="EUR"), days(100))
    usd = buy("10.00")
    cover(usd, days(100))
    cover(usd, days(200), warranty_type="EXTENDED")

    summary = get_json(api_client, "/summary", currency="USD")

    assert summary["active_warranties"] == 3
    assert get_json(api_client, "/warranties/summary", currency="GBP")["total"] == 3


# --- currencies -----------------------------------------------------------------------------------


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


# --- what counts ----------------------------------------------------------------------------------


def test_price_is_the_line_total_whatever_the_quantity(api_client):
    buy("30.00", quantity=3)

    assert get_json(api_client, "/summary")["total_spent"] == "30.00"
    assert get_json(api_client, "/top-products")["top_products"][0]["avg_price"] == "30.00"


def test_ordered_and_received_purchases_both_count(api_client):
    buy("10.00", status="ORDERED")
    buy("20.00", status="RECEIVED")

    summary = get_json(api_client, "/summary")

    assert (summary["total_spent"], summary["total_items"]) == ("30.00", 2)
    assert get_json(api_client, "/spending")["spending_over_time"][0]["item_count"] == 2


def test_sums_beyond_the_largest_price_are_exact(api_client):
    for _ in range(3):
        buy("99999999.99")
    buy("0.03")

    summary = get_json(api_client, "/summary")

    assert (summary["total_spent"], summary["avg_price"]) == ("300000000.00", "75000000.00")
    assert get_json(api_client, "/spending")["spending_over_time"][0]["total_amount"] == (
        "300000000.00"
    )


# --- rounding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prices", "average"),
    [
        (["0.01", "0.02"], "0.02"),  # 0.015
        (["10.00", "10.01"], "10.01"),  # 10.005
        (["2.50", "2.51", "2.51", "2.52"], "2.51"),  # 2.51
        (["0.01", "0.01", "0.02"], "0.01"),  # 0.0133…
        (["1.00", "1.00", "1.01"], "1.00"),  # 1.0033…
        (["1.01", "1.01", "1.00"], "1.01"),  # 1.0066…
        (["99999999.99", "99999999.98"], "99999999.99"),  # 99999999.985
    ],
)
def test_average_prices_round_half_up(api_client, prices, average):
    for price in prices:
        buy(price)

    assert get_json(api_client, "/summary")["avg_price"] == average
    assert get_json(api_client, "/top-products")["top_products"][0]["avg_price"] == average


def test_percentages_round_half_up(api_client):
    rare, common = RetailerFactory(name="Rare"), RetailerFactory(name="Common")
    rare_brand, common_brand = BrandFactory(name="Rare"), BrandFactory(name="Common")
    buy("1.00", retailer=rare, brand=rare_brand)
    for _ in range(31):
        buy("1.00", retailer=common, brand=common_brand)

    response = get_json(api_client, "/retailers")

    # 31/32 = 96.875 % and 1/32 = 3.125 %: half-up gives 96.88 and 3.13 (half-even 96.88, 3.12).
    assert [(item["name"], item["percentage"]) for item in response["retailers"]] == [
        ("Common", 96.88),
        ("Rare", 3.13),
    ]
    assert [item["percentage"] for item in response["brands"]] == [96.88, 3.13]


def test_percentages_of_thirds_leave_out_purchases_without_a_retailer(api_client):
    big, small = RetailerFactory(name="Big"), RetailerFactory(name="Small")
    buy("1.00", retailer=big)
    buy("1.00", retailer=big)
    buy("1.00", retailer=small)
    buy("1.00")  # no retailer: not part of the whole

    retailers = get_json(api_client, "/brands")["retailers"]

    assert retailers == [
        share("retailer", "Big", 2, 66.67, "2.00"),
        share("retailer", "Small", 1, 33.33, "1.00"),
    ]


# --- distributions and rankings -------------------------------------------------------------------


def test_distributions_are_ordered_by_count_then_name_ignoring_case(api_client):
    retailers = {name: RetailerFactory(name=name) for name in ["banana", "Apple", "cherry", "Date"]}
    buy("1.00", retailer=retailers["banana"])
    buy("2.00", retailer=retailers["Apple"])
    buy("3.00", retailer=retailers["cherry"])
    buy("4.00", retailer=retailers["cherry"])

    names = [item["name"] for item in get_json(api_client, "/retailers")["retailers"]]

    assert names == ["cherry", "Apple", "banana", "Date"]


@pytest.fixture
def products():
    """Five products whose rankings by count, total and average all differ."""
    for price in ["50.00", "50.00", "50.00"]:
        buy(price, product_name="Kettle")  # 3, 150.00, 50.00
    for price in ["10.00", "20.00"]:
        buy(price, product_name="Blender")  # 2, 30.00, 15.00
    # Whole amounts whose average is not whole: a database dividing integers would say 100.
    for price in ["100.00", "101.00"]:
        buy(price, product_name="Mixer")  # 2, 201.00, 100.50
    buy("100.25", product_name="Oven")  # 1, 100.25, 100.25
    buy("900.00", product_name="Laptop")  # 1, 900.00, 900.00


@pytest.mark.parametrize(
    ("sort_by", "names"),
    [
        (None, ["Kettle", "Blender", "Mixer", "Laptop", "Oven"]),
        ("count", ["Kettle", "Blender", "Mixer", "Laptop", "Oven"]),
        ("total_spent", ["Laptop", "Mixer", "Kettle", "Oven", "Blender"]),
        ("avg_price", ["Laptop", "Mixer", "Oven", "Kettle", "Blender"]),
    ],
)
def test_top_products_are_ranked_by_the_chosen_figure(api_client, products, sort_by, names):
    params = {"sort_by": sort_by} if sort_by else {}

    top = get_json(api_client, "/top-products", **params)["top_products"]

    assert [item["product_name"] for item in top] == names
    assert top[names.index("Mixer")] == {
        "product_name": "Mixer",
        "count": 2,
        "total_spent": "201.00",
        "avg_price": "100.50",
        "without_rate_count": 0,
    }


def test_top_products_group_by_the_exact_name(api_client):
    buy("5.00", product_name="Kettle")
    buy("5.00", product_name="Kettle")
    buy("7.00", product_name="kettle")

    top = get_json(api_client, "/top-products")["top_products"]

    assert [(item["product_name"], item["count"]) for item in top] == [("Kettle", 2), ("kettle", 1)]


def test_top_products_break_ties_by_name(api_client):
    for name in ["Toaster", "Radio", "Lamp"]:
        buy("12.00", product_name=name)

    for sort_by in ["count", "total_spent", "avg_price"]:
        top = get_json(api_client, "/top-products", sort_by=sort_by)["top_products"]
        assert [item["product_name"] for item in top] == ["Lamp", "Radio", "Toaster"], sort_by


@pytest.mark.parametrize("sort_by", ["total_spent", "avg_price"])
def test_top_products_with_equal_figures_are_tied_exactly(api_client, sort_by):
    # 0.10 + 0.20 is 0.30 exactly; summed as binary floats it is 0.30000000000000004.
    buy("0.10", product_name="Zeta")
    buy("0.20", product_name="Zeta")
    buy("0.30" if sort_by == "total_spent" else "0.15", product_name="Alpha")

    top = get_json(api_client, "/top-products", sort_by=sort_by)["top_products"]

    assert [item["product_name"] for item in top] == ["Alpha", "Zeta"]


@pytest.mark.parametrize("sort_by", ["price", "name", "COUNT", ""])
def test_top_products_reject_an_unknown_ranking(api_client, sort_by):
    assert_validation_error(get(api_client, "/top-products", sort_by=sort_by))


def test_expensive_purchases_break_ties_by_later_date_then_id(api_client):
    brand = BrandFactory(name="Acme")
    january, february = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)
    low_id, high_id = uuid.UUID(int=1), uuid.UUID(int=2)
    # Created in an order that none of the expected orderings follows.
    buy("50.00", february, id=high_id, brand=brand)
    buy("50.00", january, id=uuid.UUID(int=3))
    buy("50.00", february, id=low_id)
    buy("80.00", datetime.date(2020, 1, 1), id=uuid.UUID(int=4))

    purchases = get_json(api_client, "/expensive-purchases")["purchases"]

    assert [(item["id"], item["price"]) for item in purchases] == [
        (str(uuid.UUID(int=4)), "80.00"),
        (str(low_id), "50.00"),
        (str(high_id), "50.00"),
        (str(uuid.UUID(int=3)), "50.00"),
    ]
    assert [item["brand_name"] for item in purchases] == [None, None, "Acme", None]


def test_recent_purchases_are_the_last_created_in_full(api_client):
    for minutes in [5, 1, 9, 3]:
        buy("1.00", created_at=CREATED + datetime.timedelta(minutes=minutes), notes=str(minutes))

    recent = get_json(api_client, "/recent-purchases", limit=3)

    assert [item["notes"] for item in recent] == ["9", "5", "3"]
    for item in recent:
        assert item == api_client.get(f"/api/purchases/{item['id']}").json()


def test_recent_warranties_are_the_last_created_in_full(api_client):
    purchase = buy("1.00")
    for minutes in [5, 1, 9, 3]:
        cover(purchase, days(minutes), created_at=CREATED + datetime.timedelta(minutes=minutes))

    recent = get_json(api_client, "/recent-warranties", limit=3)

    assert [item["warranty_end"] for item in recent] == [
        days(9).isoformat(),
        days(5).isoformat(),
        days(3).isoformat(),
    ]
    for item in recent:
        assert item == api_client.get(f"/api/warranties/{item['id']}").json()


@pytest.mark.parametrize("path", LIMITED_ROUTES)
@pytest.mark.parametrize("limit", [0, -1, 101, "ten"])
def test_limits_outside_1_to_100_are_rejected(api_client, path, limit):
    assert_validation_error(get(api_client, path, limit=limit))


@pytest.mark.parametrize("path", LIMITED_ROUTES)
def test_limits_default_to_10_and_reach_from_1_to_100(api_client, path):
    for number in range(12):
        purchase = buy(
            f"{number + 1}.00",
            product_name=f"Product {number:02d}",
            created_at=CREATED + datetime.timedelta(minutes=number),
        )
        cover(purchase, days(number), created_at=CREATED + datetime.timedelta(minutes=number))

    def count(**params):
        data = get_json(api_client, path, **params)
        return len(data if isinstance(data, list) else next(iter(data.values())))

    assert (count(), count(limit=1), count(limit=100)) == (10, 1, 12)


def test_spending_by_period_reaches_december_9999_and_refuses_a_longer_span(api_client):
    buy("5.00", datetime.date(9999, 12, 31))
    period = get_json(
        api_client, "/spending/by-period", start_date="9999-11-15", end_date="9999-12-31"
    )
    assert period["spending_over_time"] == [
        bucket("Nov 9999", "9999-11"),
        bucket("Dec 9999", "9999-12", "5.00", 1),
    ]

    buy("1.00", datetime.date(2025, 1, 1))
    response = get(api_client, "/spending/by-period", end_date="9999-12-31")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "end_date"]
    assert "at most 100 years" in response.json()["detail"][0]["msg"]
    # A hundred years exactly is allowed.
    hundred_years = get_json(
        api_client, "/spending/by-period", start_date="2025-01-01", end_date="2124-12-31"
    )
    assert len(hundred_years["spending_over_time"]) == 1200
