"""Months and dates: month and year boundaries, the leap day, the bounds of spending by period
and over N months, month labels in English (docs/api.md §5.5, decision §9.10)."""

import datetime

import pytest

from analytics.tests.edge_cases.helpers import (
    ANALYTICS,
    IN_USD,
    TODAY,
    assert_validation_error,
    bucket,
    buy,
    get,
    get_json,
    pin_today,
)

pytestmark = pytest.mark.django_db


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
