"""The dashboard page: cards and lists from the server, charts drawn from the analytics API."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from analytics import selectors
from analytics.cache import cached_figure
from kernel import clock
from purchases.demo import purchases_load_demo
from reminders.selectors import Deadline, deadline_list_upcoming
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
    """What the charts ask the analytics API for once the page has painted.

    The charts' figures are the costliest of the page right after a write (every cached figure
    is stale); fetched after the first paint, they never hold up the cards and lists.
    """
    return {"currency": currency, "months": CHART_MONTHS, "top_products": TOP_PRODUCTS_SHOWN}


@cached_figure
def _upcoming_deadlines(*, limit: int, today: datetime.date) -> list[Deadline]:
    """The next LIMIT warranty ends and return deadlines within the "expiring soon" window."""
    return deadline_list_upcoming(days=EXPIRING_SOON_DAYS, today=today, limit=limit)


def _other_currencies_note(summary: dict) -> str:
    count = summary["other_currency_count"]
    if not count:
        return ""
    purchases = "purchase" if count == 1 else "purchases"
    return f"{summary['currency']} only; {count} {purchases} in other currencies not counted"


def dashboard(request):
    """KPI cards, charts and lists; a first-run page while there are no purchases at all."""
    currency = selectors.resolve_currency(None)
    summary = selectors.analytics_summary(currency=currency)
    context = {
        "summary": summary,
        "currency": currency,
        "other_currencies_note": _other_currencies_note(summary),
    }
    if summary["total_items"] + summary["other_currency_count"] == 0:
        return render(
            request,
            "analytics/dashboard.html",
            {**context, "first_run": True, "demo_purchases": DEMO_PURCHASES},
        )
    today = clock.today()
    context.update(
        chart_settings=_chart_settings(currency),
        deadlines=[
            (deadline, deadline.days_left(today))
            for deadline in _upcoming_deadlines(limit=DEADLINES_SHOWN, today=today)
        ],
        expiring_soon_days=EXPIRING_SOON_DAYS,
        recent_purchases=selectors.recent_purchases(limit=RECENT_LIMIT),
        recent_warranties=selectors.recent_warranties(limit=RECENT_LIMIT),
    )
    return render(request, "analytics/dashboard.html", context)


@require_POST
def demo_load(request):
    """Load the demo household, as `manage.py purchases_demo --purchases 60` does."""
    added = purchases_load_demo(count=DEMO_PURCHASES)
    if added:
        messages.success(request, f"Loaded {added} demo purchases with their warranties.")
    else:
        messages.info(request, "The demo purchases are already loaded.")
    return redirect("analytics:dashboard")
