"""Reading receipts' drafts (docs/receipts.md §3)."""

from receipts.models import Draft, DraftStatus


def drafts_waiting():
    """The drafts waiting for review, newest first, with their readings (one query)."""
    return (
        Draft.objects.filter(status=DraftStatus.WAITING)
        .select_related("blob__reading")
        .order_by("-created_at", "-id")
    )


def drafts_waiting_count() -> int:
    """How many drafts wait for review (the inventory page's link to them)."""
    return Draft.objects.filter(status=DraftStatus.WAITING).count()
