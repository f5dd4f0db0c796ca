"""The dashboard's figures (docs/api.md §5.5), read from the rollups the write services keep.

Figures about money cover every purchase in the household's base currency (BASE, the currency
setting), each converted at the rate it keeps, or, with CURRENCY, the purchases in that currency
only, amounts in it (docs/api.md §9.8; analytics.amounts says how each is added up). Counts never
depend on currency. Warranty figures cover every warranty. "Today" is `kernel.clock.today()`.

The figures come from purchases.rollups and warranties.rollups (sums per day, retailer, brand,
product name; warranty counts per end date), a few thousand rows where there are 100,000
purchases, each figure one aggregate query. Amounts are summed as whole thousandths and turned into
Decimal exactly; averages and percentages are divided in Python with Decimal, per result row, and
rounded half-up only when they are turned into JSON.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce, Substr, TruncMonth

from analytics.amounts import Sums, average_units, sums
from analytics.cache import cached_figure
from catalog.models import Brand, Retailer
from kernel import clock
from kernel.clock import add_months
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
from warranties.selectors import warranties_with_claims

ZERO = Decimal("0")


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


def figure_scope(currency: str | None) -> dict:
    """The keyword arguments of a money figure asked for with ?currency=CURRENCY (or without).

    `currency`: the one asked for, or None for every purchase in the base; `base`: the
    household's base currency (the currency setting).
    """
    asked = currency.strip().upper() if currency and currency.strip() else None
    return {"currency": asked, "base": preferred_currency_code()}


@dataclass(frozen=True)
class MonthTotal:
    month: datetime.date  # the first day of the month
    total_amount: Decimal
    item_count: int
    without_rate_count: int = 0


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
    without_rate_count: int = 0


@dataclass(frozen=True)
class ProductTotal:
    product_name: str
    count: int
    total_spent: Decimal
    avg_price: Decimal
    without_rate_count: int = 0


@dataclass(frozen=True)
class CurrencyTotal:
    """The purchases in one currency: their total in it, and in the base where converted."""

    currency: str
    count: int
    total_spent: Decimal
    base_total: Decimal  # of the COUNT - WITHOUT_RATE_COUNT purchases that have an amount in base
    without_rate_count: int


def _warranty_rows():
    """The warranty rollup, brought in step with the data first."""
    rollups_brought_in_step()
    return WarrantyRollup.objects.all()


def _spending_rows(dimension: str, currency: str | None = None):
    """One dimension of the spending rollup (the rows of CURRENCY, if given), brought in step with
    the data first."""
    rollups_brought_in_step()
    rows = SpendingRollup.objects.filter(dimension=dimension)
    return rows.filter(currency_code=currency) if currency else rows


def _grouped(rows, group: str, *, currency: str | None, base: str):
    """ROWS summed per GROUP (an annotation or field), as `amounts.sums` names the sums."""
    return rows.values(group).annotate(**sums(currency=currency, base=base))


def _base(base: str | None) -> str:
    return base or preferred_currency_code()


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


def conversions(*, currency: str | None, base: str, figures: Sums | None = None) -> dict:
    """What a money answer says about its currencies: which, the base, and how many purchases
    were converted to it and how many have no rate (all of them, from FIGURES or the summary)."""
    if currency:
        return {"currency": currency, "base_currency": base}
    figures = figures or conversion_counts(base=base)
    return {
        "currency": base,
        "base_currency": base,
        "converted_count": figures.converted_count,
        "without_rate_count": figures.without_rate_count,
    }


@dataclass(frozen=True)
class _CurrencySums:
    currency: str
    in_base: Sums  # every purchase in this currency, summed in the base
    own_amount: Decimal  # their prices added in this currency


@cached_figure
def _currency_sums(*, base: str, today=None) -> list[_CurrencySums]:
    """Every currency purchases were made in, its purchases summed in it and in BASE (one query).

    The summary (in the base or in one currency), the conversion counts of every answer and the
    dashboard's "By currency" table all follow from these few rows: one query for all of them.
    """
    rows = _grouped(
        _spending_rows(SpendingDimension.CURRENCY), "currency_code", currency=None, base=base
    ).annotate(own_units=Sum("total_units"))
    return [
        _CurrencySums(
            row["currency_code"], Sums.of(row), Decimal(row["own_units"] or 0) / UNITS_PER_AMOUNT
        )
        for row in rows
    ]


def _sums_added(parts: list[Sums]) -> Sums:
    return Sums(
        amount=sum((part.amount for part in parts), ZERO),
        purchase_count=sum(part.purchase_count for part in parts),
        tax_deductible_count=sum(part.tax_deductible_count for part in parts),
        converted_count=sum(part.converted_count for part in parts),
        without_rate_count=sum(part.without_rate_count for part in parts),
    )


def conversion_counts(*, base: str) -> Sums:
    """Every purchase summed in BASE: how many were converted, how many have no rate."""
    return _sums_added([part.in_base for part in _currency_sums(base=base)])


@cached_figure
def analytics_summary(
    *, currency: str | None = None, base: str | None = None, today: datetime.date | None = None
) -> dict:
    """The dashboard's KPI cards: money in CURRENCY or the base, warranties of any currency.

    Items and tax-deductible purchases count every purchase in the base, those in CURRENCY with it.
    """
    base = _base(base)
    parts = _currency_sums(base=base)
    everything = _sums_added([part.in_base for part in parts])
    figures = everything
    if currency:
        mine = [part for part in parts if part.currency == currency]
        figures = Sums(
            amount=sum((part.own_amount for part in mine), ZERO),
            purchase_count=sum(part.in_base.purchase_count for part in mine),
            tax_deductible_count=sum(part.in_base.tax_deductible_count for part in mine),
        )
    warranties = warranty_counts(today=today)
    return {
        "total_spent": figures.amount,
        "avg_price": figures.average,
        "total_items": figures.purchase_count,
        "tax_deductible_count": figures.tax_deductible_count,
        "other_currency_count": everything.purchase_count
        - sum(part.in_base.purchase_count for part in parts if part.currency == (currency or base)),
        "active_warranties": warranties["active"],
        "expiring_warranties": warranties["expiring_soon"],
        "expired_warranties": warranties["expired"],
        "converted_count": figures.converted_count,
        "without_rate_count": figures.without_rate_count,
        **conversions(currency=currency, base=base, figures=figures),
    }


def _monthly_totals(
    currency: str | None,
    base: str,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> dict[datetime.date, MonthTotal]:
    """Spending per month of purchase date, from FIRST to LAST (days, inclusive)."""
    days = _spending_rows(SpendingDimension.DAY, currency)
    if first is not None:
        days = days.filter(key__gte=first.isoformat())
    if last is not None:
        days = days.filter(key__lte=last.isoformat())
    rows = _grouped(
        days.annotate(month=Substr("key", 1, 7)), "month", currency=currency, base=base
    ).order_by("month")
    totals = {}
    for row in rows:
        month = datetime.date.fromisoformat(f"{row['month']}-01")
        figures = Sums.of(row)
        totals[month] = MonthTotal(
            month, figures.amount, figures.purchase_count, figures.without_rate_count
        )
    return totals


@cached_figure
def spending_by_month(
    *,
    currency: str | None = None,
    base: str | None = None,
    months: int | None = None,
    today: datetime.date | None = None,
) -> list[MonthTotal]:
    """Spending per calendar month of purchase date, oldest first.

    Without MONTHS: every month that has a purchase (no gaps filled). With MONTHS: exactly that many
    months ending with the current one, months without purchases included as zeros
    (docs/api.md §9.10).
    """
    base = _base(base)
    if months is None:
        return list(_monthly_totals(currency, base).values())
    today = today or clock.today()
    first = add_months(first_of_month(today), 1 - months)
    totals = _monthly_totals(currency, base, first, today)
    return [totals.get(month, MonthTotal(month, ZERO, 0)) for month in months_between(first, today)]


@cached_figure
def spending_in_period(
    *,
    currency: str | None = None,
    base: str | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Spending per month from START_DATE to END_DATE (inclusive), every month present.

    START_DATE defaults to the earliest purchase (in CURRENCY, when given; to END_DATE when there
    is none), END_DATE to today. Raise PeriodTooLong past MAX_PERIOD_MONTHS months.
    """
    base = _base(base)
    end_date = end_date or today or clock.today()
    if start_date is None:
        days = _spending_rows(SpendingDimension.DAY, currency)
        earliest = days.order_by("key").values_list("key", flat=True).first()
        start_date = min(datetime.date.fromisoformat(earliest or end_date.isoformat()), end_date)
    months = months_between(start_date, end_date)
    if len(months) > MAX_PERIOD_MONTHS:
        raise PeriodTooLong
    totals = _monthly_totals(currency, base, start_date, end_date)
    buckets = [totals.get(month, MonthTotal(month, ZERO, 0)) for month in months]
    return {
        "buckets": buckets,
        "start_date": start_date,
        "end_date": end_date,
        "total_amount": sum((bucket.total_amount for bucket in buckets), ZERO),
        "item_count": sum(bucket.item_count for bucket in buckets),
        "without_rate_count": sum(bucket.without_rate_count for bucket in buckets),
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


def _shares(model, *, dimension: str, currency: str | None, base: str) -> list[ShareOfSpending]:
    """Count and total the purchases (in CURRENCY, if given) per DIMENSION (retailer or brand),
    every entry of MODEL listed, the busiest first, then by name.

    Rows of entries deleted since (their purchases now have none) are left out, of the whole too.
    """
    rows = _grouped(_spending_rows(dimension, currency), "key", currency=currency, base=base)
    totals = {row["key"]: Sums.of(row) for row in rows}
    entries = [
        (name, totals.get(entry_id.hex))
        for entry_id, name in model.objects.values_list("id", "name")
    ]
    whole = sum(counted.purchase_count for _, counted in entries if counted)
    shares = [
        ShareOfSpending(
            name,
            counted.purchase_count,
            _percentage(counted.purchase_count, whole),
            counted.amount,
            counted.without_rate_count,
        )
        for name, counted in entries
        for counted in [counted or Sums(ZERO, 0)]
    ]
    return sorted(shares, key=lambda share: (-share.count, share.name.lower(), share.name))


@cached_figure
def spending_by_retailer(
    *, currency: str | None = None, base: str | None = None, today=None
) -> list[ShareOfSpending]:
    """Every retailer with its purchases: count, share of all counted, total."""
    return _shares(
        Retailer, dimension=SpendingDimension.RETAILER, currency=currency, base=_base(base)
    )


@cached_figure
def spending_by_brand(
    *, currency: str | None = None, base: str | None = None, today=None
) -> list[ShareOfSpending]:
    """Every brand with its purchases: count, share of all counted, total."""
    return _shares(Brand, dimension=SpendingDimension.BRAND, currency=currency, base=_base(base))


@cached_figure
def catalog_spending(*, base: str, today=None) -> dict[str, dict[uuid.UUID, Sums]]:
    """What the purchases of each retailer and each brand add up to in BASE, by dimension and
    entry id, the entries without purchases left out (`kernel.hooks.catalog_spending`; one
    query on the rollup, where summing the purchases per entry took 80 ms a list at 100,000)."""
    rollups_brought_in_step()
    dimensions = [SpendingDimension.RETAILER, SpendingDimension.BRAND]
    rows = (
        SpendingRollup.objects.filter(dimension__in=dimensions)
        .values("dimension", "key")
        .annotate(**sums(currency=None, base=base))
    )
    spending = {dimension: {} for dimension in dimensions}
    for row in rows:
        spending[row["dimension"]][uuid.UUID(row["key"])] = Sums.of(row)
    return spending


def _top_product_orderings(currency: str | None) -> dict[str, list]:
    """Ties are broken by name; "avg_price" ranks on the average of the purchases that have an
    amount, those without one last."""
    return {
        "count": ["-item_count", "key"],
        "total_spent": ["-units", "key"],
        "avg_price": [average_units(currency=currency).desc(nulls_last=True), "key"],
    }


@cached_figure
def top_products(
    *,
    currency: str | None = None,
    base: str | None = None,
    sort_by: str = "count",
    limit: int = 10,
    today=None,
) -> list[ProductTotal]:
    """Products grouped by exact name, ranked by SORT_BY (docs/api.md §9.12), ties by name.

    One query. In the base, by count (the dashboard's), the names are the first LIMIT rows of the
    every-currency rows' index (a subquery), and only their rows are summed: summing all of them
    first took most of a cold visit at 100,000 purchases (docs/performance.md).
    """
    rows = _spending_rows(SpendingDimension.PRODUCT, currency)
    if currency is None and sort_by == "count":
        names = SpendingRollup.objects.filter(dimension=SpendingDimension.NAME, currency_code="")
        top = names.order_by("-purchase_count", "key").values("key")[:limit]
        rows = rows.filter(key__in=top)
    rows = _grouped(rows, "key", currency=currency, base=_base(base)).order_by(
        *_top_product_orderings(currency)[sort_by]
    )[:limit]
    return [
        ProductTotal(
            row["key"],
            figures.purchase_count,
            figures.amount,
            figures.average,
            figures.without_rate_count,
        )
        for row in rows
        for figures in [Sums.of(row)]
    ]


def spending_by_currency(*, base: str | None = None) -> list[CurrencyTotal]:
    """Every currency purchases were made in: how many, their total in it and in BASE, the most
    purchases first."""
    totals = [
        CurrencyTotal(
            part.currency,
            part.in_base.purchase_count,
            part.own_amount,
            part.in_base.amount,
            part.in_base.without_rate_count,
        )
        for part in _currency_sums(base=_base(base))
    ]
    return sorted(totals, key=lambda total: (-total.count, total.currency))


def expensive_purchases(*, currency: str | None = None, base: str | None = None, limit: int = 10):
    """The most expensive purchases (in CURRENCY, when given; else in the base, those without an
    amount in it left out), with their brand, each with its `amount` in the answer's currency."""
    if currency:
        purchases = Purchase.objects.filter(currency_code=currency).annotate(amount=F("price"))
    else:
        base = _base(base)
        amount = Case(
            When(currency_code=base, then=F("price")),
            When(base_currency_code=base, then=F("base_price")),
            output_field=DecimalField(max_digits=18, decimal_places=3),
        )
        purchases = Purchase.objects.annotate(amount=amount).filter(amount__isnull=False)
    return purchases.select_related("brand").order_by("-amount", "-purchase_date", "id")[:limit]


def recent_purchases(*, limit: int = 10):
    """The purchases recorded last (any currency), as the API's purchase objects show them."""
    return Purchase.objects.with_details().order_by("-created_at", "-id")[:limit]


def recent_purchase_rows(*, limit: int):
    """The purchases recorded last as the dashboard lists them: name, brand, retailer, day and
    price (one query: the dashboard shows neither their warranties nor who added them)."""
    return Purchase.objects.select_related("retailer", "brand").order_by("-created_at", "-id")[
        :limit
    ]


def recent_warranties(*, limit: int = 10):
    """The warranties recorded last, with their effective status, purchase, people and claims."""
    return warranties_with_claims(_recent_warranties().select_related("created_by", "updated_by"))[
        :limit
    ]


def recent_warranty_rows(*, limit: int):
    """The warranties recorded last as the dashboard lists them: their purchase's name, type,
    end and effective status (one query)."""
    return _recent_warranties()[:limit]


def _recent_warranties():
    return Warranty.objects.with_status().select_related("purchase").order_by("-created_at", "-id")
