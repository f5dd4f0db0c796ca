"""The dashboard's selectors called directly: what each figure counts, in which currency, as of
which day, and that a write through a service is seen by the next reading (the API's tests in
edge_cases/ and reference/ cover the HTTP side)."""

import datetime
from decimal import Decimal

import pytest

from analytics.selectors import (
    PeriodTooLong,
    analytics_summary,
    expensive_purchases,
    months_between,
    resolve_currency,
    spending_by_month,
    spending_by_retailer,
    spending_in_period,
    top_products,
    warranty_counts,
    warranty_timeline,
)
from catalog.tests.factories import RetailerFactory
from preferences.tests.factories import PreferenceFactory
from purchases.services import purchase_create
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 1, 15)


def bought(price: str, day: datetime.date, currency: str = "USD", **fields):
    return PurchaseFactory(
        price=Decimal(price), purchase_date=day, currency_code=currency, **fields
    )


def warranty_ending(end: datetime.date, **fields):
    return WarrantyFactory(warranty_start=datetime.date(2020, 1, 1), warranty_end=end, **fields)


def test_months_between_counts_across_a_year_boundary_and_up_to_december_9999():
    assert months_between(datetime.date(2024, 11, 30), datetime.date(2025, 2, 1)) == [
        datetime.date(2024, 11, 1),
        datetime.date(2024, 12, 1),
        datetime.date(2025, 1, 1),
        datetime.date(2025, 2, 1),
    ]
    assert months_between(datetime.date(9999, 12, 1), datetime.date(9999, 12, 31)) == [
        datetime.date(9999, 12, 1)
    ]


def test_the_currency_is_the_one_asked_for_else_the_preferred_one():
    PreferenceFactory(key="currency_code", value="GBP")
    assert resolve_currency(" eur ") == "EUR"
    assert resolve_currency("  ") == "GBP"
    assert resolve_currency(None) == "GBP"


def test_the_summary_adds_money_in_its_currency_and_counts_the_others_apart():
    bought("10.00", TODAY, tax_deductible=True)
    bought("5.01", TODAY)
    bought("99.00", TODAY, currency="EUR")
    summary = analytics_summary(currency="USD", today=TODAY)
    assert (summary["total_spent"], summary["total_items"]) == (Decimal("15.01"), 2)
    assert summary["avg_price"] == Decimal("7.505")
    assert (summary["tax_deductible_count"], summary["other_currency_count"]) == (1, 1)


def test_a_purchase_recorded_through_the_service_is_in_the_next_summary():
    bought("10.00", TODAY)
    assert analytics_summary(currency="USD", today=TODAY)["total_items"] == 1
    purchase_create(data={"product_name": "Lamp", "price": Decimal("2.50"), "purchase_date": TODAY})
    summary = analytics_summary(currency="USD", today=TODAY)
    assert (summary["total_items"], summary["total_spent"]) == (2, Decimal("12.50"))


def test_warranties_are_counted_by_their_status_on_the_day_asked():
    warranty_ending(TODAY + datetime.timedelta(days=10))
    warranty_ending(TODAY + datetime.timedelta(days=200))
    warranty_ending(TODAY - datetime.timedelta(days=1))
    warranty_ending(TODAY + datetime.timedelta(days=5), voided=True)
    assert warranty_counts(today=TODAY) == {
        "active": 2,
        "expired": 1,
        "voided": 1,
        "expiring_soon": 1,
        "total": 4,
    }
    later = TODAY + datetime.timedelta(days=11)
    assert warranty_counts(today=later)["expired"] == 2


def test_spending_over_n_months_ends_with_this_month_and_fills_empty_months_with_zeros():
    bought("20.00", datetime.date(2024, 11, 3))
    bought("1.00", datetime.date(2024, 6, 1))
    months = spending_by_month(currency="USD", months=3, today=TODAY)
    assert [(m.month, m.total_amount, m.item_count) for m in months] == [
        (datetime.date(2024, 11, 1), Decimal("20.00"), 1),
        (datetime.date(2024, 12, 1), Decimal("0"), 0),
        (datetime.date(2025, 1, 1), Decimal("0"), 0),
    ]


def test_spending_in_a_period_starts_at_the_earliest_purchase_and_adds_up_its_months():
    bought("3.00", datetime.date(2024, 12, 31))
    bought("4.00", datetime.date(2025, 1, 1))
    bought("50.00", datetime.date(2024, 12, 31), currency="EUR")
    period = spending_in_period(currency="USD", today=TODAY)
    assert period["start_date"] == datetime.date(2024, 12, 31)
    assert (period["total_amount"], period["item_count"]) == (Decimal("7.00"), 2)
    assert [bucket.month.month for bucket in period["buckets"]] == [12, 1]


def test_a_period_longer_than_a_hundred_years_is_refused_in_words():
    with pytest.raises(PeriodTooLong) as raised:
        spending_in_period(
            currency="USD", start_date=datetime.date(1900, 1, 1), end_date=TODAY, today=TODAY
        )
    assert str(raised.value).startswith("The period may span at most 100 years (1,200 months)")


def test_the_timeline_counts_non_voided_warranties_per_month_of_their_end():
    warranty_ending(datetime.date(2025, 1, 20))
    warranty_ending(datetime.date(2025, 1, 10))
    warranty_ending(datetime.date(2025, 3, 1), voided=True)
    [january] = warranty_timeline(today=TODAY)
    assert (january.month, january.active, january.expired, january.expiring_soon) == (
        datetime.date(2025, 1, 1),
        1,
        1,
        1,
    )


def test_retailer_shares_list_every_retailer_busiest_first_with_a_percentage():
    shop, market = RetailerFactory(name="shop"), RetailerFactory(name="Market")
    RetailerFactory(name="Idle")
    for price in ["1.00", "2.00", "3.00"]:
        bought(price, TODAY, retailer=shop)
    bought("4.00", TODAY, retailer=market)
    shares = spending_by_retailer(currency="USD", today=TODAY)
    assert [(s.name, s.count, s.percentage, s.total_spent) for s in shares] == [
        ("shop", 3, Decimal(75), Decimal("6.00")),
        ("Market", 1, Decimal(25), Decimal("4.00")),
        ("Idle", 0, Decimal(0), Decimal("0")),
    ]


def test_top_products_rank_by_the_figure_asked_and_average_each():
    bought("100.00", TODAY, product_name="Laptop")
    for _ in range(3):
        bought("2.00", TODAY, product_name="Cable")
    by_count = top_products(currency="USD", sort_by="count", today=TODAY)
    by_total = top_products(currency="USD", sort_by="total_spent", today=TODAY)
    assert [p.product_name for p in by_count] == ["Cable", "Laptop"]
    assert [(p.product_name, p.avg_price) for p in by_total] == [
        ("Laptop", Decimal("100.00")),
        ("Cable", Decimal("2.00")),
    ]


def test_expensive_purchases_are_of_the_currency_and_break_ties_by_the_later_date():
    older = bought("500.00", datetime.date(2024, 1, 1))
    newer = bought("500.00", datetime.date(2024, 6, 1))
    bought("900.00", TODAY, currency="EUR")
    cheap = bought("1.00", TODAY)
    assert list(expensive_purchases(currency="USD")) == [newer, older, cheap]
