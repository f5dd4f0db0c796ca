"""Where backups live: the storage of each location, the scratch folder, reading an archive back.

A location is a local folder or an offsite bucket (docs/deployment.md); archives are written to
the scratch folder first and moved into place only once verified (docs/disaster-recovery.md).
"""

import contextlib
import hashlib
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext

from backups.models import BackupRecord, BackupStatus, Location

COPY_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup operation cannot be done; the message says why."""


def location_storage(location: str):
    """The storage of a backup location; BackupError if it is not configured."""
    if location == Location.OFFSITE:
        if "backups_offsite" not in settings.STORAGES:
            raise BackupError(
                gettext(
                    "No offsite backup storage is configured: set SPENDS_BACKUP_S3_BUCKET "
                    "(and the other SPENDS_BACKUP_S3_* variables)."
                )
            )
        return storages["backups_offsite"]
    return storages["backups"]


def scratch_dir() -> Path:
    """Where archives are written before they are verified and moved into place.

    Files older than a day are what a killed backup or restore left behind: removed here.
    """
    folder = Path(settings.SPENDS_BACKUPS_DIR) / ".partial"
    folder.mkdir(parents=True, exist_ok=True)
    day_ago = time.time() - 24 * 3600
    for leftover in folder.iterdir():
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < day_ago:
                leftover.unlink()
    return folder


def sha256_of_stream(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(COPY_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    with open(path, "rb") as stream:
        return sha256_of_stream(stream)


def backup_open(record: BackupRecord):
    """Open RECORD's archive for reading (a local file; an offsite one is downloaded first).

    Returns a binary file object; the caller closes it. A downloaded copy is deleted on close.
    """
    if record.status != BackupStatus.COMPLETED:
        raise BackupError(
            gettext("The backup %(id)s is %(status)s: it has no archive.")
            % {"id": record.id, "status": record.status}
        )
    storage = location_storage(record.location)
    if not storage.exists(record.filename):
        raise BackupError(
            gettext("The archive %(name)s is missing from the backup location.")
            % {"name": record.filename}
        )
    try:
        return open(storage.path(record.filename), "rb")  # the caller closes it
    except NotImplementedError:
        copy = tempfile.TemporaryFile(dir=scratch_dir())  # noqa: SIM115
        with storage.open(record.filename, "rb") as source:
            while chunk := source.read(COPY_CHUNK):
                copy.write(chunk)
        copy.seek(0)
        return copy


def sibling_blob_store(archive: Path):
    """The shared files of the backup folder ARCHIVE lies in (its `blobs/` next to it), if any.

    So an archive restores from its folder even when the database that listed it is lost, and
    from a copy of an offsite location's folder.
    """
    if (archive.parent / "blobs").is_dir():
        return FileSystemStorage(location=archive.parent)
    return None
