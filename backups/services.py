"""Backups, restores and resets (docs/api.md §5.8, §5.11, §9.13 to §9.15).

A backup is the ZIP archive of the exports (docs/api.md §6.3: data.json, uploads/…,
manifest.json), written from one consistent snapshot to a temporary file, verified, and only then
moved to its name in the backup location (a local folder, or an offsite bucket through
django-storages). A restore checks the whole archive first, takes a restore point (a backup of the
current state), and then replaces everything in one transaction
(`backups.restores.restore_archive`, through the interchange importer).
"""

import contextlib
import datetime
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.services import audit_record
from backups.downloads import standalone_sha256
from backups.locations import (
    BackupError,
    backup_open,
    location_storage,
    scratch_dir,
    sha256_of,
    sha256_of_stream,
    sibling_blob_store,
)
from backups.models import (
    BackupConfig,
    BackupKind,
    BackupRecord,
    BackupStatus,
    Frequency,
    Job,
    Location,
)
from backups.progress import job_progress
from backups.restores import restore_archive
from catalog.models import Brand, Retailer
from currencies.models import ExchangeRate
from interchange.archive import Archive, export_zip
from interchange.documents import ImportRejected
from interchange.formats import iso_datetime
from kernel import clock
from kernel.versioning import data_changed
from preferences.models import Preference
from purchases.models import Attachment, Purchase
from purchases.rollups import rollups_brought_in_step
from purchases.services import attachments_delete, blob_store_check
from warranties.models import Claim, Warranty

BACKUP_STAGES = ["Retailers", "Brands", "Purchases", "Warranties", "Files", "Stored files"]
# Checking the archive, taking the restore point (a backup, checked too), importing.
RESTORE_STAGES = [
    "Checking files",
    *BACKUP_STAGES,
    "Checking files",
    *["Retailers", "Brands", "Purchases", "Warranties", "Files", "Storing files"],
]


# -- Backup ----------------------------------------------------------------------------------------


def backup_record_new(
    kind: str = BackupKind.MANUAL, *, location: str | None = None, note: str = ""
) -> BackupRecord:
    """Create the pending record of a backup, named after the current UTC time."""
    location = location or BackupConfig.current().location
    location_storage(location)  # refuse an unconfigured location before anything runs
    now = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    stamp, suffix = now.strftime("%Y%m%dT%H%M%SZ"), ""
    while BackupRecord.objects.filter(pk=stamp + suffix).exists():
        suffix = f"-{int(suffix[1:] or 1) + 1}"
    return BackupRecord.objects.create(
        id=stamp + suffix,
        filename=f"backup_{now:%Y-%m-%dT%H-%M-%S}Z{suffix}.zip",
        kind=kind,
        location=location,
        note=note[:200],
        created_at=now,
    )


def backup_create(record: BackupRecord, *, progress=None) -> BackupRecord:
    """Write, verify and store the archive of RECORD; mark the record completed or failed."""
    BackupRecord.objects.filter(pk=record.pk).update(status=BackupStatus.RUNNING)
    handle, partial = tempfile.mkstemp(dir=scratch_dir(), suffix=".zip")
    partial = Path(partial)
    try:
        # Attachment files go to the location's shared folder, once per content (incremental).
        store = location_storage(record.location)
        with os.fdopen(handle, "w+b") as stream:
            manifest = export_zip(stream, progress=progress, blob_store=store)
        with (
            open(partial, "rb") as stream,
            Archive(stream, progress=progress, blob_store=store, read_data=False),
        ):
            pass  # every member and every file is read back and checked against the manifest
        record.sha256 = sha256_of(partial)
        record.size_bytes = partial.stat().st_size
        with open(partial, "rb") as stream:
            record.download_sha256 = standalone_sha256(stream, store)
        _store_archive(partial, record)
    except Exception as error:
        partial.unlink(missing_ok=True)
        BackupRecord.objects.filter(pk=record.pk).update(
            status=BackupStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    record.status = BackupStatus.COMPLETED
    record.file_count = len(manifest["blobs"])
    record.record_counts = manifest["record_counts"]
    record.finished_at = timezone.now()
    record.error = None
    record.save()
    return record


def _store_archive(partial: Path, record: BackupRecord) -> None:
    """Move the verified archive to its name: a rename in a local folder, an upload offsite."""
    storage = location_storage(record.location)
    try:
        target = Path(storage.path(record.filename))
    except NotImplementedError:  # a bucket: the object appears whole when the upload completes
        with open(partial, "rb") as stream:
            saved = storage.save(record.filename, File(stream, name=record.filename))
        partial.unlink()
        if saved != record.filename:
            storage.delete(saved)
            raise BackupError(f"{record.filename} already exists in the backup location.") from None
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, target)


def backup_job(job: Job, progress=None) -> dict:
    record = backup_create(job.backup, progress=job_progress(job, BACKUP_STAGES, progress))
    return backup_info(record)


def backup_info(record: BackupRecord) -> dict:
    """The backup object of docs/api.md §4.7, in JSON types (it is also stored as a result)."""
    return {
        "id": record.id,
        "filename": record.filename,
        "created_at": iso_datetime(record.created_at),
        "size_bytes": record.size_bytes,
        "file_count": record.file_count,
        "record_counts": record.record_counts,
        # What people compare is the file they download (backup_download).
        "sha256": record.download_sha256 or record.sha256,
        "status": record.status,
        "error": record.error,
        "kind": record.kind,
        "location": record.location,
        "note": record.note,
    }


# -- Reading, verifying, deleting ------------------------------------------------------------------


def archive_verify(
    stream, *, expected_sha256: str | None = None, blob_store=None, progress=None
) -> dict:
    """Check an archive without restoring it; raise ImportRejected with the first problem.

    Checks its structure and entry names, every blob against its name and the manifest, that
    data.json parses, and (for a stored backup) the archive's own checksum.
    """
    if expected_sha256:
        actual = sha256_of_stream(stream)
        stream.seek(0)
        if actual != expected_sha256:
            raise ImportRejected(
                gettext(
                    "The archive's checksum differs from the one recorded when it was made: "
                    "it is damaged or was altered."
                )
            )
    with Archive(stream, progress=progress, blob_store=blob_store) as archive:
        return {
            "valid": True,
            "format_version": archive.data.version,
            "has_manifest": archive.has_manifest,
            "record_counts": dict(archive.data.counts),
            "file_count": len(archive.blobs) + len(archive.external),
            "warnings": archive.warnings,
        }


class ConfirmationNeeded(BackupError):
    """Deleting this backup takes a second, explicit confirmation (`confirmed=True`)."""


def backup_protection(record: BackupRecord) -> str | None:
    """Why deleting RECORD needs a second confirmation, or None when it does not.

    The newest restore point and the last completed backup are what a household falls back on
    after a mistake; deleting either by a slip would leave nothing to go back to.
    """
    if record.status != BackupStatus.COMPLETED:
        return None
    completed = BackupRecord.objects.filter(status=BackupStatus.COMPLETED).order_by("-created_at")
    if completed.values_list("pk", flat=True).first() == record.pk:
        return gettext("This is the last completed backup")
    restore_points = completed.filter(kind=BackupKind.RESTORE_POINT)
    if restore_points.values_list("pk", flat=True).first() == record.pk:
        return gettext("This is the newest restore point")
    return None


@transaction.atomic
def backup_delete(
    record: BackupRecord, *, actor=None, retention: bool = False, confirmed: bool = False
) -> None:
    """Delete a backup's archive and its record; audited as ACTOR's (None: the command line or
    the scheduler; RETENTION: deleted because the retention keeps newer ones).

    The newest restore point and the last completed backup go only when CONFIRMED: otherwise
    ConfirmationNeeded says which one it is, and nothing is deleted.
    """
    if record.jobs.filter(active=True).exists():
        raise BackupError(
            gettext("The backup %(id)s is in use by a running job.") % {"id": record.id}
        )
    protection = backup_protection(record)
    if protection and not confirmed:
        raise ConfirmationNeeded(
            gettext("%(protection)s: deleting it needs a second confirmation.")
            % {"protection": protection}
        )
    backup_id = record.id
    audit_record(
        actor=actor,
        action="backup.delete",
        target=record.filename,
        backup_id=backup_id,
        status=record.status,
        **({"retention": True} if retention else {}),
    )
    if record.status == BackupStatus.COMPLETED:
        storage = location_storage(record.location)
        storage.delete(record.filename)
    record.delete()


def backups_prune(*, keep: int) -> list[str]:
    """Keep the newest KEEP completed backups; delete older ones (and older failed attempts).

    Returns the ids deleted.
    """
    completed = BackupRecord.objects.filter(status=BackupStatus.COMPLETED).order_by(
        "-created_at", "-id"
    )
    kept = list(completed[:keep])
    if not kept:
        return []
    oldest_kept = kept[-1].created_at
    doomed = list(completed[keep:]) + list(
        BackupRecord.objects.filter(status=BackupStatus.FAILED, created_at__lt=oldest_kept)
    )
    deleted = []
    for record in doomed:
        backup_id = record.id  # deleting a row clears its primary key
        try:
            backup_delete(record, retention=True)
        except BackupError:
            continue
        deleted.append(backup_id)
    if deleted:
        for location in Location.values:
            with contextlib.suppress(BackupError):
                shared_blobs_prune(location)
    return deleted


def shared_blobs_prune(location: str) -> int:
    """Delete the files of a location's shared folder that no backup there needs any more."""
    store = location_storage(location)
    needed = set()
    for record in BackupRecord.objects.filter(
        location=location, status__in=[BackupStatus.COMPLETED, BackupStatus.RUNNING]
    ):
        if record.status == BackupStatus.RUNNING:
            return 0  # a backup being written may need any of them: try again next time
        try:
            with backup_open(record) as stream, zipfile.ZipFile(stream) as archive:
                manifest = json.loads(archive.read("manifest.json"))
        except (BackupError, OSError, KeyError, ValueError, zipfile.BadZipFile):
            return 0  # cannot tell what a damaged backup needs: keep everything
        needed.update(entry["store"] for entry in manifest["blobs"] if "store" in entry)
    removed = 0
    for name in listed_files(store, "blobs/"):
        if name not in needed:
            store.delete(name)
            removed += 1
    return removed


def listed_files(store, folder: str) -> list[str]:
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names.extend(listed_files(store, f"{folder}{sub}/"))
    return names


# -- Restore ---------------------------------------------------------------------------------------


def backup_restore(
    stream, *, progress=None, blob_store=None, actor=None, source: str = "an archive"
) -> dict:
    """Replace all data with the archive in STREAM; return the restore report.

    Order: check the whole archive (nothing changes if it fails); take a restore point; replace
    the database content and put the archive's missing files in the store in one transaction;
    then check the store against the rows (missing files mark attachments unavailable; files no
    longer referenced are reported, not deleted: they may be the only copy of a file added after
    the backup). The restore of SOURCE (words) is audited as ACTOR's in its transaction.
    """
    with Archive(stream, progress=progress, blob_store=blob_store) as archive:
        point = backup_create(
            backup_record_new(
                BackupKind.RESTORE_POINT, note=gettext_noop("Taken before a restore")
            ),
            progress=progress,
        )
        report = restore_archive(
            archive,
            progress=progress,
            actor=actor,
            target=source,
            details={"restore_point_id": point.id},
        )
    check = blob_store_check()
    for name in check.missing:
        report.warn(f"{name}: this attachment file is in neither the archive nor the store")
    if check.orphans:  # kept: they may be the only copy of a file (from after the backup)
        report.warn(
            f"{len(check.orphans)} files in the uploads folder belong to no attachment now; "
            "`purchases_check_storage --delete-orphans` removes them"
        )
    result = report.as_dict()
    result.update(restore_point_id=point.id, mode="replace", files_missing=len(check.missing))
    return result


def restore_job(job: Job, progress=None) -> dict:
    """Restore what the job names: an uploaded archive (deleted afterwards), a file, a backup."""
    progress = job_progress(job, RESTORE_STAGES, progress)
    # Who started it (`backups.jobs.restore_start`): the worker runs it on their behalf.
    actor = None
    if job.params.get("actor_id") is not None:
        actor = get_user_model().objects.filter(pk=job.params["actor_id"]).first()
    upload = job.params.get("upload")
    if upload:
        try:
            with open(upload, "rb") as stream:
                return backup_restore(
                    stream,
                    progress=progress,
                    actor=actor,
                    source=job.params.get("upload_name") or "an uploaded archive",
                )
        finally:
            Path(upload).unlink(missing_ok=True)
    if job.params.get("path"):
        path = Path(job.params["path"])
        with open(path, "rb") as stream:
            return backup_restore(
                stream,
                progress=progress,
                blob_store=sibling_blob_store(path),
                actor=actor,
                source=path.name,
            )
    record = BackupRecord.objects.get(pk=job.params["backup_id"])
    return backup_restore_stored(record, progress=progress, actor=actor)


def backup_restore_stored(record: BackupRecord, *, progress=None, actor=None) -> dict:
    """Restore a stored backup, after checking the archive against its recorded checksum."""
    store = location_storage(record.location)
    with backup_open(record) as stream:
        archive_verify(stream, expected_sha256=record.sha256, blob_store=store)
        stream.seek(0)
        return backup_restore(
            stream, progress=progress, blob_store=store, actor=actor, source=record.filename
        )


def backup_verify_stored(record: BackupRecord, *, progress=None) -> dict:
    """Check a stored backup: its checksum, its members, the files it keeps in its location."""
    with backup_open(record) as stream:
        return archive_verify(
            stream,
            expected_sha256=record.sha256,
            blob_store=location_storage(record.location),
            progress=progress,
        )


# -- Schedule --------------------------------------------------------------------------------------

# The scheduler (every minute) or cron (every hour) starts backups_scheduled a second earlier or
# later each time. A backup is due this much before its time, so that one recorded a second
# later than the run that took the previous one is not put off to the next run (the schedule
# would drift by a run at a time); less than a minute, so a minute's run never takes it early.
SCHEDULE_SLACK = datetime.timedelta(seconds=50)


def backup_next_due(config: BackupConfig) -> datetime.datetime | None:
    """When the next scheduled backup is due (None: scheduled backups are off).

    Counted from the newest completed backup that was not a restore point; due at once when
    there is none.
    """
    if not config.enabled:
        return None
    last = (
        BackupRecord.objects.filter(status=BackupStatus.COMPLETED)
        .exclude(kind=BackupKind.RESTORE_POINT)
        .order_by("-created_at")
        .first()
    )
    if last is None:
        return timezone.now()
    if config.frequency == Frequency.MONTHLY:
        day = clock.add_months(last.created_at.date(), 1)
        return datetime.datetime.combine(day, last.created_at.timetz())
    days = 7 if config.frequency == Frequency.WEEKLY else 1
    return last.created_at + datetime.timedelta(days=days)


# -- Reset -----------------------------------------------------------------------------------------


@transaction.atomic
def data_reset_all(*, actor=None, restore_point_id: str | None = None) -> dict[str, int]:
    """Delete every purchase, warranty, retailer, brand, stored setting and manual exchange rate,
    all or nothing.

    Returns how many rows of each kind were deleted, and how many stored files
    (`uploads_deleted`, removed once the deletion has committed). User accounts, API tokens,
    stored backups and the audit trail are kept (docs/api.md §9.13); the reset is added to the trail
    as ACTOR's, with the counts and the restore point taken before it.
    """
    # Manual rates were entered by the household, like its settings; the bank's are the app's own.
    manual_rates = ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL)
    deleted = {
        "uploads_deleted": attachments_delete(attachments=Attachment.objects.all()),
        "claims": Claim.objects.all().delete()[0],
        "warranties": Warranty.objects.all().delete()[0],
        "purchases": Purchase.objects.all().delete_in_batches(),
        "retailers": Retailer.objects.all().delete()[0],
        "brands": Brand.objects.all().delete()[0],
        "settings": Preference.objects.all().delete()[0],
        "exchange_rates": manual_rates.delete()[0],
    }
    audit_record(
        actor=actor,
        action="data.reset",
        target="all data",
        deleted=deleted,
        restore_point_id=restore_point_id,
    )
    data_changed()  # before the rollups, which are rebuilt for the new version
    rollups_brought_in_step()
    return deleted


# -- Schedule settings -----------------------------------------------------------------------------


@transaction.atomic
def backup_config_update(changes: dict, *, actor=None) -> BackupConfig:
    """Change the backup schedule's fields named in CHANGES (frequency, retention, …).

    What actually changed is audited as ACTOR's (`backup.schedule`, old and new values);
    sending the same values again writes nothing. Raise BackupError for an offsite location
    that is not configured.
    """
    if changes.get("location") == Location.OFFSITE:
        location_storage(Location.OFFSITE)
    config = BackupConfig.current()
    changed = {}
    for field, value in changes.items():
        old = getattr(config, field)
        if old != value:
            changed[field] = {"from": old, "to": value}
        setattr(config, field, value)
    config.save()
    if changed:
        audit_record(actor=actor, action="backup.schedule", target="backup schedule", **changed)
    return config
