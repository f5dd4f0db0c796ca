"""Incremental backups: a location keeps each attachment file once, for all its backups."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import storages

from backups import downloads, services
from backups.models import BackupRecord
from backups.tests.factories import attach, backup_taken
from interchange.imports import ImportRejected, import_zip
from purchases.models import Attachment, Blob, Purchase
from purchases.services import purchases_delete
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def shared_files() -> dict[str, bytes]:
    store = storages["backups"]
    return {name: store.open(name).read() for name in services.listed_files(store, "blobs/")}


def test_a_second_backup_copies_only_new_files(settings):
    kettle = PurchaseFactory()
    attach(kettle, "one.pdf", b"%PDF receipt one")
    first = backup_taken()
    copied = shared_files()
    stamp = {name: (settings.SPENDS_BACKUPS_DIR / name).stat().st_mtime_ns for name in copied}

    attach(kettle, "two.pdf", b"%PDF receipt two")
    second = backup_taken()

    assert len(shared_files()) == 2
    for name, mtime in stamp.items():  # the first file was not written again
        assert (settings.SPENDS_BACKUPS_DIR / name).stat().st_mtime_ns == mtime
    for record in (first, second):  # each archive holds no file of its own, only names them
        archive = zipfile.ZipFile(settings.SPENDS_BACKUPS_DIR / record.filename)
        assert not [n for n in archive.namelist() if n.startswith("uploads/")]
        assert services.backup_verify_stored(record)["file_count"] == record.file_count


def test_a_stored_backup_restores_its_files_from_the_location(
    django_capture_on_commit_callbacks,
):
    kettle = PurchaseFactory()
    attach(kettle, "receipt.pdf", b"%PDF receipt")
    record = backup_taken()
    with django_capture_on_commit_callbacks(execute=True):
        services.data_reset_all()
    assert not Blob.objects.exists()

    services.backup_restore_stored(record)

    attachment = Attachment.objects.get()
    assert not attachment.blob.missing
    assert storages["default"].open(attachment.blob.name).read() == b"%PDF receipt"


def test_the_download_is_a_standalone_archive(django_capture_on_commit_callbacks):
    kettle = PurchaseFactory(product_name="Kettle")
    attach(kettle, "receipt.pdf", b"%PDF receipt")
    record = backup_taken()
    with downloads.backup_download(record) as whole:
        content = whole.read()
    with django_capture_on_commit_callbacks(execute=True):
        services.data_reset_all()

    report = import_zip(io.BytesIO(content))  # no backup location needed

    assert report.errors == [] and report.counts["files_extracted"] == 1
    assert Purchase.objects.get().product_name == "Kettle"
    assert not Attachment.objects.get().blob.missing


def test_a_damaged_shared_file_fails_verification_and_restore(settings):
    kettle = PurchaseFactory()
    attach(kettle, "receipt.pdf", b"%PDF receipt")
    record = backup_taken()
    (name,) = shared_files()
    (settings.SPENDS_BACKUPS_DIR / name).write_bytes(b"something else")

    with pytest.raises(ImportRejected, match="does not match its name"):
        services.backup_verify_stored(record)
    with pytest.raises(ImportRejected, match="does not match its name"):
        services.backup_restore_stored(record)
    assert Purchase.objects.count() == 1


def test_pruning_removes_files_no_kept_backup_needs(django_capture_on_commit_callbacks):
    first_purchase = PurchaseFactory()
    attach(first_purchase, "old.pdf", b"%PDF old receipt")
    backup_taken()
    with django_capture_on_commit_callbacks(execute=True):
        purchases_delete(purchases=Purchase.objects.all())
    attach(PurchaseFactory(), "new.pdf", b"%PDF new receipt")
    kept = backup_taken()
    assert len(shared_files()) == 2

    services.backups_prune(keep=1)

    assert list(shared_files().values()) == [b"%PDF new receipt"]
    assert services.backup_verify_stored(kept)["valid"]


def test_the_download_is_the_file_whose_checksum_the_list_shows(api_client):
    kettle = PurchaseFactory(product_name="Kettle")
    attach(kettle, "receipt.pdf", b"%PDF receipt")
    first = backup_taken()
    attach(PurchaseFactory(), "photo.png", b"\x89PNG photo")
    second = backup_taken()  # incremental: its receipt stays in the shared folder

    listed = {item["id"]: item for item in api_client.get("/api/backup/list").json()["items"]}
    for record in (first, second):
        response = api_client.get(f"/api/backup/{record.id}/download")
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == listed[record.id]["sha256"]
        again = b"".join(api_client.get(f"/api/backup/{record.id}/download").streaming_content)
        assert again == content, "the same backup always downloads as the same bytes"
    # The stored archive keeps its own checksum for verify and restore.
    assert second.sha256 != second.download_sha256
    services.backup_verify_stored(second)


def test_a_backup_recorded_without_a_download_checksum_gets_it_at_its_first_download():
    attach(PurchaseFactory(), "receipt.pdf", b"%PDF receipt")
    record = backup_taken()
    expected = record.download_sha256
    BackupRecord.objects.filter(pk=record.pk).update(download_sha256="")
    record.refresh_from_db()
    assert services.backup_info(record)["sha256"] == record.sha256  # as before, until then

    with downloads.backup_download(record) as whole:
        assert hashlib.sha256(whole.read()).hexdigest() == expected
    record.refresh_from_db()
    assert record.download_sha256 == expected
    assert services.backup_info(record)["sha256"] == expected
