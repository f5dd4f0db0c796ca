"""What a reminder says: a digest's entries and the subject, text and JSON payload made of them."""

import datetime

from reminders.models import DeadlineKind
from reminders.selectors import Deadline
from warranties.models import warranty_type_label

KIND_LABELS = {
    DeadlineKind.WARRANTY: "warranty ends",
    DeadlineKind.RETURN: "last day to return",
    DeadlineKind.CLAIM: "claim follow-up due",
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
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left > 1:
        return f"in {days_left} days"
    return f"{-days_left} day{'s' if days_left < -1 else ''} ago"


def digest_message(entries: list[dict], *, today: datetime.date, test: bool = False):
    """Return the subject, the text and the JSON payload of a digest of ENTRIES on TODAY.

    "In N days" is counted from TODAY, the day it is sent, so a retried digest stays true.
    """
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
        lines.append(
            f"- {entry['product_name']}{detail}: {label} {_when(days_left)}, {due:%a %d %b %Y}"
        )
        items.append({**entry, "days_left": days_left})
    if test:
        subject = "Spends Tracker: test reminder"
        intro = "This is a test reminder: reminders reach you here."
    elif len(entries) == 1:
        entry = items[0]
        label = KIND_LABELS.get(entry["kind"], entry["kind"])
        subject = f"Spends Tracker: {entry['product_name']}, {label} {_when(entry['days_left'])}"
        intro = "A deadline is coming up:"
    else:
        subject = f"Spends Tracker: {len(entries)} deadlines coming up"
        intro = "These deadlines are coming up:"
    if test:
        intro += " These deadlines are coming up:" if lines else " No deadline is coming up."
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
