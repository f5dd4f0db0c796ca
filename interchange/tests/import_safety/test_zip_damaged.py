"""Damaged or altered ZIP archives, and files that are not archives of the format (docs/api.md
§6.3): a stored file or data.json that does not match the manifest, a manifest that lies, no
data.json, or no ZIP at all are refused and change nothing.
"""

import pytest

from interchange.imports import import_zip
from interchange.tests.archives import sha256, upload_path
from interchange.tests.import_safety.helpers import (
    MANUAL,
    PHOTO,
    archive_entries,
    as_json,
    build_zip,
    good_archive,
    new_records,
    rejected,
    with_manifest,
)

pytestmark = pytest.mark.django_db


# --- ZIP: damaged or altered content --------------------------------------------------------------


def test_a_blob_whose_content_does_not_match_its_name_rejects_the_archive(household, tmp_path):
    entries = [
        (name, b"%PDF-1.4 swapped content" if name.startswith("uploads/") else content)
        for name, content in archive_entries(contents=(MANUAL,))
    ]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert upload_path(MANUAL) in message
    assert "does not match its name" in message


def test_a_manifest_with_a_wrong_data_checksum_rejects_the_archive(household, tmp_path):
    def tamper(manifest):
        manifest["data_sha256"] = sha256(b"another data.json")

    raw = build_zip(with_manifest(archive_entries(), tamper))

    message = rejected(tmp_path, import_zip, raw)

    assert "data.json does not match the checksum in manifest.json" in message


def test_data_json_altered_after_the_manifest_rejects_the_archive(household, tmp_path):
    entries = with_manifest(archive_entries())
    altered = new_records(MANUAL)
    altered["purchases"][0]["price"] = "2.99"
    entries = [(n, as_json(altered) if n == "data.json" else c) for n, c in entries]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert "data.json does not match the checksum in manifest.json" in message


@pytest.mark.parametrize("field", ["sha256", "size"])
def test_a_manifest_with_a_wrong_blob_entry_rejects_the_archive(household, tmp_path, field):
    def tamper(manifest):
        blob = manifest["blobs"][1]
        blob[field] = sha256(b"something else") if field == "sha256" else blob["size"] + 1

    raw = build_zip(with_manifest(archive_entries(contents=(MANUAL, PHOTO)), tamper))

    message = rejected(tmp_path, import_zip, raw)

    assert f"{upload_path(PHOTO)}: the content does not match manifest.json" in message


def test_a_manifest_that_omits_a_blob_rejects_the_archive(household, tmp_path):
    def tamper(manifest):
        del manifest["blobs"][0]

    raw = build_zip(with_manifest(archive_entries(contents=(MANUAL, PHOTO)), tamper))

    message = rejected(tmp_path, import_zip, raw)

    assert f"{upload_path(MANUAL)} is in the archive but not in manifest.json" in message


def test_a_manifest_listing_a_blob_the_archive_lacks_rejects_it(household, tmp_path):
    entries = with_manifest(archive_entries(contents=(MANUAL, PHOTO)))
    entries = [(n, c) for n, c in entries if n != upload_path(PHOTO)]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert repr(upload_path(PHOTO)) in message and "the archive lacks" in message


def test_a_manifest_with_wrong_record_counts_rejects_the_archive(household, tmp_path):
    def tamper(manifest):
        manifest["record_counts"]["purchases"] = 2

    raw = build_zip(with_manifest(archive_entries(), tamper))

    message = rejected(tmp_path, import_zip, raw)

    assert "counts 2 purchases" in message and "holds 1" in message


@pytest.mark.parametrize("content", [b"{not json", b"[]", b"\xff\xfe"])
def test_a_manifest_that_is_not_a_json_object_rejects_the_archive(household, tmp_path, content):
    entries = [*archive_entries(), ("manifest.json", content)]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert "manifest.json" in message


# --- ZIP: not an archive of the format ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"just some text, not an archive",
        b"PK\x03\x04" + bytes(40),
        as_json(new_records()),
        None,  # a good archive cut in half
    ],
    ids=["empty", "text", "zip-signature-only", "json", "truncated-zip"],
)
def test_bytes_that_are_not_a_zip_archive_are_refused(household, tmp_path, raw):
    if raw is None:
        archive = good_archive(MANUAL)
        raw = archive[: len(archive) // 2]

    message = rejected(tmp_path, import_zip, raw)

    assert "not a ZIP archive" in message


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [(upload_path(MANUAL), MANUAL)],
        [("backup/data.json", as_json(new_records()))],
        [("Data.json", as_json(new_records()))],
    ],
    ids=["empty", "uploads-only", "in-a-folder", "other-case"],
)
def test_a_zip_without_data_json_at_its_root_is_refused(household, tmp_path, entries):
    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert "no data.json" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"purchases": [', "data.json: The file is not valid JSON"),
        (b"[]", "data.json: The file is not a Spends Tracker export"),
        (b'{"format_version": 5, "purchases": []}', "data.json: The file has format version 5"),
        (b'{"purchases": "\xff"}', "data.json: The file is not UTF-8 text"),
    ],
    ids=["truncated", "list", "version-5", "latin-1"],
)
def test_a_bad_data_json_in_an_archive_is_refused_naming_it(household, tmp_path, data, expected):
    entries = [("data.json", data), (upload_path(MANUAL), MANUAL)]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert message.startswith(expected)
