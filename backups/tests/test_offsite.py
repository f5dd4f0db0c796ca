"""Offsite backups (backup_location "offsite") in an S3-compatible bucket: moto's server, started
by this module, behind the `backups_offsite` storage configured only through STORAGES.

Backups are written to the bucket (nothing stays in the local backups folder), listed, verified,
downloaded, pruned, restored (records and attachment files) and refused when the object was
altered, through the API and the commands alike.
"""

import datetime
import hashlib
import io
import json
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from backups import services
from backups.models import BackupConfig, BackupKind, BackupRecord, BackupStatus, Job
from backups.tests.factories import attach, kettle_with_warranty
from interchange.archive import export_zip
from purchases.blobs import stored_blob_names
from purchases.models import Attachment, Blob, Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty

pytestmark = pytest.mark.django_db

PREFIX = "household/nightly"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


# -- The object store ------------------------------------------------------------------------------


class Bucket:
    """The offsite bucket as seen from outside the application (boto3 directly).

    It holds the backup archives under the prefix, and, if the application keeps attachment
    files in the location once for all its backups (incremental backups), the files the archives'
    manifests name (`store`) — nothing else.
    """

    def __init__(self, client, name: str):
        self.client = client
        self.name = name

    def key(self, record: BackupRecord) -> str:
        return f"{PREFIX}/{record.filename}"

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def size(self, key: str) -> int:
        return self.client.head_object(Bucket=self.name, Key=key)["ContentLength"]

    def write(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=content)

    def contents(self) -> dict[str, bytes]:
        return {key: self.read(key) for key in self.keys()}

    def shared_files(self, records) -> set[str]:
        """The keys of the files kept outside RECORDS' archives, as their manifests name them."""
        names = set()
        for record in records:
            with zipfile.ZipFile(io.BytesIO(self.read(self.key(record)))) as archive:
                manifest = json.loads(archive.read("manifest.json"))
            names.update(
                f"{PREFIX}/{entry['store']}" for entry in manifest["blobs"] if "store" in entry
            )
        return names

    def assert_holds(self, records) -> None:
        """The bucket holds RECORDS' archives and the files they need, and nothing else."""
        records = list(records)
        expected = {self.key(record) for record in records} | self.shared_files(records)
        assert self.keys() == expected


def offsite_storage(endpoint: str, bucket: str) -> dict:
    """The `backups_offsite` entry settings.py builds from SPENDS_BACKUP_S3_*."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": PREFIX,
            "endpoint_url": endpoint,
            "file_overwrite": False,
            "default_acl": None,
            **CREDENTIALS,
        },
    }


def without_offsite(settings) -> None:
    settings.STORAGES = {
        name: value for name, value in settings.STORAGES.items() if name != "backups_offsite"
    }


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, configured as the offsite backup storage; not yet the schedule's choice."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )
    name = f"spends-backups-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "backups_offsite": offsite_storage(s3_endpoint, name),
    }
    yield Bucket(client, name)
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def offsite(bucket):
    """The offsite bucket, chosen as the backup location of the schedule."""
    BackupConfig.objects.update_or_create(pk=1, defaults={"location": "offsite"})
    return bucket


# -- Data and helpers ------------------------------------------------------------------------------

RECEIPT = b"%PDF-1.4 the kettle's receipt"
MANUAL = b"%PDF-1.4 the kettle's manual, 40 pages"
PHOTO = b"\x89PNG\r\n\x1a\n the lamp"


@pytest.fixture
def household():
    """Two purchases, a warranty, three attachments (one content shared by both purchases)."""
    kettle = kettle_with_warranty()
    lamp = PurchaseFactory(product_name="Lamp", price=Decimal("120.00"))
    attach(kettle, "receipt.pdf", RECEIPT)
    attach(kettle, "manual.pdf", MANUAL, "manual")
    attach(lamp, "lamp.png", PHOTO, "photo")
    attach(lamp, "same-receipt.pdf", RECEIPT)
    return kettle, lamp


def snapshot() -> dict:
    """What a restore must bring back: the rows (by content, not id) and the stored files."""
    return {
        "purchases": sorted(
            Purchase.objects.values_list("product_name", "price", "retailer__name", "brand__name")
        ),
        "warranties": sorted(
            Warranty.objects.values_list("purchase__product_name", "warranty_end")
        ),
        "attachments": sorted(
            Attachment.objects.values_list(
                "purchase__product_name", "filename", "file_type", "mime_type", "blob__sha256"
            )
        ),
        "blobs": sorted(Blob.objects.values_list("sha256", "size", "reference_count", "missing")),
        "files": {name: default_storage.open(name).read() for name in stored_blob_names()},
    }


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def api_run(api_client, capture, method: str, path: str, **kwargs):
    """Call the API and run the job it starts, as the worker does once the request commits."""
    with capture(execute=True):
        return getattr(api_client, method)(path, **kwargs)


def api_backup(api_client, capture) -> BackupRecord:
    response = api_run(api_client, capture, "post", "/api/backup/create")
    assert response.status_code == 202, response.content
    job = api_client.get(response.json()["url"]).json()
    assert job["status"] == "completed", job["error"]
    return BackupRecord.objects.get(pk=job["result"]["id"])


def offsite_backup(**kwargs) -> BackupRecord:
    return services.backup_create(services.backup_record_new(location="offsite", **kwargs))


def backdate(record: BackupRecord, days: int) -> None:
    BackupRecord.objects.filter(pk=record.pk).update(
        created_at=record.created_at - datetime.timedelta(days=days)
    )


def assert_nothing_local(settings) -> None:
    """The local backups folder holds nothing but, at most, the empty scratch folder."""
    root = Path(settings.SPENDS_BACKUPS_DIR)
    leftovers = [
        str(path.relative_to(root)) for path in root.rglob("*") if path != root / ".partial"
    ]
    assert leftovers == []


# -- Writing, listing, verifying, downloading ------------------------------------------------------


def test_a_backup_is_written_to_the_bucket_and_nowhere_else(
    api_client, household, offsite, settings, django_capture_on_commit_callbacks
):
    record = api_backup(api_client, django_capture_on_commit_callbacks)

    assert record.location == "offsite" and record.kind == BackupKind.MANUAL
    assert record.status == BackupStatus.COMPLETED and record.error is None
    assert record.record_counts["purchases"] == 2 and record.file_count == 3
    key = offsite.key(record)
    offsite.assert_holds([record])
    content = offsite.read(key)
    assert offsite.size(key) == record.size_bytes == len(content)
    assert hashlib.sha256(content).hexdigest() == record.sha256
    assert content[:4] == b"PK\x03\x04"
    assert_nothing_local(settings)

    listing = api_client.get("/api/backup/list").json()
    assert [(item["id"], item["location"]) for item in listing["items"]] == [(record.id, "offsite")]
    status = api_client.get("/api/backup/status").json()
    assert status["last_backup"]["id"] == record.id
    assert status["total_size_bytes"] == record.size_bytes

    verified = api_client.post(f"/api/backup/{record.id}/verify")
    assert verified.status_code == 200, verified.content
    assert verified.json()["valid"] is True
    assert verified.json()["record_counts"]["purchases"] == 2
    assert verified.json()["file_count"] == 3

    download = api_client.get(f"/api/backup/{record.id}/download")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert record.filename in download["Content-Disposition"]
    downloaded = b"".join(download.streaming_content)  # closes the response at the end
    assert int(download["Content-Length"]) == len(downloaded)
    assert_nothing_local(settings)  # the downloaded copies are gone
    if not offsite.shared_files([record]):
        assert downloaded == content  # the stored archive, as it is
    # Whatever the location keeps, the download is the whole backup, standalone and sound.
    with (
        zipfile.ZipFile(io.BytesIO(downloaded)) as whole,
        zipfile.ZipFile(io.BytesIO(content)) as kept,
    ):
        assert whole.read("data.json") == kept.read("data.json")
        files = {name: whole.read(name) for name in whole.namelist() if name.startswith("uploads/")}
    assert files == {f"uploads/{name}": data for name, data in snapshot()["files"].items()}
    checked = services.archive_verify(io.BytesIO(downloaded))
    assert checked["file_count"] == 3
    assert checked["record_counts"] == verified.json()["record_counts"]


def test_the_commands_write_list_and_verify_offsite(bucket, household, settings):
    assert BackupConfig.current().location == "local"  # --location overrides the schedule

    output = run("backups_create", "--location", "offsite", "--note", "to the bucket")

    record = BackupRecord.objects.get()
    assert f"Backup {record.id} written" in output
    assert (record.location, record.note) == ("offsite", "to the bucket")
    bucket.assert_holds([record])
    assert hashlib.sha256(bucket.read(bucket.key(record))).hexdigest() == record.sha256
    assert_nothing_local(settings)

    line = next(line for line in run("backups_list").splitlines() if record.id in line)
    assert "completed" in line and "offsite" in line and "(to the bucket)" in line
    assert "is sound" in run("backups_verify", record.id)
    assert_nothing_local(settings)


def test_delete_and_prune_remove_the_oldest_objects(
    api_client, household, offsite, settings, django_capture_on_commit_callbacks
):
    records = [offsite_backup(note=f"backup {n}") for n in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        household[1].delete()  # the lamp's photo is only in the two oldest backups
    records += [offsite_backup(note=f"backup {n}") for n in range(2, 5)]
    for age, record in enumerate(reversed(records)):
        backdate(record, days=age)  # records[0] is the oldest
    offsite.assert_holds(records)

    assert api_client.delete(f"/api/backup/{records[2].id}").status_code == 204
    offsite.assert_holds(record for record in records if record != records[2])

    output = run("backups_prune", "--keep", "2")

    assert f"Deleted 2 backup(s): {records[1].id}, {records[0].id}" in output
    kept = records[3:]
    assert set(BackupRecord.objects.values_list("id", flat=True)) == {r.id for r in kept}
    offsite.assert_holds(kept)
    for record in kept:
        assert api_client.post(f"/api/backup/{record.id}/verify").status_code == 200
    assert_nothing_local(settings)


# -- Restoring ---------------------------------------------------------------------------------


def restore_through_api(api_client, capture, record: BackupRecord) -> dict:
    response = api_run(
        api_client,
        capture,
        "post",
        "/api/backup/restore",
        data={"backup_id": record.id},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    job = api_client.get(response.json()["url"]).json()
    assert job["status"] == "completed", job["error"]
    return job["result"]


def restore_through_command(api_client, capture, record: BackupRecord) -> dict:
    with capture(execute=True):
        output = run("backups_restore", record.id, "--no-input")
    assert output.startswith("Restored ")
    return Job.objects.get(kind="restore").result


@pytest.mark.parametrize("restore", [restore_through_api, restore_through_command])
def test_restore_brings_back_records_and_files(
    restore, api_client, household, offsite, settings, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    before = snapshot()
    assert len(before["files"]) == 3
    record = api_backup(api_client, capture)
    with capture(execute=True):
        services.data_reset_all()
    later = PurchaseFactory(product_name="Bought after the backup")
    attach(later, "new.pdf", b"%PDF-1.4 not in the backup")
    later_blob_name = Blob.objects.get().name
    assert snapshot()["files"].keys() == {later_blob_name}

    report = restore(api_client, capture, record)

    after = snapshot()
    # The file added after the backup stays in the uploads folder (it may be its only copy),
    # reported by the restore; everything else is as it was.
    leftover = after["files"].pop(later_blob_name)
    assert leftover == b"%PDF-1.4 not in the backup"
    assert after == before
    assert any("belong to no attachment" in warning for warning in report["warnings"])
    assert report["mode"] == "replace" and report["files_missing"] == 0
    assert not Blob.objects.filter(missing=True).exists()
    point = BackupRecord.objects.get(pk=report["restore_point_id"])
    assert (point.kind, point.status, point.location) == ("restore_point", "completed", "offsite")
    assert point.record_counts["purchases"] == 1  # what was there just before
    offsite.assert_holds([record, point])
    assert hashlib.sha256(offsite.read(offsite.key(point))).hexdigest() == point.sha256
    assert_nothing_local(settings)


# -- An altered object -------------------------------------------------------------------------


@pytest.fixture
def tampered(offsite, household):
    """An offsite backup whose object was replaced by another, well-formed, archive."""
    record = offsite_backup()
    other = PurchaseFactory(product_name="Planted")
    planted = io.BytesIO()
    export_zip(planted)
    other.delete()
    content = planted.getvalue()
    assert hashlib.sha256(content).hexdigest() != record.sha256
    offsite.write(offsite.key(record), content)
    return record, content


def assert_nothing_changed(offsite, record, before: dict, stored: dict, settings) -> None:
    """The data, the records and the bucket are as they were before the refused operation."""
    assert snapshot() == before
    assert list(BackupRecord.objects.values_list("id", "status", "sha256")) == [
        (record.id, "completed", record.sha256)
    ]
    assert offsite.contents() == stored  # no restore point, nothing deleted or rewritten
    assert_nothing_local(settings)


def test_an_altered_object_is_refused_by_verify(api_client, tampered, offsite, settings):
    record, content = tampered
    before, stored = snapshot(), offsite.contents()
    assert stored[offsite.key(record)] == content

    response = api_client.post(f"/api/backup/{record.id}/verify")
    assert response.status_code == 400
    assert "checksum" in response.json()["detail"]

    with pytest.raises(CommandError) as error:
        run("backups_verify", record.id)
    message = str(error.value)
    assert record.id in message and "checksum" in message and "\n" not in message

    assert_nothing_changed(offsite, record, before, stored, settings)


def test_an_altered_object_is_refused_by_restore(
    api_client, tampered, offsite, settings, django_capture_on_commit_callbacks
):
    record, content = tampered
    before, stored = snapshot(), offsite.contents()
    assert stored[offsite.key(record)] == content

    response = api_run(
        api_client,
        django_capture_on_commit_callbacks,
        "post",
        "/api/backup/restore",
        data={"backup_id": record.id},
        content_type="application/json",
    )
    if response.status_code == 202:  # checked by the job
        job = api_client.get(response.json()["url"]).json()
        assert job["status"] == "failed" and "checksum" in job["error"]
    else:  # or checked before the job starts
        assert response.status_code == 400 and "checksum" in response.json()["detail"]
    assert_nothing_changed(offsite, record, before, stored, settings)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError) as error:
        run("backups_restore", record.id, "--no-input")
    message = str(error.value)
    assert record.id in message and "checksum" in message and "\n" not in message
    assert_nothing_changed(offsite, record, before, stored, settings)


def test_an_altered_shared_file_is_refused(api_client, offsite, household, settings):
    record = offsite_backup()
    shared = sorted(offsite.shared_files([record]))
    if not shared:
        pytest.skip("this location keeps every attachment file inside its archives")
    offsite.write(shared[0], b"%PDF-1.4 something else")
    before, stored = snapshot(), offsite.contents()

    response = api_client.post(f"/api/backup/{record.id}/verify")
    assert response.status_code == 400
    assert "does not match" in response.json()["detail"]
    with pytest.raises(CommandError) as error:
        run("backups_restore", record.id, "--no-input")
    assert record.id in str(error.value) and "does not match" in str(error.value)
    assert_nothing_changed(offsite, record, before, stored, settings)


def test_a_missing_object_is_reported_not_served(api_client, offsite, household, settings):
    record = offsite_backup()
    offsite.client.delete_object(Bucket=offsite.name, Key=offsite.key(record))

    download = api_client.get(f"/api/backup/{record.id}/download")
    assert download.status_code == 404
    assert "missing from the backup location" in download.json()["detail"]
    verified = api_client.post(f"/api/backup/{record.id}/verify")
    assert verified.status_code == 400
    assert "missing from the backup location" in verified.json()["detail"]
    with pytest.raises(CommandError, match="missing from the backup location"):
        run("backups_restore", record.id, "--no-input")
    assert Purchase.objects.count() == 2
    assert list(BackupRecord.objects.values_list("id", flat=True)) == [record.id]
    assert_nothing_local(settings)


# -- Configuration and the schedule ----------------------------------------------------------------


def test_offsite_location_needs_offsite_storage(api_client, bucket, settings):
    def put(**data):
        return api_client.put("/api/backup/config", data=data, content_type="application/json")

    configured = settings.STORAGES["backups_offsite"]
    without_offsite(settings)
    assert api_client.get("/api/backup/config").json()["offsite_available"] is False
    refused = put(backup_location="offsite", backup_enabled=True)
    assert refused.status_code == 400
    assert "No offsite backup storage is configured" in refused.json()["detail"]
    config = BackupConfig.current()
    assert (config.location, config.enabled) == ("local", False)  # nothing half-applied

    settings.STORAGES = {**settings.STORAGES, "backups_offsite": configured}
    accepted = put(backup_location="offsite")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["backup_location"] == "offsite"
    assert accepted.json()["offsite_available"] is True
    assert BackupConfig.current().location == "offsite"

    without_offsite(settings)  # the bucket's configuration went away afterwards
    response = api_client.post("/api/backup/create")
    assert response.status_code == 400
    assert "No offsite backup storage is configured" in response.json()["detail"]
    assert not BackupRecord.objects.exists() and not Job.objects.exists()
    assert bucket.keys() == set()  # nothing was written


def test_the_scheduled_backup_goes_offsite_and_prunes_there(offsite, household, settings):
    BackupConfig.objects.filter(pk=1).update(enabled=True, frequency="daily", retention=2)
    older, old = offsite_backup(), offsite_backup()
    backdate(older, days=3)
    backdate(old, days=2)

    output = run("backups_scheduled")

    scheduled = BackupRecord.objects.get(kind=BackupKind.SCHEDULED)
    assert f"Backup {scheduled.id} written" in output and "1 old backup(s) deleted" in output
    assert (scheduled.location, scheduled.status) == ("offsite", "completed")
    assert scheduled.record_counts["purchases"] == 2 and scheduled.file_count == 3
    content = offsite.read(offsite.key(scheduled))
    assert hashlib.sha256(content).hexdigest() == scheduled.sha256
    assert len(content) == scheduled.size_bytes
    assert set(BackupRecord.objects.values_list("id", flat=True)) == {scheduled.id, old.id}
    offsite.assert_holds([scheduled, old])
    assert_nothing_local(settings)
    assert "Nothing to do" in run("backups_scheduled")
