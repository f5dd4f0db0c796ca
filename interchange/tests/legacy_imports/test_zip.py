"""The legacy ZIP archive: records and files imported, stray files ignored with a warning,
blobs of skipped records not stored, an export larger than a write batch, naive datetimes
read as UTC (docs/api.md §6.3, §6.5)."""

import datetime
import uuid
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Brand, Retailer
from interchange.imports import import_json, import_zip
from interchange.tests.legacy_imports.helpers import (
    KNOWN,
    LOST,
    P_LAPTOP,
    P_MUG_HEX,
    PHOTO,
    R_KITCHEN,
    RECEIPT,
    SKIPPED_WITH_ERROR,
    UTC,
    ZIP_REPORT_KEYS,
    blob_path,
    json_file,
    legacy_export,
    legacy_file,
    legacy_purchase,
    legacy_warranty,
    legacy_zip,
    mentioning,
    sha256,
    stored_files,
)
from purchases.models import Attachment, Blob, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


STRAY_ENTRIES = ["uploads/.DS_Store", "uploads/12/34/thumbnail-cache.db", "uploads/notes.txt"]


def test_a_legacy_zip_imports_records_and_files(existing_catalog):
    known_owner = PurchaseFactory(product_name="Existing", retailer=None, brand=None)
    attachment_add(
        purchase=known_owner, upload=SimpleUploadedFile("card.png", KNOWN), file_type="warranty"
    )
    extra = (  # the manual's content is not archived; the card is in the store already
        legacy_file(LOST, ".pdf", purchase_id=P_LAPTOP, filename="manual.pdf"),
        legacy_file(LOST, ".pdf", purchase_id=P_MUG_HEX, filename="manual.pdf"),
        legacy_file(KNOWN, ".png", purchase_id=P_LAPTOP, file_type="FileType.WARRANTY"),
    )
    archive = legacy_zip(
        legacy_export(extra_files=extra),
        {".pdf": RECEIPT, ".JPG": PHOTO},
        stray=tuple(STRAY_ENTRIES),
    )
    assert "manifest.json" not in zipfile.ZipFile(archive).namelist()

    report = import_zip(archive).as_dict()

    assert report.keys() >= ZIP_REPORT_KEYS
    assert report["data_imported"] is True
    assert report["purchases_added"] == 4 and report["purchases_skipped_future_date"] == 1
    assert report["files_added"] == 6
    assert report["files_extracted"] == 3  # receipt and photo written, the card already there
    assert report["files_missing"] == 2  # the two records of the manual
    assert Purchase.objects.count() == 1 + report["purchases_added"]
    assert Warranty.objects.count() == report["warranties_added"]
    assert Attachment.objects.count() == 1 + report["files_added"]
    assert Retailer.objects.count() == 1 + report["retailers_added"]
    assert Brand.objects.count() == 1 + report["brands_added"]
    for record_id in SKIPPED_WITH_ERROR:
        assert mentioning(report["errors"], record_id), record_id
    assert len(report["errors"]) == len(SKIPPED_WITH_ERROR)

    # The archived blobs are in the store, byte for byte, under their legacy names.
    for content, extension in [(RECEIPT, ".pdf"), (PHOTO, ".JPG")]:
        blob = Blob.objects.get(sha256=sha256(content))
        assert blob.name == blob_path(content, extension)
        assert blob.missing is False
        with default_storage.open(blob.name) as stored:
            assert stored.read() == content
    assert Blob.objects.get(sha256=sha256(RECEIPT)).reference_count == 2
    # The card was stored already: shared, not written again.
    known = Blob.objects.get(sha256=sha256(KNOWN))
    assert (known.reference_count, known.missing) == (2, False)
    # The manual's content is nowhere: the record is kept and its blob marked missing.
    lost = Blob.objects.get(sha256=sha256(LOST))
    assert lost.missing is True and lost.reference_count == 2
    assert set(lost.attachments.values_list("purchase_id", flat=True)) == {
        uuid.UUID(P_LAPTOP),
        uuid.UUID(P_MUG_HEX),
    }
    assert mentioning(report["warnings"], sha256(LOST))
    assert stored_files() == sorted(
        [blob_path(RECEIPT, ".pdf"), blob_path(PHOTO, ".JPG"), blob_path(KNOWN, ".png")]
    )


def test_stray_files_in_a_legacy_archive_are_ignored_with_a_warning():
    archive = legacy_zip(legacy_export(), {".pdf": RECEIPT}, stray=tuple(STRAY_ENTRIES))

    report = import_zip(archive).as_dict()

    assert report["data_imported"] is True and report["purchases_added"] == 4
    for name in STRAY_ENTRIES:
        assert mentioning(report["warnings"], name), name
    assert stored_files() == [blob_path(RECEIPT, ".pdf")]
    # The photo's record is kept although the archive lacks its content.
    assert report["files_missing"] == 1
    assert Blob.objects.get(sha256=sha256(PHOTO)).missing is True
    assert Blob.objects.get(sha256=sha256(RECEIPT)).missing is False


def test_a_blob_used_only_by_skipped_records_is_not_written_to_the_store():
    """The future purchase's file and the orphan file share LOST: neither is imported."""
    archive = legacy_zip(legacy_export(), {".pdf": RECEIPT, ".JPG": PHOTO, ".PDF": LOST})

    report = import_zip(archive).as_dict()

    assert report["files_added"] == 3 and report["files_missing"] == 0
    assert report["files_extracted"] == 2
    assert not Blob.objects.filter(sha256=sha256(LOST)).exists()
    assert stored_files() == sorted([blob_path(RECEIPT, ".pdf"), blob_path(PHOTO, ".JPG")])


def test_a_legacy_export_larger_than_a_write_batch_imports_completely():
    """2,500 purchases, each with a warranty and a receipt: every reference survives batching."""
    count = 2500
    ids = [uuid.UUID(int=n + 1) for n in range(count)]
    data = {
        "retailers": [{"id": R_KITCHEN, "name": "Kitchen Outlet", "url": "", "created_at": None}],
        "purchases": [
            legacy_purchase(
                id=uid.hex, product_name=f"Item {n}", price=f"{n + 1}.5", retailer_id=R_KITCHEN
            )
            for n, uid in enumerate(ids)
        ],
        "warranties": [
            legacy_warranty(id=None, purchase_id=str(uid), status="WarrantyStatus.ACTIVE")
            for uid in reversed(ids)
        ],
        "files": [
            legacy_file(RECEIPT, ".pdf", id=None, purchase_id=uid.hex, file_type="FileType.RECEIPT")
            for uid in ids
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == []
    assert report["purchases_added"] == Purchase.objects.count() == count
    assert report["warranties_added"] == Warranty.objects.count() == count
    assert report["files_added"] == Attachment.objects.count() == count
    assert set(Purchase.objects.values_list("id", flat=True)) == set(ids)
    assert Purchase.objects.filter(retailer_id=R_KITCHEN).count() == count
    assert Purchase.objects.filter(warranties__isnull=True).count() == 0
    assert Purchase.objects.filter(attachments__isnull=True).count() == 0
    assert Blob.objects.get().reference_count == count
    assert Purchase.objects.get(id=ids[-1]).price == Decimal("2500.50")


def test_naive_legacy_datetimes_are_utc_whatever_the_time_zone_setting(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    data = {
        "purchases": [
            legacy_purchase(
                id=P_LAPTOP,
                product_name="Laptop",
                price="1",
                purchase_date="2025-02-03",
                created_at="2025-02-03 18:40:12.118302",
            )
        ]
    }

    import_json(json_file(data))

    laptop = Purchase.objects.get()
    assert laptop.created_at == datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, tzinfo=UTC)
    assert laptop.purchase_date == datetime.date(2025, 2, 3)
