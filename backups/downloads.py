"""Downloads of a backup: the archive made whole, the same bytes every time (docs/api.md §5.11).

An incremental backup keeps its attachment files beside the archive, in its location's shared
folder; a download puts them back inside, so the file restores anywhere.
"""

import json
import shutil
import tempfile
import zipfile

from backups.locations import (
    COPY_CHUNK,
    backup_open,
    location_storage,
    scratch_dir,
    sha256_of_stream,
)
from backups.models import BackupRecord

# Members of a downloaded archive carry this time and are stored uncompressed, so that the same
# backup always downloads as the same bytes, whose checksum the backup list shows.
DOWNLOAD_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)


def _download_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=DOWNLOAD_MEMBER_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3  # Unix, whatever the platform
    info.external_attr = 0o644 << 16
    return info


def _standalone_write(stream, store, target) -> None:
    """Write to TARGET (a seekable binary file) the archive of STREAM made whole.

    The attachment files an incremental backup keeps in STORE are put back inside, with a
    manifest of its own: a standalone archive of docs/api.md §6.3 that restores anywhere.
    Deterministic: the same backup gives the same bytes.
    """
    with (
        zipfile.ZipFile(stream) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as whole,
    ):
        manifest = json.loads(source.read("manifest.json"))
        with (
            source.open("data.json") as data,
            whole.open(_download_member("data.json"), "w", force_zip64=True) as member,
        ):
            shutil.copyfileobj(data, member, COPY_CHUNK)
        for entry in manifest["blobs"]:
            kept = entry.pop("store", None)
            with (
                store.open(kept, "rb") if kept else source.open(entry["path"]) as blob,
                whole.open(_download_member(entry["path"]), "w", force_zip64=True) as member,
            ):
                shutil.copyfileobj(blob, member, COPY_CHUNK)
        whole.writestr(_download_member("manifest.json"), json.dumps(manifest, indent=2))


def standalone_sha256(stream, store) -> str:
    with tempfile.TemporaryFile(dir=scratch_dir()) as whole:
        _standalone_write(stream, store, whole)
        whole.seek(0)
        return sha256_of_stream(whole)


def backup_download(record: BackupRecord):
    """RECORD's archive made whole (`_standalone_write`), as a temporary file deleted on close.

    A backup made before downloads were recorded gets its download checksum now.
    """
    whole = tempfile.TemporaryFile(dir=scratch_dir())  # noqa: SIM115 - the response closes it
    with backup_open(record) as stream:
        _standalone_write(stream, location_storage(record.location), whole)
    if not record.download_sha256:
        whole.seek(0)
        record.download_sha256 = sha256_of_stream(whole)
        BackupRecord.objects.filter(pk=record.pk).update(download_sha256=record.download_sha256)
    whole.seek(0)
    return whole
