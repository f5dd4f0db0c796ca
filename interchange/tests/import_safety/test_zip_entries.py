"""Unsafe ZIP archives (docs/api.md §6.3, §6.5): an entry that would land outside the archive
(a parent path, an absolute path, a link), an encrypted or repeated entry, and bombs (archives
that unpack to far more than they weigh, or a data.json over the import limit) are refused and
change nothing.
"""

import io
import zipfile
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from interchange.imports import ImportRejected, import_zip
from interchange.tests.archives import sha256, upload_path
from interchange.tests.import_safety.helpers import (
    MANUAL,
    archive_entries,
    as_json,
    build_zip,
    good_archive,
    new_records,
    patch_central_directory,
    rejected,
    with_manifest,
)
from purchases.models import Blob

pytestmark = pytest.mark.django_db


# --- ZIP: entries that try to leave the archive ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../evil",
        "uploads/../../evil",
        "uploads/ab/../../../evil",
        "/etc/x",
        "/evil",
        "..\\evil",
        "uploads\\..\\..\\evil",
        "C:/evil",
        "C:\\evil",
    ],
)
def test_an_entry_leaving_the_archive_rejects_the_whole_archive(household, tmp_path, name):
    raw = build_zip([*with_manifest(archive_entries()), (name, b"pwned\n")])

    message = rejected(tmp_path, import_zip, raw)

    assert repr(name) in message
    assert "outside the archive" in message


@pytest.mark.parametrize("name", ["blob", "notes", "data.json"])
def test_a_symbolic_link_entry_rejects_the_whole_archive(household, tmp_path, name):
    """Even one whose name and content pass every other check (a blob named by its hash)."""
    target = b"../../../../../../etc/passwd"
    entry_name = upload_path(target, "") if name == "blob" else name
    entries = [(n, c) for n, c in archive_entries() if n != entry_name] + [(entry_name, target)]
    if name != "data.json":
        entries = with_manifest(entries)
    link = zipfile.ZipInfo(entry_name)
    link.external_attr = 0o120777 << 16
    entries = [(link if n == entry_name else n, c) for n, c in entries]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert "symbolic link" in message
    assert repr(entry_name) in message


def test_an_encrypted_entry_rejects_the_archive(household, tmp_path):
    raw = good_archive(MANUAL)
    raw = patch_central_directory(raw, upload_path(MANUAL), 8, "<H", 0x1)

    message = rejected(tmp_path, import_zip, raw)

    assert "encrypted" in message and repr(upload_path(MANUAL)) in message


def test_an_entry_present_twice_rejects_the_archive(household, tmp_path):
    entries = [*archive_entries(), (upload_path(MANUAL), MANUAL)]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert "twice" in message and repr(upload_path(MANUAL)) in message


@pytest.mark.parametrize("length", [40, 300])
def test_a_blob_entry_with_an_overlong_extension_is_refused_or_imported_cleanly(
    household, tmp_path, length
):
    """Exports never write extensions over 16 characters (a blob's column holds 32, a file name
    255): a longer one is hostile and must give a clear refusal, not a database or OS error."""
    extension = "." + "a" * (length - 1)
    entries = [
        ("data.json", as_json(new_records(MANUAL))),
        (upload_path(MANUAL, extension), MANUAL),
    ]
    raw = build_zip(entries)

    try:
        report = import_zip(io.BytesIO(raw))
    except ImportRejected:
        message = rejected(tmp_path, import_zip, raw)
        assert upload_path(MANUAL, extension)[:40] in message
    else:
        assert report.counts["files_extracted"] == 1
        blob = Blob.objects.get(sha256=sha256(MANUAL))
        assert len(blob.extension) <= Blob._meta.get_field("extension").max_length
        assert default_storage.open(blob.name).read() == MANUAL


# --- ZIP: bombs -----------------------------------------------------------------------------------


@override_settings(SPENDS_IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(household, tmp_path):
    bomb = bytes(8_000_000)
    raw = build_zip(with_manifest(archive_entries(contents=(MANUAL, bomb))))
    assert len(raw) < 100_000  # a real bomb: 8 MB in a few kilobytes
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    with mock.patch.object(zipfile.ZipFile, "open", spy):
        message = rejected(tmp_path, import_zip, raw)

    assert "1,000,000" in message and "SPENDS_IMPORT_MAX_UNPACKED_BYTES" in message
    assert upload_path(bomb) not in opened


def test_a_bomb_that_understates_its_size_is_refused_as_damaged(household, tmp_path):
    """The central directory says 1,000 bytes; the member inflates to 50 MB."""
    bomb = bytes(50_000_000)
    entries = [*archive_entries(), (upload_path(bomb, ".bin"), bomb)]
    raw = patch_central_directory(build_zip(entries), upload_path(bomb, ".bin"), 24, "<I", 1000)

    message = rejected(tmp_path, import_zip, raw)

    assert "damaged" in message and upload_path(bomb, ".bin") in message


@override_settings(SPENDS_IMPORT_MAX_BYTES=2000)
def test_a_data_json_larger_than_the_import_limit_is_refused(household, tmp_path):
    document = new_records()
    document["purchases"][0]["notes"] = "x" * 5000

    message = rejected(tmp_path, import_zip, build_zip(archive_entries(document)))

    assert "data.json" in message and "SPENDS_IMPORT_MAX_BYTES" in message
