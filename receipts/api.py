"""Receipts waiting to become purchases (docs/receipts.md §3): add, list, read, confirm, dismiss.

The purchase itself is saved through `POST /api/purchases`, like any other (the form opens with
the draft's suggestions); confirming then hands the draft's file to that purchase.
"""

import datetime
import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kernel.schemas import COMMON_ERRORS, ErrorOut, Schema, get_or_404
from purchases.blobs import use_hashing_upload_handler
from purchases.files_api import FRAMED_BY_OUR_PAGES
from purchases.models import Purchase
from receipts.drafts import DraftClosed, draft_add, draft_confirm, draft_dismiss
from receipts.models import Draft, DraftStatus, ReadingStatus
from receipts.selectors import drafts_waiting

router = Router(tags=["Receipts"])
ERRORS = {**COMMON_ERRORS, 404: ErrorOut}


class DraftOut(Schema):
    id: uuid.UUID
    filename: str
    mime_type: str
    source: str
    subject: str
    status: str
    reading: str = Field(description="pending, done, failed or unsupported (not read at all).")
    suggestions: dict = Field(
        description="Each field read (merchant, purchase_date, total, currency, order_number) "
        "with its value, confidence (0 to 1) and the receipt's line; `items` the line items."
    )
    purchase_id: uuid.UUID | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_reading(draft) -> str:
        reading = getattr(draft.blob, "reading", None) if draft.blob_id else None
        return reading.status if reading is not None else ReadingStatus.UNSUPPORTED

    @staticmethod
    def resolve_suggestions(draft) -> dict:
        reading = getattr(draft.blob, "reading", None) if draft.blob_id else None
        return reading.fields if reading is not None else {}


class ConfirmIn(Schema):
    purchase_id: uuid.UUID = Field(description="The purchase saved from this draft.")


def _draft(draft_id: str) -> Draft:
    drafts = Draft.objects.select_related("blob__reading")
    return get_or_404(drafts, draft_id, _("Draft not found"))


@router.post("/receipts/drafts", response={201: DraftOut, 413: ErrorOut, **ERRORS})
@decorate_view(use_hashing_upload_handler)
def add_draft(request, file: File[UploadedFile]):
    """Keep a receipt (multipart `file`: a PDF, a photo, an e-mail) as a draft, read in the
    background; 201 at once, with `reading: pending` until the worker has read it."""
    draft = draft_add(upload=file, filename=file.name or "receipt", actor=request.user)
    return Status(201, _draft(str(draft.pk)))


@router.get("/receipts/drafts", response={200: list[DraftOut], **ERRORS})
def list_drafts(request):
    """The drafts waiting for review, newest first."""
    return list(drafts_waiting())


@router.get("/receipts/drafts/{draft_id}", response={200: DraftOut, **ERRORS})
def get_draft(request, draft_id: str):
    return _draft(draft_id)


@router.post(
    "/receipts/drafts/{draft_id}/confirm", response={200: DraftOut, 409: ErrorOut, **ERRORS}
)
def confirm_draft(request, draft_id: str, payload: ConfirmIn):
    """The purchase was saved from this draft: its file becomes that purchase's receipt."""
    draft = _draft(draft_id)
    purchase = get_or_404(Purchase.objects.all(), str(payload.purchase_id), _("Purchase not found"))
    try:
        draft_confirm(draft=draft, purchase=purchase, actor=request.user)
    except DraftClosed as error:
        raise HttpError(409, str(error)) from None
    return _draft(draft_id)


@router.delete("/receipts/drafts/{draft_id}", response={204: None, 409: ErrorOut, **ERRORS})
def dismiss_draft(request, draft_id: str):
    """Not a purchase: the draft and its file go (unless another purchase holds the file)."""
    try:
        draft_dismiss(draft=_draft(draft_id))
    except DraftClosed as error:
        raise HttpError(409, str(error)) from None
    return Status(204, None)


@router.get("/receipts/drafts/{draft_id}/file", response={200: None, **ERRORS})
# The purchase form shows a PDF receipt in a frame beside its fields, as for attachments.
@FRAMED_BY_OUR_PAGES
def draft_file(request, draft_id: str):
    """The draft's file, to look at beside the form (shown inline only for images and PDFs)."""
    draft = _draft(draft_id)
    if draft.blob_id is None or draft.status != DraftStatus.WAITING:
        raise HttpError(404, _("This draft has no file any more"))
    try:
        content = default_storage.open(draft.blob.name, "rb")
    except OSError:
        raise HttpError(404, _("File content missing from storage")) from None
    inline = draft.mime_type in {"image/jpeg", "image/png", "image/webp", "application/pdf"}
    response = FileResponse(
        content, content_type=draft.mime_type, as_attachment=not inline, filename=draft.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
