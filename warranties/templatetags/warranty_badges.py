"""How a warranty's state looks on the pages (warranties.badges has the one rule)."""

import datetime

from django import template
from django.utils.translation import gettext, ngettext

from kernel import clock
from warranties.badges import badge_of
from warranties.models import ClaimStatus, WarrantyStatus, warranty_type_label

register = template.Library()


def _date_format(context) -> str:
    try:
        return context["household"]["date_format"]
    except (KeyError, TypeError):
        return ""


@register.inclusion_tag("warranties/partials/badge.html", takes_context=True)
def warranty_badge(context, status, end):
    """`{% warranty_badge warranty.effective_status warranty.warranty_end %}`: "Expired on …",
    the date in the household's format (the page's `household`)."""
    badge = badge_of(status, end, date_format=_date_format(context))
    return {"label": badge[0] if badge else None, "css": badge[1] if badge else ""}


@register.filter
def days_left(end: datetime.date | None) -> str:
    """`{{ warranty.warranty_end|days_left }}` → "ends today", "ended 3 days ago"."""
    if end is None:
        return ""
    days = (end - clock.today()).days
    if days == 0:
        return gettext("ends today")
    if days > 0:
        return ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    return ngettext("ended %(days)s day ago", "ended %(days)s days ago", -days) % {"days": -days}


@register.filter
def unvoided_badge(warranty, date_format="") -> tuple[str, str]:
    """The (label, css classes) WARRANTY shows when it is not voided: for un-voiding in place.

    `{{ warranty|unvoided_badge:household.date_format }}`.
    """
    end = warranty.warranty_end
    status = WarrantyStatus.EXPIRED if end < clock.today() else WarrantyStatus.ACTIVE
    return badge_of(status, end, date_format=date_format)


@register.filter(name="warranty_type_label")
def warranty_type_label_filter(value) -> str:
    """`{{ warranty.warranty_type|warranty_type_label }}` → "Extended warranty" for EXTENDED."""
    return str(warranty_type_label(value))


@register.filter
def claims_state(claims) -> dict | None:
    """What a warranty's row says of its claims (`warranty.claim_list`, prefetched): how many
    are open, the furthest status among them, the next follow-up; None without claims."""
    if not claims:
        return None
    open_claims = [claim for claim in claims if claim.is_open]
    follow_ups = [claim.follow_up_on for claim in open_claims if claim.follow_up_on]
    in_progress = any(claim.status == ClaimStatus.IN_PROGRESS for claim in open_claims)
    return {
        "total": len(claims),
        "open": len(open_claims),
        "status": ClaimStatus.IN_PROGRESS if in_progress else ClaimStatus.OPEN,
        "label": str((ClaimStatus.IN_PROGRESS if in_progress else ClaimStatus.OPEN).label),
        "follow_up": min(follow_ups) if follow_ups else None,
        "overdue": bool(follow_ups) and min(follow_ups) <= clock.today(),
    }
