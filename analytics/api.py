"""Dashboard figures (docs/api.md §5.5): thin handlers over analytics.selectors."""

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from ninja import Query, Router
from ninja.errors import ValidationError

from analytics import selectors
from analytics.schemas import (
    CurrencyLimitQuery,
    CurrencyQuery,
    DistributionOut,
    ExpensivePurchasesOut,
    LimitQuery,
    PeriodOut,
    PeriodQuery,
    SpendingOut,
    SpendingQuery,
    SummaryOut,
    TimelineOut,
    TimelineQuery,
    TopProductsOut,
    TopProductsQuery,
    WarrantySummaryOut,
)
from kernel import clock
from kernel.schemas import COMMON_ERRORS
from purchases.schemas import PurchaseOut
from warranties.schemas import WarrantyDetailOut

router = Router(tags=["Analytics"])

END_BEFORE_START = gettext_lazy("end_date must not be before start_date")


def period_too_long() -> str:
    """`selectors.PeriodTooLong`'s sentence, in the request's language."""
    months = selectors.MAX_PERIOD_MONTHS
    return gettext(
        "The period may span at most %(years)s years (%(months)s months); choose a later "
        "start_date or an earlier end_date."
    ) % {"years": months // 12, "months": number_format(months, force_grouping=True)}


@router.get("/analytics/summary", response={200: SummaryOut, **COMMON_ERRORS})
def summary(request, query: Query[CurrencyQuery]):
    """KPI cards: money in the base currency, or in `currency` (and the items in it only);
    warranty counts cover all."""
    return selectors.analytics_summary(**selectors.figure_scope(query.currency))


@router.get("/analytics/spending", response={200: SpendingOut, **COMMON_ERRORS})
def spending(request, query: Query[SpendingQuery]):
    """Spending per month: every month with purchases, or the last `months`, zero-filled."""
    scope = selectors.figure_scope(query.currency)
    buckets = selectors.spending_by_month(**scope, months=query.months)
    return {"spending_over_time": buckets, **selectors.conversions(**scope)}


@router.get("/analytics/spending/by-period", response={200: PeriodOut, **COMMON_ERRORS})
def spending_by_period(request, query: Query[PeriodQuery]):
    """Spending per month over a date range (inclusive), every month present."""
    scope = selectors.figure_scope(query.currency)
    end_date = query.end_date or clock.today()
    if query.start_date and end_date < query.start_date:
        raise ValidationError(
            [{"type": "value_error", "loc": ["query", "end_date"], "msg": str(END_BEFORE_START)}]
        )
    try:
        period = selectors.spending_in_period(
            **scope, start_date=query.start_date, end_date=end_date
        )
    except selectors.PeriodTooLong:
        raise ValidationError(
            [{"type": "value_error", "loc": ["query", "end_date"], "msg": period_too_long()}]
        ) from None
    return {
        "spending_over_time": period["buckets"],
        **selectors.conversions(**scope),
        **{key: period[key] for key in ("start_date", "end_date", "total_amount", "item_count")},
    }


@router.get("/analytics/warranties/timeline", response={200: TimelineOut, **COMMON_ERRORS})
def warranty_timeline(request, query: Query[TimelineQuery]):
    """Non-voided warranties per month of their end date, by status; totals in `summary`."""
    return {
        "timeline": selectors.warranty_timeline(months=query.months),
        "summary": selectors.warranty_counts(),
    }


@router.get("/analytics/warranties/summary", response={200: WarrantySummaryOut, **COMMON_ERRORS})
def warranty_summary(request):
    return selectors.warranty_counts()


def _distribution(query):
    scope = selectors.figure_scope(query.currency)
    return {
        "retailers": selectors.spending_by_retailer(**scope),
        "brands": selectors.spending_by_brand(**scope),
        **selectors.conversions(**scope),
    }


@router.get("/analytics/retailers", response={200: DistributionOut, **COMMON_ERRORS})
def retailers(request, query: Query[CurrencyQuery]):
    """Purchases per retailer and per brand (both lists, as the dashboard expects)."""
    return _distribution(query)


@router.get("/analytics/brands", response={200: DistributionOut, **COMMON_ERRORS})
def brands(request, query: Query[CurrencyQuery]):
    """Purchases per brand and per retailer (both lists, as the dashboard expects)."""
    return _distribution(query)


@router.get("/analytics/top-products", response={200: TopProductsOut, **COMMON_ERRORS})
def top_products(request, query: Query[TopProductsQuery]):
    """Products grouped by exact name, ranked by `sort_by`."""
    scope = selectors.figure_scope(query.currency)
    products = selectors.top_products(**scope, sort_by=query.sort_by, limit=query.limit)
    return {"top_products": products, **selectors.conversions(**scope)}


@router.get(
    "/analytics/expensive-purchases", response={200: ExpensivePurchasesOut, **COMMON_ERRORS}
)
def expensive_purchases(request, query: Query[CurrencyLimitQuery]):
    scope = selectors.figure_scope(query.currency)
    purchases = selectors.expensive_purchases(**scope, limit=query.limit)
    return {"purchases": list(purchases), **selectors.conversions(**scope)}


@router.get("/analytics/recent-purchases", response={200: list[PurchaseOut], **COMMON_ERRORS})
def recent_purchases(request, query: Query[LimitQuery]):
    """The purchases recorded last, in any currency."""
    return list(selectors.recent_purchases(limit=query.limit))


@router.get(
    "/analytics/recent-warranties", response={200: list[WarrantyDetailOut], **COMMON_ERRORS}
)
def recent_warranties(request, query: Query[LimitQuery]):
    """The warranties recorded last."""
    return list(selectors.recent_warranties(limit=query.limit))
