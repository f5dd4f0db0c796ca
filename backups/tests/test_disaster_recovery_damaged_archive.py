"""Disaster recovery when the archive is damaged (d in docs/disaster-recovery.md): truncated, a
bit flipped, or its manifest or data edited, an archive given as a file or as a backup id is
refused by the check and by the restore, and nothing changes (disaster_data.py takes the data
as it was). Tested in this process, on the test database.
"""

import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from backups.models import BackupRecord, Job, JobStatus
from backups.tests.disaster_data import seed_household, snapshot
from interchange.archive import export_zip


def _member_data(raw: bytes, name: Callable[[str], bool]) -> tuple[int, int]:
    """Where the compressed content of the first entry NAME accepts starts, and its length."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        info = next(info for info in archive.infolist() if name(info.filename))
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26 :][:4])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def _flip_a_bit(raw: bytes, start: int = 0, length: int | None = None) -> bytes:
    position = start + (len(raw) if length is None else length) // 2
    return raw[:position] + bytes([raw[position] ^ 0x08]) + raw[position + 1 :]


def _holds(raw: bytes, name: Callable[[str], bool]) -> bool:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return any(name(entry) for entry in archive.namelist())


def _repacked(raw: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The archive written again, each entry's content passed through CHANGE(name, content)."""
    target = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            copy.writestr(info, change(info.filename, source.read(info)))
    return target.getvalue()


def _manifest_counts_one_purchase_more(name: str, content: bytes) -> bytes:
    if name != "manifest.json":
        return content
    manifest = json.loads(content)
    manifest["record_counts"]["purchases"] += 1
    return json.dumps(manifest).encode()


def _data_json_with_a_lower_price(name: str, content: bytes) -> bytes:
    if name != "data.json":
        return content
    assert b'"1299.95"' in content
    return content.replace(b'"1299.95"', b'"12.99"')


def _is_photo(name: str) -> bool:
    return name.endswith(".jpg")


def truncate(archive: Path) -> None:
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) * 2 // 3])


def flip_a_bit_in_a_stored_file(archive: Path) -> None:
    """Damage the photo's content where the backup keeps it: in the archive, or beside it (a
    backup folder that keeps each file once for all its backups)."""
    raw = archive.read_bytes()
    if _holds(raw, _is_photo):
        archive.write_bytes(_flip_a_bit(raw, *_member_data(raw, _is_photo)))
        return
    [kept] = [path for path in archive.parent.rglob("*.jpg") if ".partial" not in path.parts]
    kept.write_bytes(_flip_a_bit(kept.read_bytes()))


def flip_a_bit_in_data_json(archive: Path) -> None:
    raw = archive.read_bytes()
    archive.write_bytes(_flip_a_bit(raw, *_member_data(raw, lambda name: name == "data.json")))


def edit_the_manifest(archive: Path) -> None:
    archive.write_bytes(_repacked(archive.read_bytes(), _manifest_counts_one_purchase_more))


def edit_data_json(archive: Path) -> None:
    archive.write_bytes(_repacked(archive.read_bytes(), _data_json_with_a_lower_price))


# What happens to the archive, and what a check of the archive alone says about it.
DAMAGE = {
    "truncated": (truncate, "not a ZIP archive"),
    # The message names the member only when its checksum (CRC) is what fails.
    "a bit flipped in a stored file": (flip_a_bit_in_a_stored_file, "The archive is damaged: "),
    "a bit flipped in data.json": (flip_a_bit_in_data_json, "The archive is damaged: "),
    "manifest.json edited": (
        edit_the_manifest,
        "manifest.json counts 3 purchases but data.json holds 2",
    ),
    "data.json edited": (edit_data_json, "data.json does not match the checksum in manifest.json"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("given_as", ["a file", "a backup id"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_archive_is_refused_and_nothing_changes(damage, given_as, tmp_path):
    seed_household()
    call_command("backups_create", stdout=io.StringIO())
    backup = BackupRecord.objects.get()
    spoil, message = DAMAGE[damage]
    if given_as == "a file":  # an exported or downloaded archive, e.g. the offsite copy
        archive = tmp_path / "copy.zip"
        with archive.open("wb") as stream:
            export_zip(stream)
        argument = str(archive)
    else:  # the stored backup, found by its record: it no longer matches what was recorded
        archive = settings.SPENDS_BACKUPS_DIR / backup.filename
        argument, message = backup.id, "damaged|altered"
    spoil(archive)
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        call_command("backups_verify", argument, stdout=io.StringIO())
    with pytest.raises(CommandError, match=message):
        call_command("backups_restore", argument, "--no-input", stdout=io.StringIO())

    assert snapshot() == before
    assert list(BackupRecord.objects.values_list("id", flat=True)) == [backup.id], (
        "no restore point is taken for an archive that is refused"
    )
    assert list(Job.objects.values_list("kind", "status", "active")) == [
        ("restore", JobStatus.FAILED, None),
        ("backup", JobStatus.COMPLETED, None),
    ]
