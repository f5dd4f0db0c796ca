"""A purchase's attachments (docs/api.md §4.4, §5.6): upload, list, read, delete, download."""

import datetime
import uuid

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from ninja import File, Form, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kernel.schemas import COMMON_ERRORS, ErrorOut, MessageOut, Schema, get_or_404
from purchases.blobs import use_hashing_upload_handler
from purchases.models import Attachment, FileType, Purchase
from purchases.services import attachment_add, attachments_delete
from purchases.thumbnails import CONTENT_TYPE as THUMBNAIL_TYPE
from purchases.thumbnails import SIZES as THUMBNAIL_SIZES
from purchases.thumbnails import has_thumbnail, thumbnail_get

router = Router(tags=["Attachments"])

# Shown in the browser; anything else (HTML and SVG included) is downloaded, never rendered.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}
PURCHASE_NOT_FOUND = gettext_lazy("Purchase not found")
FILE_NOT_FOUND = gettext_lazy("File not found")


def file_type_error() -> str:
    """The refusal of an unknown file type; the types are the API's words, not translated."""
    return gettext("file_type must be one of: %(types)s") % {"types": ", ".join(FileType.values)}


ERRORS = {**COMMON_ERRORS, 404: ErrorOut}


class AttachmentOut(Schema):
    id: uuid.UUID
    purchase_id: uuid.UUID
    filename: str
    stored_filename: str = Field(description="<sha256 hex><extension> of the stored content.")
    file_type: FileType
    mime_type: str
    file_size: int
    file_hash: str
    reference_count: int = Field(description="How many attachments share this content.")
    available: bool = Field(description="False when the storage check found the content lost.")
    created_at: datetime.datetime
    updated_at: datetime.datetime | None

    @staticmethod
    def resolve_stored_filename(attachment) -> str:
        return f"{attachment.blob.sha256}{attachment.blob.extension}"

    @staticmethod
    def resolve_file_size(attachment) -> int:
        return attachment.blob.size

    @staticmethod
    def resolve_file_hash(attachment) -> str:
        return attachment.blob.sha256

    @staticmethod
    def resolve_reference_count(attachment) -> int:
        return attachment.blob.reference_count

    @staticmethod
    def resolve_available(attachment) -> bool:
        return not attachment.blob.missing


def _attachment_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)  # also takes the legacy 32-hex form
    except ValueError:
        raise HttpError(400, gettext("Malformed file id")) from None


def _attachments():
    return Attachment.objects.select_related("blob")


def _attachment(purchase_id: str, file_id: str) -> Attachment:
    attachment_id = _attachment_id(file_id)
    purchase = get_or_404(Purchase.objects.all(), purchase_id, PURCHASE_NOT_FOUND)
    return get_or_404(_attachments().filter(purchase=purchase), attachment_id, FILE_NOT_FOUND)


@router.post(
    "/files/{purchase_id}",
    response={200: AttachmentOut, 201: AttachmentOut, 413: ErrorOut, **ERRORS},
)
@decorate_view(use_hashing_upload_handler)
def upload_file(request, purchase_id: str, file: File[UploadedFile], file_type: Form[str]):
    """Attach a file (multipart `file`, at most 10 MiB) of a `file_type`.

    201 with the new attachment; 200 with the existing one when this purchase already has the
    same content. Content stored for another purchase is shared, not stored twice.
    """
    purchase = get_or_404(Purchase.objects.all(), purchase_id, PURCHASE_NOT_FOUND)
    if file_type.strip().lower() not in FileType.values:
        raise HttpError(400, file_type_error())
    attachment, created = attachment_add(
        purchase=purchase, upload=file, file_type=file_type.strip().lower()
    )
    return Status(201 if created else 200, _attachments().get(pk=attachment.pk))


@router.get("/files/{purchase_id}", response={200: list[AttachmentOut], **ERRORS})
def list_files(request, purchase_id: str):
    """A purchase's attachments, oldest first (a bare array)."""
    purchase = get_or_404(Purchase.objects.all(), purchase_id, PURCHASE_NOT_FOUND)
    return list(_attachments().filter(purchase=purchase).order_by("created_at", "id"))


def _download(file_id: str):
    attachment = get_or_404(_attachments(), _attachment_id(file_id), FILE_NOT_FOUND)
    try:
        content = default_storage.open(attachment.blob.name, "rb")
    except (FileNotFoundError, OSError):
        raise HttpError(404, gettext("File content missing from storage")) from None
    inline = attachment.mime_type in INLINE_TYPES
    response = FileResponse(content, content_type=attachment.mime_type)
    response["Content-Disposition"] = _content_disposition(inline, attachment.filename)
    response["Content-Length"] = str(attachment.blob.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_disposition(inline: bool, filename: str) -> str:
    """The header with a plain `filename=` always, plus RFC 5987 `filename*=` for other names."""
    header = content_disposition_header(not inline, filename)
    if "filename*=" in header:
        fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
        fallback = fallback.replace("\\", "_").replace('"', "_")
        header = header.replace("; filename*=", f'; filename="{fallback}"; filename*=', 1)
    return header


DOWNLOAD = {
    200: None,
    **ERRORS,
}
# The purchase form previews PDF receipts in a frame of our own pages; no other site may frame a
# file, and the rest of the API forbids every frame.
FRAMED_BY_OUR_PAGES = decorate_view(
    xframe_options_sameorigin, csp_replace({"frame-ancestors": [SELF]})
)
DOWNLOAD_DOC = {"responses": {"200": {"description": "The file's bytes", "content": {"*/*": {}}}}}


# The literal paths come before /files/{purchase_id}/{file_id}, which would match them too.
@router.get("/files/file/{file_id}/download", response=DOWNLOAD, openapi_extra=DOWNLOAD_DOC)
@FRAMED_BY_OUR_PAGES
def download_file(request, file_id: str):
    """The file, inline for images and PDF, as a download otherwise."""
    return _download(file_id)


# A thumbnail is named by its content and size and never changes: browsers keep it for a year.
# Private: it is served to members only, so no shared cache may keep it.
THUMBNAIL_CACHE = "private, max-age=31536000, immutable"
THUMBNAIL_DOC = {
    "responses": {"200": {"description": "A WebP image", "content": {THUMBNAIL_TYPE: {}}}}
}


@router.get("/files/file/{file_id}/thumbnail", response=DOWNLOAD, openapi_extra=THUMBNAIL_DOC)
def thumbnail_file(request, file_id: str, size: int = THUMBNAIL_SIZES[0]):
    """A WebP thumbnail of an image attachment, `size` (96 or 320) pixels at most each way.

    Made once per content and size and kept (docs/api.md §5.6); 404 when the file has none: not
    an image, or one that cannot be read.
    """
    if size not in THUMBNAIL_SIZES:
        sizes = ", ".join(map(str, THUMBNAIL_SIZES))
        raise HttpError(400, gettext("size must be one of: %(sizes)s") % {"sizes": sizes})
    attachment = get_or_404(_attachments(), _attachment_id(file_id), FILE_NOT_FOUND)
    name = thumbnail_get(attachment.blob, size) if has_thumbnail(attachment.mime_type) else None
    if name is None:
        raise HttpError(404, gettext("This file has no thumbnail"))
    response = FileResponse(default_storage.open(name, "rb"), content_type=THUMBNAIL_TYPE)
    response["Cache-Control"] = THUMBNAIL_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/files/{file_id}/preview", response=DOWNLOAD, openapi_extra=DOWNLOAD_DOC)
@FRAMED_BY_OUR_PAGES
def preview_file(request, file_id: str):
    """Alias of /files/file/{file_id}/download."""
    return _download(file_id)


@router.get("/files/{file_id}/download", response=DOWNLOAD, openapi_extra=DOWNLOAD_DOC)
@FRAMED_BY_OUR_PAGES
def download_file_alias(request, file_id: str):
    """Alias of /files/file/{file_id}/download."""
    return _download(file_id)


@router.get("/files/{purchase_id}/{file_id}", response={200: AttachmentOut, **ERRORS})
def get_file(request, purchase_id: str, file_id: str):
    return _attachment(purchase_id, file_id)


@router.delete("/files/{purchase_id}/{file_id}", response={200: MessageOut, **ERRORS})
def delete_file(request, purchase_id: str, file_id: str):
    """Delete an attachment; its content goes when no other attachment shares it."""
    attachment = _attachment(purchase_id, file_id)
    attachments_delete(attachments=Attachment.objects.filter(pk=attachment.pk))
    return {"message": gettext("File deleted")}
