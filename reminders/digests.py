"""What a reminder says: a digest's entries and the subject, text and JSON payload made of them.

Written in the recipient's language (docs/i18n.md): the payload's data (codes, ISO dates) stays
as it is, its title and message are the translated subject and text.
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reminders.models import DeadlineKind
from reminders.selectors import Deadline
from warranties.models import warranty_type_label

KIND_LABELS = {
    DeadlineKind.WARRANTY: gettext_lazy("warranty ends"),
    DeadlineKind.RETURN: gettext_lazy("last day to return"),
    DeadlineKind.CLAIM: gettext_lazy("claim follow-up due"),
}


def digest_entry(deadline: Deadline, thresholds: list[int]) -> dict:
    """Return the digest entry of DEADLINE, reached at THRESHOLDS (days before it)."""
    return {
        "kind": deadline.kind,
        "source_id": str(deadline.source_id),
        "purchase_id": str(deadline.purchase_id),
        "product_name": deadline.product_name,
        "due_date": deadline.due_date.isoformat(),
        "detail": deadline.detail,
        "thresholds": thresholds,
    }


def _when(days_left: int) -> str:
    if days_left == 0:
        return _("today")
    if days_left == 1:
        return _("tomorrow")
    if days_left > 1:
        return ngettext("in %(days)s day", "in %(days)s days", days_left) % {"days": days_left}
    return ngettext("%(days)s day ago", "%(days)s days ago", -days_left) % {"days": -days_left}


def digest_message(
    entries: list[dict], *, today: datetime.date, test: bool = False, language: str = ""
):
    """Return the subject, the text and the JSON payload of a digest of ENTRIES on TODAY, in
    LANGUAGE (the recipient's; English when it is "").

    "In N days" is counted from TODAY, the day it is sent, so a retried digest stays true.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        return _digest_message(entries, today=today, test=test)


def _digest_message(entries: list[dict], *, today: datetime.date, test: bool):
    items = []
    lines = []
    for entry in entries:
        due = datetime.date.fromisoformat(entry["due_date"])
        days_left = (due - today).days
        label = KIND_LABELS.get(entry["kind"], entry["kind"])
        detail = entry.get("detail") or ""
        if entry["kind"] == DeadlineKind.WARRANTY:
            detail = warranty_type_label(detail)  # the payload keeps the code
        detail = f" ({detail})" if detail else ""
        words = {"product": entry["product_name"], "detail": detail, "kind": label}
        # "Sat 14 Mar 2026" with the day's and month's names in the language.
        words.update(when=_when(days_left), day=format_date(due, "D d M Y"))
        lines.append(_("- %(product)s%(detail)s: %(kind)s %(when)s, %(day)s") % words)
        items.append({**entry, "days_left": days_left})
    if test:
        subject = _("Spends Tracker: test reminder")
        intro = _("This is a test reminder: reminders reach you here.")
    elif len(entries) == 1:
        entry = items[0]
        subject = _("Spends Tracker: %(product)s, %(kind)s %(when)s") % {
            "product": entry["product_name"],
            "kind": KIND_LABELS.get(entry["kind"], entry["kind"]),
            "when": _when(entry["days_left"]),
        }
        intro = _("A deadline is coming up:")
    else:
        subject = ngettext(
            "Spends Tracker: %(count)s deadline coming up",
            "Spends Tracker: %(count)s deadlines coming up",
            len(entries),
        ) % {"count": len(entries)}
        intro = _("These deadlines are coming up:")
    if test:
        more = _("These deadlines are coming up:") if lines else _("No deadline is coming up.")
        intro += " " + more
    text = "\n".join([intro, "", *lines, ""]) if lines else intro + "\n"
    subject = " ".join(subject.split())  # a line break in a product name must not end the header
    payload = {
        "title": subject,
        "message": text,
        "day": today.isoformat(),
        "test": test,
        "deadlines": items,
    }
    return subject, text, payload
