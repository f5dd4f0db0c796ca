"""The dashboard page: cards and lists from the server, charts drawn from the analytics API."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from analytics import selectors
from analytics.cache import cached_figure
from kernel import clock
from purchases.demo import purchases_load_demo
from receipts.selectors import drafts_waiting_count
from reminders.models import DeadlineKind
from reminders.selectors import Deadline, deadline_list_upcoming, deadline_queryset
from warranties.models import EXPIRING_SOON_DAYS

# The window of the spending chart at first paint and of the warranty timeline (months before
# and after this one): a year reads at a glance; the chart's own menu asks the API for more.
CHART_MONTHS = 12
RECENT_LIMIT = 5
DEADLINES_SHOWN = 8
TOP_PRODUCTS_SHOWN = 10
# What `make demo` loads (manage.py purchases_demo --purchases 60).
DEMO_PURCHASES = 60


def _chart_settings(currency: str) -> dict:
    """What the charts ask the analytics API for once the page has painted, and the currency
    their amounts are in (the base: the charts ask without ?currency=, docs/api.md §9.8).

    The charts' figures are the costliest of the page right after a write (every cached figure
    is stale); fetched after the first paint, they never hold up the cards and lists.
    """
    return {"currency": currency, "months": CHART_MONTHS, "top_products": TOP_PRODUCTS_SHOWN}


@cached_figure
def _upcoming_deadlines(*, limit: int, today: datetime.date) -> list[Deadline]:
    """The next LIMIT warranty ends and return deadlines within the "expiring soon" window
    (claim follow-ups are the warranties page's and the reminders')."""
    kinds = [DeadlineKind.WARRANTY, DeadlineKind.RETURN]
    return deadline_list_upcoming(days=EXPIRING_SOON_DAYS, today=today, limit=limit, kinds=kinds)


@cached_figure
def _return_deadlines_count(*, today: datetime.date) -> int:
    """How many return windows close within the "expiring soon" window (one query)."""
    end = today + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    return deadline_queryset(start=today, end=end, kinds=[DeadlineKind.RETURN]).count()


def _expiring_sentence(*, warranties: int, returns: int, shown: int) -> str:
    """What the "Expiring soon" list holds, in words: the warranties are those of the card of
    the same name (active, ending within the window), the return deadlines come beside them."""
    ending = ngettext("%(count)s warranty ends", "%(count)s warranties end", warranties) % {
        "count": _count(warranties)
    }
    closing = ngettext(
        "%(count)s return window closes", "%(count)s return windows close", returns
    ) % {"count": _count(returns)}
    parts = {"warranties": ending, "returns": closing, "days": EXPIRING_SOON_DAYS}
    if shown < warranties + returns:
        return _(
            "%(warranties)s and %(returns)s in the next %(days)s days; "
            "the %(shown)s soonest are listed."
        ) % {**parts, "shown": shown}
    return _("%(warranties)s and %(returns)s in the next %(days)s days.") % parts


def _count(count: int) -> str:
    """COUNT with the groups of the page's language (1,234 or 1.234)."""
    return number_format(count, force_grouping=True)


def _conversion_note(summary: dict) -> str:
    """What the total leaves out (purchases without a rate) or converted, in words."""
    missing, converted = summary["without_rate_count"], summary["converted_count"]
    if missing:
        return ngettext(
            "%(count)s purchase without a rate, counted but not added",
            "%(count)s purchases without a rate, counted but not added",
            missing,
        ) % {"count": _count(missing)}
    if converted:
        return ngettext(
            "%(count)s purchase converted from other currencies",
            "%(count)s purchases converted from other currencies",
            converted,
        ) % {"count": _count(converted)}
    return ""


def dashboard(request):
    """KPI cards, charts and lists; a first-run page while there are no purchases at all.

    Amounts are in the household's base currency over every purchase (analytics.amounts); the
    per-currency totals are one click away ("By currency").
    """
    scope = selectors.figure_scope(None)
    currency = scope["base"]
    summary = selectors.analytics_summary(**scope)
    context = {
        "summary": summary,
        "currency": currency,
        "conversion_note": _conversion_note(summary),
    }
    if summary["total_items"] == 0:
        return render(
            request,
            "analytics/dashboard.html",
            {**context, "first_run": True, "demo_purchases": DEMO_PURCHASES},
        )
    today = clock.today()
    deadlines = _upcoming_deadlines(limit=DEADLINES_SHOWN, today=today)
    context.update(
        # The header's link to the receipts waiting for review (docs/receipts.md).
        receipts_waiting=drafts_waiting_count(),
        chart_settings=_chart_settings(currency),
        by_currency=selectors.spending_by_currency(base=currency),
        deadlines=[(deadline, deadline.days_left(today)) for deadline in deadlines],
        expiring_sentence=_expiring_sentence(
            warranties=summary["expiring_warranties"],
            returns=_return_deadlines_count(today=today),
            shown=len(deadlines),
        ),
        expiring_soon_days=EXPIRING_SOON_DAYS,
        expiring_card_note=_("Warranties ending within %(days)s days")
        % {"days": EXPIRING_SOON_DAYS},
        recent_purchases=selectors.recent_purchase_rows(limit=RECENT_LIMIT),
        recent_warranties=selectors.recent_warranty_rows(limit=RECENT_LIMIT),
    )
    return render(request, "analytics/dashboard.html", context)


@require_POST
def demo_load(request):
    """Load the demo household, as `manage.py purchases_demo --purchases 60` does."""
    added = purchases_load_demo(count=DEMO_PURCHASES)
    if added:
        messages.success(
            request,
            ngettext(
                "Loaded %(count)s demo purchase with its warranties.",
                "Loaded %(count)s demo purchases with their warranties.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(request, _("The demo purchases are already loaded."))
    return redirect("analytics:dashboard")
