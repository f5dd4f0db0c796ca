"""Receipts that wait to become purchases (docs/receipts.md §3): add, confirm, dismiss.

A draft holds its file (it counts as one of the blob's holders, like an attachment) from the
moment it is added until it is confirmed, when the file becomes the new purchase's receipt, or
dismissed, when the draft is deleted and the file goes unless something else holds it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from purchases.models import FileType, Purchase
from purchases.services import attachment_of_blob, blob_for_upload, blob_referenced, blobs_released
from receipts.models import Draft, DraftSource, DraftStatus
from receipts.readings import reading_request


class DraftClosed(ValueError):
    """The draft was confirmed or dismissed already; the message says which."""


def draft_add(*, upload, filename: str, **options) -> Draft:
    """Keep UPLOAD as a draft and have it read in the background (`draft_add_once`'s OPTIONS:
    actor, source, message_id, subject).

    A MESSAGE_ID already made into a draft returns that draft unchanged: a forwarded e-mail
    becomes one draft, however many times the mailbox is read.
    """
    draft, _made = draft_add_once(upload=upload, filename=filename, **options)
    return draft


@transaction.atomic
def draft_add_once(
    *,
    upload,
    filename: str,
    actor=None,
    source: str = DraftSource.UPLOAD,
    message_id: str | None = None,
    subject: str = "",
) -> tuple[Draft, bool]:
    """`draft_add`, and whether this call made the draft (False: MESSAGE_ID's draft existed).

    The answer comes from the same statement that finds the draft: a caller that asked first
    and added after could be answered by a draft another process committed in between.
    """
    if message_id is not None:
        existing = Draft.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing, False
    blob, mime_type = blob_for_upload(upload, filename)
    draft = Draft.objects.create(
        blob=blob,
        filename=filename[:255],
        mime_type=mime_type,
        source=source,
        message_id=message_id,
        subject=subject[:255],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    blob_referenced(blob)
    reading_request(blob=blob, mime_type=mime_type)
    return draft, True


@transaction.atomic
def draft_confirm(*, draft: Draft, purchase: Purchase, actor=None) -> Draft:
    """The person saved PURCHASE from DRAFT's suggestions: the file becomes its receipt."""
    draft = _open(draft)
    attachment_of_blob(
        purchase=purchase,
        blob=draft.blob,
        file_type=FileType.RECEIPT,
        filename=draft.filename,
        mime_type=draft.mime_type,
    )
    _close(draft, DraftStatus.CONFIRMED, actor, purchase=purchase)
    return draft


@transaction.atomic
def draft_dismiss(*, draft: Draft) -> None:
    """Not a purchase after all: the draft is deleted and lets go of its file."""
    draft = _open(draft)
    blob_id = draft.blob_id
    draft.delete()
    blobs_released({blob_id: 1})


def _open(draft: Draft) -> Draft:
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != DraftStatus.WAITING:
        raise DraftClosed(_("This receipt was confirmed already."))
    return locked


def _close(draft: Draft, status: str, actor, *, purchase: Purchase) -> None:
    draft.status = status
    draft.purchase = purchase
    if actor is not None and actor.is_authenticated:
        draft.updated_by = actor
    draft.save(update_fields=["status", "purchase", "updated_by", "updated_at"])
    blobs_released({draft.blob_id: 1})
