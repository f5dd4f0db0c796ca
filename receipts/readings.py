"""Reading a stored receipt in the background, and what was read (docs/receipts.md §2).

`reading_request` asks for a file to be read: it keeps a pending reading and hands it to the job
worker once the transaction has committed, so the web request that stored the file returns at
once. `reading_run` is the job: it reads the text and the fields and stores them. A file is read
once, whoever attaches it again.
"""

import dataclasses
import datetime
import logging
import time
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction

from catalog.models import Brand, Retailer
from purchases.models import Blob, FileType
from receipts.extraction import (
    SUPPORTED_TYPES,
    ExtractedFields,
    ReceiptUnreadable,
    UnsupportedReceipt,
    read_fields,
    receipt_text,
)
from receipts.models import ReadingStatus, ReceiptReading

logger = logging.getLogger(__name__)

# The kinds of attachment whose text is read (a photo of the product or a manual is not).
READ_FILE_TYPES = {FileType.RECEIPT, FileType.WARRANTY, FileType.OTHER}


def reading_request(*, blob: Blob, mime_type: str) -> ReceiptReading | None:
    """Have BLOB read by the worker (once: a reading that exists is returned as it is).

    None when files of MIME_TYPE are not read at all.
    """
    if mime_type.split(";")[0].strip().lower() not in SUPPORTED_TYPES:
        return None
    reading, created = ReceiptReading.objects.get_or_create(blob=blob)
    if created:
        # Imported here: the task module imports this one.
        from receipts.tasks import read_receipt

        transaction.on_commit(lambda: read_receipt.enqueue(str(reading.pk), mime_type))
    return reading


def reading_of_attachment(*, attachment) -> None:
    """The `attachment_added` hook: read a receipt, an invoice or a document attached."""
    if attachment.file_type in READ_FILE_TYPES:
        reading_request(blob=attachment.blob, mime_type=attachment.mime_type)


def reading_run(*, reading_id, mime_type: str) -> ReceiptReading | None:
    """Read the file of the reading READING_ID and store its text and fields (the worker's job)."""
    reading = ReceiptReading.objects.select_related("blob").filter(pk=reading_id).first()
    if reading is None:  # its file was deleted since
        return None
    started = time.perf_counter()
    try:
        with default_storage.open(reading.blob.name, "rb") as source:
            text = receipt_text(source, mime_type)
        fields = read_fields(
            text,
            known_retailers=list(Retailer.objects.values_list("name", flat=True)),
            known_brands=list(Brand.objects.values_list("name", flat=True)),
        )
    except UnsupportedReceipt as error:
        return _finished(reading, ReadingStatus.UNSUPPORTED, error=str(error), started=started)
    except (ReceiptUnreadable, OSError) as error:
        logger.warning("Receipt %s could not be read: %s", reading.blob.sha256, error)
        return _finished(reading, ReadingStatus.FAILED, error=str(error), started=started)
    return _finished(
        reading,
        ReadingStatus.DONE,
        method=text.method,
        text="\n".join(text.lines),
        fields=fields_as_json(fields),
        started=started,
    )


def _finished(reading: ReceiptReading, status: str, *, started: float, **values) -> ReceiptReading:
    values["seconds"] = Decimal(f"{time.perf_counter() - started:.3f}")
    ReceiptReading.objects.filter(pk=reading.pk).update(status=status, **values)
    reading.refresh_from_db()
    return reading


def fields_as_json(fields: ExtractedFields) -> dict:
    """The fields read, as the draft's suggestions: {name: {value, confidence, line}}, amounts
    as text (never floats), dates in ISO form, and the line items."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    found = {}
    for name in ("merchant", "purchase_date", "total", "currency", "order_number"):
        field = getattr(fields, name)
        if field is not None:
            found[name] = {
                "value": plain(field.value),
                "confidence": round(field.confidence, 2),
                "line": field.line,
            }
    # How sure the reading is of the line items as a whole (the first one may name the product).
    found["items_confidence"] = round(fields.items_confidence, 2)
    found["items"] = [
        {key: plain(value) for key, value in dataclasses.asdict(item).items()}
        for item in fields.items
    ]
    return found
