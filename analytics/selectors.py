"""The dashboard's figures (docs/api.md §5.5), read from the rollups the write services keep.

Amounts in different currencies are never added: figures about money (and the purchase counts that
go with them) cover the purchases of one currency, by default the preferred one (docs/api.md §9.8).
Warranty figures cover every warranty. "Today" is `kernel.clock.today()`.

The figures come from purchases.rollups and warranties.rollups (sums per day, retailer, brand,
product name; warranty counts per end date), a few thousand rows where there are 100,000
purchases, each figure one aggregate query. Amounts are summed as whole hundredths and turned into
Decimal exactly; averages and percentages are divided in Python with Decimal, per result row, and
rounded half-up only when they are turned into JSON.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast, Coalesce, Substr, TruncMonth

from analytics.cache import cached_figure
from catalog.models import Brand, Retailer
from kernel import clock
from kernel.clock import add_months
from kernel.money import MONEY_QUANTUM as CENT
from preferences.selectors import preferred_currency_code
from purchases.models import Purchase, SpendingDimension, SpendingRollup
from purchases.rollups import UNITS_PER_AMOUNT, rollups_brought_in_step
from warranties.models import (
    Warranty,
    WarrantyRollup,
    WarrantyStatus,
    warranty_expiring_condition,
    warranty_status_conditions,
)

ZERO = Decimal("0")


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


def _warranty_rows():
    """The warranty rollup, brought in step with the data first."""
    rollups_brought_in_step()
    return WarrantyRollup.objects.all()


def _spending_rows(dimension: str):
    """One dimension of the spending rollup, brought in step with the data first."""
    rollups_brought_in_step()
    return SpendingRollup.objects.filter(dimension=dimension)


def _amount(units) -> Decimal:
    """An amount from whole hundredths, exactly."""
    return (Decimal(units or 0) / UNITS_PER_AMOUNT).quantize(CENT)


def _warranty_conditions(today: datetime.date) -> dict[str, Q]:
    """warranty_status_conditions, and the expiring one, on the rollup's rows."""
    return {
        **warranty_status_conditions(today),
        "EXPIRING_SOON": warranty_expiring_condition(today),
    }


@cached_figure
def warranty_counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """Count all warranties by effective status, and the expiring ones, in one query."""
    today = today or clock.today()
    counts = _warranty_rows().aggregate(
        **{
            f"{status}_count": Coalesce(Sum("warranty_count", filter=condition), 0)
            for status, condition in _warranty_conditions(today).items()
        },
        total_count=Coalesce(Sum("warranty_count"), 0),
    )
    return {key.removesuffix("_count").lower(): value for key, value in counts.items()}


@cached_figure
def analytics_summary(*, currency: str, today: datetime.date | None = None) -> dict:
    """The dashboard's KPI cards: money and items in CURRENCY, warranties of any currency."""
    mine = Q(currency_code=currency)
    figures = _spending_rows(SpendingDimension.DAY).aggregate(
        total_units=Sum("total_units", filter=mine),
        total_items=Coalesce(Sum("purchase_count", filter=mine), 0),
        tax_deductible_count=Coalesce(Sum("tax_deductible_count", filter=mine), 0),
        other_currency_count=Coalesce(Sum("purchase_count", filter=~mine), 0),
    )
    total_spent = _amount(figures.pop("total_units"))
    warranties = warranty_counts(today=today)
    return {
        **figures,
        "total_spent": total_spent,
        "avg_price": _mean(total_spent, figures["total_items"]),
        "active_warranties": warranties["active"],
        "expiring_warranties": warranties["expiring_soon"],
        "expired_warranties": warranties["expired"],
        "currency": currency,
    }


def _monthly_totals(
    currency: str, first: datetime.date | None = None, last: datetime.date | None = None
) -> dict[datetime.date, MonthTotal]:
    """Spending in CURRENCY per month of purchase date, from FIRST to LAST (days, inclusive)."""
    days = _spending_rows(SpendingDimension.DAY).filter(currency_code=currency)
    if first is not None:
        days = days.filter(key__gte=first.isoformat())
    if last is not None:
        days = days.filter(key__lte=last.isoformat())
    rows = (
        days.annotate(month=Substr("key", 1, 7))
        .values("month")
        .annotate(units=Sum("total_units"), item_count=Sum("purchase_count"))
        .order_by("month")
    )
    totals = {}
    for row in rows:
        month = datetime.date.fromisoformat(f"{row['month']}-01")
        totals[month] = MonthTotal(month, _amount(row["units"]), row["item_count"])
    return totals


@cached_figure
def spending_by_month(
    *, currency: str, months: int | None = None, today: datetime.date | None = None
) -> list[MonthTotal]:
    """Spending per calendar month of purchase date, oldest first.

    Without MONTHS: every month that has a purchase (no gaps filled). With MONTHS: exactly that many
    months ending with the current one, months without purchases included as zeros
    (docs/api.md §9.10).
    """
    if months is None:
        return list(_monthly_totals(currency).values())
    today = today or clock.today()
    first = add_months(first_of_month(today), 1 - months)
    totals = _monthly_totals(currency, first, today)
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
    end_date = end_date or today or clock.today()
    if start_date is None:
        days = _spending_rows(SpendingDimension.DAY).filter(currency_code=currency)
        earliest = days.order_by("key").values_list("key", flat=True).first()
        start_date = min(datetime.date.fromisoformat(earliest or end_date.isoformat()), end_date)
    months = months_between(start_date, end_date)
    if len(months) > MAX_PERIOD_MONTHS:
        raise PeriodTooLong
    totals = _monthly_totals(currency, start_date, end_date)
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
    conditions = _warranty_conditions(today)
    warranties = _warranty_rows().filter(voided=False)
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
            active=Sum("warranty_count", filter=conditions[WarrantyStatus.ACTIVE], default=0),
            expired=Sum("warranty_count", filter=conditions[WarrantyStatus.EXPIRED], default=0),
            expiring_soon=Sum("warranty_count", filter=conditions["EXPIRING_SOON"], default=0),
        )
        .order_by("month")
    )
    return [WarrantyMonth(**row) for row in rows]


def _shares(model, *, dimension: str, currency: str) -> list[ShareOfSpending]:
    """Count and total the purchases in CURRENCY per DIMENSION (retailer or brand), every entry
    of MODEL listed, the busiest first, then by name.

    Rows of entries deleted since (their purchases now have none) are left out, of the whole too.
    """
    rows = _spending_rows(dimension).filter(currency_code=currency)
    totals = {
        key: (count, _amount(units))
        for key, count, units in rows.values_list("key", "purchase_count", "total_units")
    }
    entries = [
        (name, totals.get(entry_id.hex))
        for entry_id, name in model.objects.values_list("id", "name")
    ]
    whole = sum(counted[0] for _, counted in entries if counted)
    shares = [
        ShareOfSpending(name, count, _percentage(count, whole), total)
        for name, counted in entries
        for count, total in [counted or (0, ZERO)]
    ]
    return sorted(shares, key=lambda share: (-share.count, share.name.lower(), share.name))


@cached_figure
def spending_by_retailer(*, currency: str, today=None) -> list[ShareOfSpending]:
    """Every retailer with its purchases in CURRENCY: count, share of all counted, total."""
    return _shares(Retailer, dimension=SpendingDimension.RETAILER, currency=currency)


@cached_figure
def spending_by_brand(*, currency: str, today=None) -> list[ShareOfSpending]:
    """Every brand with its purchases in CURRENCY: count, share of all counted, total."""
    return _shares(Brand, dimension=SpendingDimension.BRAND, currency=currency)


# Ties are broken by name; "avg_price" ranks on whole hundredths divided as floats, which is
# exact enough to order prices of at most ten digits.
TOP_PRODUCT_ORDERINGS = {
    "count": ["-purchase_count", "key"],
    "total_spent": ["-total_units", "key"],
    "avg_price": [(Cast("total_units", FloatField()) / F("purchase_count")).desc(), "key"],
}


@cached_figure
def top_products(
    *, currency: str, sort_by: str = "count", limit: int = 10, today=None
) -> list[ProductTotal]:
    """Products grouped by exact name, ranked by SORT_BY (docs/api.md §9.12), ties by name."""
    rows = (
        _spending_rows(SpendingDimension.PRODUCT)
        .filter(currency_code=currency)
        .order_by(*TOP_PRODUCT_ORDERINGS[sort_by])
        .values_list("key", "purchase_count", "total_units")[:limit]
    )
    return [
        ProductTotal(name, count, _amount(units), _mean(_amount(units), count))
        for name, count, units in rows
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
