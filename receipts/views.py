"""The receipts waiting for review (docs/receipts.md, "Reviewing drafts").

Each draft's Review opens the purchase form, prefilled with what was read, on this page; the form
saves the purchase through the API and then confirms the draft, as on the inventory page.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.shortcuts import render

from purchases.views import purchase_form_context
from receipts.models import ReadingStatus
from receipts.selectors import drafts_waiting


def _suggested(draft, name: str):
    reading = getattr(draft.blob, "reading", None) if draft.blob_id else None
    field = (reading.fields or {}).get(name) if reading is not None else None
    return field.get("value") if isinstance(field, dict) else None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def draft_list(request):
    """The drafts waiting for review, newest first, with what was read of each."""
    drafts = list(drafts_waiting())
    for draft in drafts:
        reading = getattr(draft.blob, "reading", None) if draft.blob_id else None
        draft.reading_status = reading.status if reading is not None else ReadingStatus.UNSUPPORTED
        draft.reading_label = ReadingStatus(draft.reading_status).label
        draft.merchant = _suggested(draft, "merchant")
        draft.currency = _suggested(draft, "currency")
        draft.total = _decimal(_suggested(draft, "total"))
        draft.purchase_date = _day(_suggested(draft, "purchase_date"))
    context = {"drafts": drafts, **purchase_form_context()}
    return render(request, "receipts/draft_list.html", context)
