"""How a warranty's state looks: one badge per state, the same on every page and in the form.

The one definition of the badge's words (docs/forms.md §5): "Active until 14/08/2027",
"Expires in 12 days", "Expired on 14/08/2026", "Voided", the dates in the household's format.
The pages draw it with the `warranty_badge` template tag; the purchase form, which changes
warranties in the browser, receives `badge_table()` (these same templates) and fills them in
JavaScript.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel import clock
from preferences.formats import format_day
from warranties.models import EXPIRING_SOON_DAYS, WARRANTY_STATE_EXPIRING, WarrantyStatus

# Bootstrap badge classes of each state; "expiring" is an active warranty near its end.
BADGE_CSS = {
    WarrantyStatus.ACTIVE: "text-bg-success",
    WARRANTY_STATE_EXPIRING: "text-bg-warning",
    WarrantyStatus.EXPIRED: "text-bg-secondary",
    WarrantyStatus.VOIDED: "text-bg-danger",
}
# The words of each state: {date} is the end in the household's format, {days} the days left.
# Lazy: each person reads them in their own language (docs/i18n.md), "{date}" and "{days}" kept.
BADGE_WORDS = {
    WarrantyStatus.ACTIVE: _("Active until {date}"),
    WARRANTY_STATE_EXPIRING: _("Expires in {days} days"),
    "EXPIRING_TOMORROW": _("Expires tomorrow"),
    "EXPIRING_TODAY": _("Expires today"),
    WarrantyStatus.EXPIRED: _("Expired on {date}"),
    WarrantyStatus.VOIDED: pgettext_lazy("warranty", "Voided"),
}


def _words(state: str, days_left: int | None) -> str:
    if state == WARRANTY_STATE_EXPIRING and days_left == 0:
        return BADGE_WORDS["EXPIRING_TODAY"]
    if state == WARRANTY_STATE_EXPIRING and days_left == 1:
        return BADGE_WORDS["EXPIRING_TOMORROW"]
    return str(BADGE_WORDS[state])


def badge_of(
    status: str | None,
    end: datetime.date | None,
    today: datetime.date | None = None,
    date_format: str = "",
):
    """Return (label, css classes) of a warranty in STATUS ending on END, or None without one."""
    if not status:
        return None
    today = today or clock.today()
    days_left = (end - today).days if end else None
    state = status
    if status == WarrantyStatus.ACTIVE and end and days_left <= EXPIRING_SOON_DAYS:
        state = WARRANTY_STATE_EXPIRING
    label = _words(state, days_left).format(date=format_day(end, date_format), days=days_left)
    return label, BADGE_CSS[state]


def badge_table() -> dict:
    """The badges and the rule's window, for the browser (`purchase_form_warranties.js`)."""
    return {
        "badges": {str(state): [str(BADGE_WORDS[state]), css] for state, css in BADGE_CSS.items()},
        "words": {str(key): str(words) for key, words in BADGE_WORDS.items()},
        "expiring_days": EXPIRING_SOON_DAYS,
    }
