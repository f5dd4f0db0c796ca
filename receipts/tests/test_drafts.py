"""Receipts kept as drafts, read in the background, confirmed into purchases or dismissed."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from purchases.models import Attachment, Blob, FileType
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from receipts.drafts import (
    DraftClosed,
    draft_add,
    draft_add_once,
    draft_confirm,
    draft_dismiss,
)
from receipts.models import Draft, DraftStatus, ReadingStatus, ReceiptReading

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
# A receipt with a text layer (no OCR: fast): Target, 13 August 2025, 222.28 USD.
INVOICE = "02-pdf-text-invoice-en-usd.pdf"


def upload(name: str = INVOICE, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type=content_type)


def test_a_receipt_added_is_kept_as_a_draft_and_read_once_committed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_add(upload=upload(), filename=INVOICE)

    draft.refresh_from_db()
    assert (draft.status, draft.mime_type, draft.blob.reference_count) == (
        DraftStatus.WAITING,
        "application/pdf",
        1,
    )
    reading = ReceiptReading.objects.get(blob=draft.blob)
    assert (reading.status, reading.method) == (ReadingStatus.DONE, "pdf-text")
    assert reading.fields["total"]["value"] == "222.28"
    assert reading.fields["purchase_date"]["value"] == "2025-08-13"
    assert reading.fields["merchant"]["value"] == "Target"
    assert "Target" in reading.text


def test_the_reading_waits_for_the_commit_so_the_request_returns_at_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft = draft_add(upload=upload(), filename=INVOICE)

    assert ReceiptReading.objects.get(blob=draft.blob).status == ReadingStatus.PENDING
    assert len(callbacks) == 1


def test_confirming_a_draft_makes_its_file_the_purchase_s_receipt(
    django_capture_on_commit_callbacks,
):
    draft = draft_add(upload=upload(), filename=INVOICE)
    purchase = PurchaseFactory(price=Decimal("222.28"), purchase_date=datetime.date(2025, 8, 13))

    draft_confirm(draft=draft, purchase=purchase)

    draft.refresh_from_db()
    assert (draft.status, draft.purchase) == (DraftStatus.CONFIRMED, purchase)
    attachment = Attachment.objects.get(purchase=purchase)
    assert (attachment.file_type, attachment.filename, attachment.blob_id) == (
        FileType.RECEIPT,
        INVOICE,
        draft.blob_id,
    )
    # The draft let go of the file; the attachment holds it now.
    assert Blob.objects.get(pk=draft.blob_id).reference_count == 1
    with pytest.raises(DraftClosed, match="confirmed already"):
        draft_confirm(draft=draft, purchase=purchase)


def test_dismissing_a_draft_deletes_it_and_its_file_when_nothing_else_holds_it(
    django_capture_on_commit_callbacks,
):
    draft = draft_add(upload=upload(), filename=INVOICE)
    blob_id = draft.blob_id

    with django_capture_on_commit_callbacks(execute=True):
        draft_dismiss(draft=draft)

    assert not Draft.objects.exists()
    assert not Blob.objects.filter(pk=blob_id).exists()
    assert not ReceiptReading.objects.exists()


def test_a_forwarded_e_mail_becomes_one_draft_however_often_it_is_seen():
    name = "07-email-email-en-gbp.eml"
    first = draft_add(
        upload=upload(name, "message/rfc822"), filename=name, source="email", message_id="<a@b>"
    )
    again = draft_add(
        upload=upload(name, "message/rfc822"), filename=name, source="email", message_id="<a@b>"
    )

    assert again.pk == first.pk
    assert Draft.objects.count() == 1


def test_adding_a_message_once_says_whether_this_call_made_its_draft():
    name = "07-email-email-en-gbp.eml"

    def add():
        return draft_add_once(
            upload=upload(name, "message/rfc822"), filename=name, source="email", message_id="<c@d>"
        )

    (first, made_first), (again, made_again) = add(), add()

    assert (made_first, made_again) == (True, False)
    assert again.pk == first.pk


def test_a_receipt_attached_to_a_purchase_is_read_but_not_a_photo(
    django_capture_on_commit_callbacks,
):
    purchase = PurchaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment_add(purchase=purchase, upload=upload(), file_type=FileType.RECEIPT)
        photo = SimpleUploadedFile("photo.pdf", b"%PDF-1.4 not read", "application/pdf")
        attachment_add(purchase=purchase, upload=photo, file_type=FileType.PHOTO)

    assert list(ReceiptReading.objects.values_list("status", flat=True)) == [ReadingStatus.DONE]
