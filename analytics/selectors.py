"""The dashboard's figures (API.md §5.5), each computed by aggregate queries in the database.

Amounts in different currencies are never added: figures about money (and the purchase counts
that go with them) cover the purchases of one currency, by default the preferred one (D12, K1).
Warranty figures cover every warranty. "Today" is `spends_tracker.clock.today()`. Sums come back
from the database as Decimal; averages and percentages are divided in Python with Decimal, per
result row, and rounded half-up only when they are turned into JSON.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, FloatField, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round, TruncMonth

from analytics.cache import cached_figure
from catalog.models import Brand, Retailer
from preferences.selectors import preferred_currency_code
from purchases.models import Purchase
from spends_tracker import clock
from spends_tracker.clock import add_months
from warranties.models import (
    Warranty,
    WarrantyStatus,
    warranty_expiring_condition,
    warranty_status_conditions,
)

ZERO = Decimal("0")
# Wide enough for the sum of every purchase (one price has at most 10 digits).
TOTAL_FIELD = DecimalField(max_digits=20, decimal_places=2)


def _sum(field: str, condition: Q | None = None):
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=TOTAL_FIELD)


def _mean(total: Decimal, count: int) -> Decimal:
    return total / count if count else ZERO


def _percentage(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / whole if whole else ZERO


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Return the first day of every calendar month from FIRST's month to LAST's, inclusive.

    Counted, not stepped past LAST: the month after December 9999 cannot be represented.
    """
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first_of_month(first), n) for n in range(max(count, 0))]


# A period of spending per month spans at most this many months (a hundred years).
MAX_PERIOD_MONTHS = 1200


class PeriodTooLong(ValueError):
    def __init__(self):
        super().__init__(
            f"The period may span at most {MAX_PERIOD_MONTHS // 12} years "
            f"({MAX_PERIOD_MONTHS:,} months); choose a later start_date or an earlier end_date."
        )


def resolve_currency(currency: str | None) -> str:
    """Return the currency a figure is about: the one asked for, else the preferred one."""
    return currency.strip().upper() if currency and currency.strip() else preferred_currency_code()


@dataclass(frozen=True)
class MonthTotal:
    month: datetime.date  # the first day of the month
    total_amount: Decimal
    item_count: int


@dataclass(frozen=True)
class WarrantyMonth:
    month: datetime.date
    active: int
    expired: int
    expiring_soon: int


@dataclass(frozen=True)
class ShareOfSpending:
    name: str
    count: int
    percentage: Decimal
    total_spent: Decimal


@dataclass(frozen=True)
class ProductTotal:
    product_name: str
    count: int
    total_spent: Decimal
    avg_price: Decimal


def _purchases_in(currency: str):
    return Purchase.objects.filter(currency_code=currency)


@cached_figure
def warranty_counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """Count all warranties by effective status, and the expiring ones, in one query."""
    today = today or clock.today()
    conditions = warranty_status_conditions(today)
    # Aliases must not collide with the model's field names ("voided").
    counts = Warranty.objects.aggregate(
        **{f"{status}_count": Count("id", filter=conditions[status]) for status in conditions},
        expiring_soon_count=Count("id", filter=warranty_expiring_condition(today)),
        total_count=Count("id"),
    )
    return {key.removesuffix("_count").lower(): value for key, value in counts.items()}


@cached_figure
def analytics_summary(*, currency: str, today: datetime.date | None = None) -> dict:
    """The dashboard's KPI cards: money and items in CURRENCY, warranties of any currency."""
    figures = Purchase.objects.aggregate(
        total_spent=_sum("price", Q(currency_code=currency)),
        total_items=Count("id", filter=Q(currency_code=currency)),
        tax_deductible_count=Count("id", filter=Q(currency_code=currency, tax_deductible=True)),
        other_currency_count=Count("id", filter=~Q(currency_code=currency)),
    )
    warranties = warranty_counts(today=today)
    return {
        **figures,
        "avg_price": _mean(figures["total_spent"], figures["total_items"]),
        "active_warranties": warranties["active"],
        "expiring_warranties": warranties["expiring_soon"],
        "expired_warranties": warranties["expired"],
        "currency": currency,
    }


def _monthly_totals(purchases) -> dict[datetime.date, MonthTotal]:
    rows = (
        purchases.annotate(month=TruncMonth("purchase_date"))
        .values("month")
        .annotate(total_amount=_sum("price"), item_count=Count("id"))
        .order_by("month")
    )
    return {row["month"]: MonthTotal(**row) for row in rows}


@cached_figure
def spending_by_month(
    *, currency: str, months: int | None = None, today: datetime.date | None = None
) -> list[MonthTotal]:
    """Spending per calendar month of purchase date, oldest first.

    Without MONTHS: every month that has a purchase (no gaps filled). With MONTHS: exactly that
    many months ending with the current one, months without purchases included as zeros (D3).
    """
    purchases = _purchases_in(currency)
    if months is None:
        return list(_monthly_totals(purchases).values())
    today = today or clock.today()
    first = add_months(first_of_month(today), 1 - months)
    totals = _monthly_totals(purchases.filter(purchase_date__gte=first, purchase_date__lte=today))
    return [totals.get(month, MonthTotal(month, ZERO, 0)) for month in months_between(first, today)]


@cached_figure
def spending_in_period(
    *,
    currency: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Spending per month from START_DATE to END_DATE (inclusive), every month present.

    START_DATE defaults to the earliest purchase in CURRENCY (to END_DATE when there is none),
    END_DATE to today. Raise PeriodTooLong past MAX_PERIOD_MONTHS months.
    """
    purchases = _purchases_in(currency)
    end_date = end_date or today or clock.today()
    if start_date is None:
        earliest = purchases.order_by("purchase_date").values_list("purchase_date", flat=True)
        start_date = min(earliest.first() or end_date, end_date)
    months = months_between(start_date, end_date)
    if len(months) > MAX_PERIOD_MONTHS:
        raise PeriodTooLong
    totals = _monthly_totals(
        purchases.filter(purchase_date__gte=start_date, purchase_date__lte=end_date)
    )
    buckets = [totals.get(month, MonthTotal(month, ZERO, 0)) for month in months]
    return {
        "buckets": buckets,
        "start_date": start_date,
        "end_date": end_date,
        "total_amount": sum((bucket.total_amount for bucket in buckets), ZERO),
        "item_count": sum(bucket.item_count for bucket in buckets),
    }


@cached_figure
def warranty_timeline(
    *, months: int | None = None, today: datetime.date | None = None
) -> list[WarrantyMonth]:
    """Non-voided warranties per calendar month of their end, by effective status, oldest first.

    With MONTHS, only the months within that many months before or after the current one.
    """
    today = today or clock.today()
    conditions = warranty_status_conditions(today)
    warranties = Warranty.objects.filter(voided=False)
    if months is not None:
        this_month = first_of_month(today)
        warranties = warranties.filter(
            warranty_end__gte=add_months(this_month, -months),
            warranty_end__lt=add_months(this_month, months + 1),
        )
    rows = (
        warranties.annotate(month=TruncMonth("warranty_end"))
        .values("month")
        .annotate(
            active=Count("id", filter=conditions[WarrantyStatus.ACTIVE]),
            expired=Count("id", filter=conditions[WarrantyStatus.EXPIRED]),
            expiring_soon=Count("id", filter=warranty_expiring_condition(today)),
        )
        .order_by("month")
    )
    return [WarrantyMonth(**row) for row in rows]


def _shares(model, *, field: str, currency: str) -> list[ShareOfSpending]:
    """Count and total the purchases in CURRENCY per FIELD (retailer or brand), every entry of
    MODEL listed, the busiest first, then by name.

    The purchases are grouped by the foreign key alone (an index-only scan on PostgreSQL) and
    joined to the few catalog rows in Python.
    """
    totals = {
        row[field]: (row["count"], row["total_spent"])
        for row in _purchases_in(currency)
        .filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(count=Count("id"), total_spent=_sum("price"))
        .order_by()
    }
    whole = sum(count for count, _ in totals.values())
    shares = [
        ShareOfSpending(name, count, _percentage(count, whole), total)
        for entry_id, name in model.objects.values_list("id", "name")
        for count, total in [totals.get(entry_id, (0, ZERO))]
    ]
    return sorted(shares, key=lambda share: (-share.count, share.name.lower(), share.name))


@cached_figure
def spending_by_retailer(*, currency: str, today=None) -> list[ShareOfSpending]:
    """Every retailer with its purchases in CURRENCY: count, share of all counted, total."""
    return _shares(Retailer, field="retailer_id", currency=currency)


@cached_figure
def spending_by_brand(*, currency: str, today=None) -> list[ShareOfSpending]:
    """Every brand with its purchases in CURRENCY: count, share of all counted, total."""
    return _shares(Brand, field="brand_id", currency=currency)


# Ranked on whole cents: SQLite adds decimals as floats (0.10 + 0.20 != 0.30), which would break
# exact ties; whole numbers add exactly on both databases, and divide as floats for the mean.
TOP_PRODUCT_ORDERINGS = {
    "count": F("count").desc(),
    "total_spent": F("total_cents").desc(),
    "avg_price": (Cast("total_cents", FloatField()) / F("count")).desc(),
}


def _top_products_by_count(*, currency: str, limit: int) -> list[ProductTotal]:
    """Rank by count first, then total the LIMIT names ranked.

    Summing decimal prices for every product name is most of the cost at scale (each name is a
    group); a count alone is cheap, and the sums of a few names are read through the
    (currency, product name) index.
    """
    purchases = _purchases_in(currency)
    ranked = (
        purchases.values("product_name")
        .annotate(count=Count("*"))
        .order_by("-count", "product_name")[:limit]
    )
    counts = {row["product_name"]: row["count"] for row in ranked}
    totals = dict(
        purchases.filter(product_name__in=counts)
        .values("product_name")
        .annotate(total_spent=_sum("price"))
        .values_list("product_name", "total_spent")
        .order_by()
    )
    return [
        ProductTotal(name, count, totals[name], _mean(totals[name], count))
        for name, count in counts.items()
    ]


@cached_figure
def top_products(
    *, currency: str, sort_by: str = "count", limit: int = 10, today=None
) -> list[ProductTotal]:
    """Products grouped by exact name, ranked by SORT_BY (decision D5), ties by name."""
    if sort_by == "count":
        return _top_products_by_count(currency=currency, limit=limit)
    rows = (
        _purchases_in(currency)
        .values("product_name")
        .annotate(
            count=Count("id"),
            total_spent=_sum("price"),
            total_cents=Sum(Round(F("price") * 100)),
        )
        .order_by(TOP_PRODUCT_ORDERINGS[sort_by], "product_name")[:limit]
    )
    return [
        ProductTotal(
            row["product_name"],
            row["count"],
            row["total_spent"],
            _mean(row["total_spent"], row["count"]),
        )
        for row in rows
    ]


def expensive_purchases(*, currency: str, limit: int = 10):
    """The most expensive purchases in CURRENCY, with their brand."""
    return (
        _purchases_in(currency)
        .select_related("brand")
        .order_by("-price", "-purchase_date", "id")[:limit]
    )


def recent_purchases(*, limit: int = 10):
    """The purchases recorded last (any currency), ready to be shown in full."""
    return Purchase.objects.with_details().order_by("-created_at", "-id")[:limit]


def recent_warranties(*, limit: int = 10):
    """The warranties recorded last, with their effective status and purchase."""
    return (
        Warranty.objects.with_status()
        .select_related("purchase", "created_by", "updated_by")
        .order_by("-created_at", "-id")[:limit]
    )
