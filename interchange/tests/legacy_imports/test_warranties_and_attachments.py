"""Legacy warranty and attachment records: several warranties per purchase, statuses and file
types in any spelling, records without their purchase skipped, attachment records kept with
their blob marked missing (docs/api.md §6.5)."""

import datetime
import uuid

import pytest

from interchange.imports import import_json
from interchange.tests.legacy_imports.helpers import (
    F_ORPHAN,
    F_PHOTO,
    F_RECEIPT_HEX,
    P_GONE,
    P_LAPTOP,
    PHOTO,
    RECEIPT,
    UTC,
    W_LAPTOP,
    W_LAPTOP_VOIDED,
    W_ORPHAN,
    blob_path,
    json_file,
    legacy_export,
    legacy_file,
    legacy_purchase,
    legacy_warranty,
    mentioning,
    sha256,
)
from purchases.models import Attachment, Blob
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def test_several_warranties_of_one_purchase_are_all_kept():
    import_json(json_file(legacy_export()))

    laptop = Warranty.objects.filter(purchase_id=P_LAPTOP).order_by("warranty_end")
    assert [(w.id, w.warranty_type, w.voided) for w in laptop] == [
        (uuid.UUID(W_LAPTOP), "LIMITED", False),
        (uuid.UUID(W_LAPTOP_VOIDED), "EXTENDED", True),
    ]
    first = laptop[0]
    assert first.provider == "Lenovo"
    assert first.created_at == datetime.datetime(2025, 2, 3, 18, 41, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "voided"),
    [
        ("ACTIVE", False),
        ("active", False),
        ("WarrantyStatus.ACTIVE", False),
        ("warrantystatus.active", False),
        ("WarrantyStatus.EXPIRED", False),
        ("VOIDED", True),
        ("voided", True),
        ("WarrantyStatus.VOIDED", True),
        ("warrantystatus.Voided", True),
    ],
)
def test_warranty_status_is_read_in_any_spelling(status, voided):
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, status=status)],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == [] and report["warranties_added"] == 1
    assert Warranty.objects.get().voided is voided


def test_an_unknown_warranty_status_skips_the_warranty_with_an_error():
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [
            legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, status="WarrantyStatus.BROKEN")
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["warranties_added"] == 0 and not Warranty.objects.exists()
    assert len(mentioning(report["errors"], W_LAPTOP)) == 1


def test_a_warranty_or_file_whose_purchase_is_absent_is_skipped_with_an_error():
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [legacy_warranty(id=W_ORPHAN, purchase_id=P_GONE)],
        "files": [legacy_file(RECEIPT, ".pdf", id=F_ORPHAN, purchase_id=P_GONE)],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["warranties_added"] == 0 and report["files_added"] == 0
    assert len(mentioning(report["errors"], W_ORPHAN)) == 1
    assert len(mentioning(report["errors"], F_ORPHAN)) == 1
    assert not Warranty.objects.exists() and not Attachment.objects.exists()
    assert not Blob.objects.exists()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("receipt", "receipt"),
        ("RECEIPT", "receipt"),
        ("Receipt", "receipt"),
        ("FileType.RECEIPT", "receipt"),
        ("filetype.receipt", "receipt"),
        ("FileType.MANUAL", "manual"),
        ("FileType.PHOTO", "photo"),
        ("FileType.WARRANTY", "warranty"),
        ("OTHER", "other"),
    ],
)
def test_file_type_is_read_in_any_spelling(written, expected):
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "files": [
            legacy_file(RECEIPT, ".pdf", id=F_RECEIPT_HEX, purchase_id=P_LAPTOP, file_type=written)
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == [] and report["files_added"] == 1
    assert Attachment.objects.get().file_type == expected


def test_attachment_records_are_kept_with_their_blob_marked_missing_and_counts_recomputed():
    report = import_json(json_file(legacy_export())).as_dict()

    receipt = Attachment.objects.get(id=uuid.UUID(F_RECEIPT_HEX))
    assert receipt.file_type == "receipt"
    assert (receipt.filename, receipt.mime_type) == ("receipt.pdf", "application/pdf")
    assert receipt.created_at == datetime.datetime(2025, 2, 3, 18, 42, 0, 500000, tzinfo=UTC)
    assert receipt.blob.name == blob_path(RECEIPT, ".pdf")
    assert receipt.blob.size == len(RECEIPT)
    # The file said 7 and 0 for the two records sharing the receipt: there are 2.
    assert receipt.blob.reference_count == 2
    assert Attachment.objects.filter(blob=receipt.blob).count() == 2
    photo = Attachment.objects.get(id=F_PHOTO)
    assert (photo.file_type, photo.blob.extension) == ("photo", ".JPG")
    assert photo.blob.reference_count == 1  # the file said 3
    # A JSON file brings no contents: the records are kept, their blobs marked missing.
    assert set(Blob.objects.values_list("missing", flat=True)) == {True}
    assert mentioning(report["warnings"], sha256(RECEIPT))
    assert mentioning(report["warnings"], sha256(PHOTO))
