"""How a warranty's state looks: one badge per state, the same on every page and in the form.

The pages draw it with the `warranty_badge` template tag; the purchase form, which changes
warranties in the browser, receives `badge_table()` and applies the same rule in JavaScript.
"""

import datetime

from kernel import clock
from warranties.models import EXPIRING_SOON_DAYS, WARRANTY_STATE_EXPIRING, WarrantyStatus

# (label, Bootstrap badge classes) of each state; "expiring" is an active warranty near its end.
BADGES = {
    WarrantyStatus.ACTIVE: ("Active", "text-bg-success"),
    WARRANTY_STATE_EXPIRING: ("Expiring", "text-bg-warning"),
    WarrantyStatus.EXPIRED: ("Expired", "text-bg-secondary"),
    WarrantyStatus.VOIDED: ("Voided", "text-bg-danger"),
}


def badge_of(status: str | None, end: datetime.date | None, today: datetime.date | None = None):
    """Return (label, css classes) of a warranty in STATUS ending on END, or None without one."""
    if not status:
        return None
    today = today or clock.today()
    if status == WarrantyStatus.ACTIVE and end and (end - today).days <= EXPIRING_SOON_DAYS:
        status = WARRANTY_STATE_EXPIRING
    return BADGES[status]


def badge_table() -> dict:
    """The badges and the rule's window, for the browser (`purchase_form_warranties.js`)."""
    return {
        "badges": {str(state): list(badge) for state, badge in BADGES.items()},
        "expiring_days": EXPIRING_SOON_DAYS,
    }
