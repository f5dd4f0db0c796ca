"""Spending over all months, over the last N months and by period (default and given dates)
against the reference (docs/api.md §5.5, decision §9.10)."""

import datetime

import pytest

from analytics.tests.reference.oracle import (
    HISTORY_DAYS,
    base_of,
    by_month,
    expected_by_period,
    get_json,
    month_end,
    month_index,
    month_of_index,
    random_day,
    spending_item,
)

pytestmark = pytest.mark.django_db


def test_spending_over_all_months_matches_the_reference(api_client, data):
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        buckets = by_month(data.counted(param, currency))
        expected = {
            "spending_over_time": [
                spending_item(year, month, buckets[year, month], base)
                for year, month in sorted(buckets)
            ],
            **data.conversions(param),
        }

        assert get_json(api_client, "/spending", currency=param) == expected, param


def test_spending_over_the_last_n_months_matches_the_reference(api_client, data):
    current = month_index(data.today.year, data.today.month)
    for months in (1, data.rng.randint(2, 40), 120):
        for param, currency in data.currency_cases():
            buckets = by_month(data.counted(param, currency))
            window = [month_of_index(index) for index in range(current - months + 1, current + 1)]
            expected = {
                "spending_over_time": [
                    spending_item(year, month, buckets.get((year, month), []), base_of(data, param))
                    for year, month in window
                ],
                **data.conversions(param),
            }

            response = get_json(api_client, "/spending", months=months, currency=param)

            assert response == expected, (months, param)


def test_spending_by_period_with_default_dates_matches_the_reference(api_client, data):
    for param, currency in data.currency_cases():
        expected = expected_by_period(data, param, currency, None, None)

        assert get_json(api_client, "/spending/by-period", currency=param) == expected, param


def test_spending_by_period_with_given_dates_matches_the_reference(api_client, data):
    rng = data.rng
    first = data.today - datetime.timedelta(days=HISTORY_DAYS + 60)
    ranges = []
    for _ in range(3):
        start = random_day(rng, first, data.today)
        ranges.append((start, random_day(rng, start, data.today)))
    some = rng.choice(data.purchases).purchase_date
    ranges += [
        (some, some),  # a single day
        (month_end(some.year, some.month), None),  # from a month's last day until today
        (some.replace(day=1), month_end(some.year, some.month)),  # exactly one month
    ]
    for start, end in ranges:
        for param, currency in data.currency_cases():
            expected = expected_by_period(data, param, currency, start, end)

            response = get_json(
                api_client,
                "/spending/by-period",
                start_date=start.isoformat(),
                end_date=end.isoformat() if end else None,
                currency=param,
            )

            assert response == expected, (start, end, param)
