"""Malformed and hostile import files (docs/api.md §5.10, §6.3, §6.5, §9.16).

A fatal problem (unreadable file, wrong shape, unsafe or damaged archive, crash) must change
nothing: neither a database row nor a file, in the blob store or anywhere else. Each test seeds a
household first, so that "unchanged" is a comparison with real data, and asserts that the error
names what was wrong (the line, the record, the archive entry). Problems with single records are
not fatal: those records are skipped and reported, the rest is imported.
"""

import contextlib
import csv
import io
import json
import struct
import tempfile
import tracemalloc
import uuid
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from catalog.models import Brand, Retailer
from interchange import archive as archive_module
from interchange.documents import SECTIONS
from interchange.exports import export_json_chunks
from interchange.importer import base as importer_base
from interchange.imports import ImportRejected, import_csv, import_json, import_zip
from interchange.tests.archives import sha256, upload_path
from interchange.tests.factories import attach, kitchen_kettle, settings_stored, toaster
from preferences.models import Preference
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

DATA_MODELS = [Retailer, Brand, Purchase, Warranty, Attachment, Blob, Preference]

SEEDED_RECEIPT = b"%PDF-1.4 the kettle's receipt, stored before any import"
MANUAL = b"%PDF-1.4 the imported lawn mower's manual\n" * 20
PHOTO = b"\xff\xd8\xff\xe0 a photo of the imported lawn mower" + bytes(64)

NEW_PURCHASE = "0b9e6f7a-4c1d-4e8b-a0c2-6a1f2d3e4b5c"
NEW_RETAILER = "5d1c7e22-9a3b-4f0e-8c6d-1e2f3a4b5c6d"
NEW_BRAND = "a7e3b9c1-2d4f-4a6b-8c0d-9e1f2a3b4c5d"
NEW_WARRANTY = "e2c4a6b8-0d1f-4e3a-9b5c-7d9e1f3a5b7c"


# --- Helpers ------------------------------------------------------------------------------------


def store_name(content: bytes, extension: str = ".pdf") -> str:
    return upload_path(content, extension).removeprefix("uploads/")


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path, monkeypatch):
    """Send the temporary files of the code under test to a folder the test can list."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def household():
    """Stored settings, a retailer and a brand, two purchases, a warranty and a stored file."""
    settings_stored()
    kettle = kitchen_kettle()
    WarrantyFactory(purchase=kettle)
    toaster()
    attach(kettle, "receipt.pdf", SEEDED_RECEIPT)
    assert default_storage.exists(store_name(SEEDED_RECEIPT))
    return kettle


def database_rows() -> dict[str, list]:
    """Every row of every data table, as comparable values."""
    return {
        model.__name__: sorted(map(repr, model.objects.order_by().values()))
        for model in DATA_MODELS
    }


def files_under(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) below ROOT."""
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


def escape_targets(tmp_path: Path) -> list[Path]:
    """Where entries such as ../evil or /etc/x would land if an importer extracted them."""
    return [
        Path("/etc/x"),
        Path("/evil"),
        Path.cwd().parent / "evil",
        Path.cwd() / "evil",
        tmp_path.parent / "evil",
        tmp_path / "evil",
    ]


@contextlib.contextmanager
def nothing_changes(tmp_path: Path, *, folders: bool = True):
    """Assert that the block leaves the database and every file as they were.

    tmp_path holds the blob store (MEDIA_ROOT), the upload and backup folders and the temporary
    folder of this test. FOLDERS=False compares files only (a failed import may leave the empty
    shard folder of a file it removed again).
    """
    escapes = [path for path in escape_targets(tmp_path) if not path.exists()]
    rows, before = database_rows(), files_under(tmp_path)
    yield
    after = files_under(tmp_path)
    if not folders:
        before = {name: data for name, data in before.items() if data is not None}
        after = {name: data for name, data in after.items() if data is not None}
    assert after == before
    assert database_rows() == rows
    assert [path for path in escapes if path.exists()] == []


def rejected(tmp_path: Path, importer, raw: bytes, **options) -> str:
    """Run IMPORTER on RAW, expect ImportRejected and no change at all; return the message."""
    with nothing_changes(tmp_path), pytest.raises(ImportRejected) as refusal:
        importer(io.BytesIO(raw), **options)
    message = str(refusal.value)
    assert message.strip()
    return message


def new_records(*contents: bytes) -> dict:
    """A version 2 document adding a retailer, a brand, a purchase, a warranty and one file record
    per content in CONTENTS."""
    return {
        "format_version": 2,
        "exported_at": "2025-03-14T09:21:07Z",
        "settings": {"currency_code": "GBP", "date_format": "YYYY-MM-DD"},
        "retailers": [{"id": NEW_RETAILER, "name": "Garden Centre", "url": None}],
        "brands": [{"id": NEW_BRAND, "name": "Bosch", "url": ""}],
        "purchases": [
            {
                "id": NEW_PURCHASE,
                "product_name": "Lawn mower",
                "price": "299.00",
                "currency_code": "EUR",
                "retailer_id": NEW_RETAILER,
                "brand_id": NEW_BRAND,
                "purchase_date": "2024-05-01",
                "status": "RECEIVED",
                "created_at": "2024-05-01T10:00:00Z",
            }
        ],
        "warranties": [
            {
                "id": NEW_WARRANTY,
                "purchase_id": NEW_PURCHASE,
                "warranty_start": "2024-05-01",
                "warranty_end": "2026-05-01",
                "status": "ACTIVE",
            }
        ],
        "files": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_OID, sha256(content))),
                "purchase_id": NEW_PURCHASE,
                "filename": f"file{index}.pdf",
                "stored_filename": f"{sha256(content)}.pdf",
                "file_type": "manual",
                "mime_type": "application/pdf",
                "file_size": len(content),
                "file_hash": sha256(content),
                "created_at": "2024-05-01T10:05:00Z",
            }
            for index, content in enumerate(contents)
        ],
    }


def as_json(document) -> bytes:
    return json.dumps(document, indent=2).encode()


def archive_entries(document: dict | None = None, contents=(MANUAL,)) -> list[tuple]:
    """data.json and an uploads/ entry per content: the members of a legacy archive."""
    document = new_records(*contents) if document is None else document
    return [("data.json", as_json(document))] + [(upload_path(c), c) for c in contents]


def with_manifest(entries: list[tuple], tamper=None) -> list[tuple]:
    """ENTRIES and a correct manifest.json (docs/api.md §6.3), which TAMPER(manifest) may change."""
    data = dict(entries)["data.json"]
    document = json.loads(data)
    manifest = {
        "format_version": 2,
        "created_at": "2025-03-14T09:21:07Z",
        "app_version": "1",
        "data_sha256": sha256(data),
        "record_counts": {key: len(document.get(key) or []) for key in SECTIONS},
        "blobs": [
            {"path": name, "sha256": sha256(content), "size": len(content)}
            for name, content in entries
            if isinstance(name, str) and name.startswith("uploads/")
        ],
    }
    if tamper is not None:
        tamper(manifest)
    return [*entries, ("manifest.json", json.dumps(manifest).encode())]


def build_zip(entries: list[tuple]) -> bytes:
    """A ZIP archive of (name or ZipInfo, bytes) entries, deflated, duplicates allowed."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        pytest.warns(UserWarning, match="Duplicate name")
        if len({getattr(n, "filename", n) for n, _ in entries}) < len(entries)
        else contextlib.nullcontext(),
    ):
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def good_archive(*contents: bytes) -> bytes:
    return build_zip(with_manifest(archive_entries(contents=contents or (MANUAL,))))


def patch_central_directory(raw: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of NAME's central directory record (the sizes and flags readers trust)."""
    data = bytearray(raw)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        (name_length,) = struct.unpack_from("<H", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into(fmt, data, position + offset, value)
            return bytes(data)
        position = data.find(b"PK\x01\x02", position + 46 + name_length)
    raise AssertionError(f"{name} is not in the archive")


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


CSV_HEADER = ["id", "product_name", "price", "purchase_date", "retailer_name"]


def csv_row(index: int) -> list[str]:
    return [str(uuid.UUID(int=index + 1)), f"Imported item {index}", "12.50", "2024-06-01", "Shop"]


# --- A good file changes things: the baseline that makes "unchanged" meaningful -------------------


def test_a_good_archive_imports_its_records_and_files(household, tmp_path):
    before = Purchase.objects.count()

    report = import_zip(io.BytesIO(good_archive(MANUAL, PHOTO))).as_dict()

    assert report["errors"] == [] and report["warnings"] == []
    assert report["purchases_added"] == 1 and report["files_added"] == 2
    assert report["files_extracted"] == 2
    assert Purchase.objects.count() == before + 1
    for content in (MANUAL, PHOTO):
        assert default_storage.open(store_name(content)).read() == content


def test_a_good_import_writes_nothing_outside_the_blob_store(household, tmp_path):
    """Only the archive's blobs appear; ignored entries are not unpacked anywhere."""
    entries = [
        *archive_entries(contents=(MANUAL,)),
        ("notes.txt", b"not part of the format"),
        ("uploads/readme.txt", b"not a blob"),
        ("uploads/ab/cd/evil.sh", b"#!/bin/sh\nrm -rf /\n"),
        (f"{upload_path(PHOTO)}/nested", PHOTO),
    ]
    before = files_under(tmp_path)

    report = import_zip(io.BytesIO(build_zip(entries)))

    assert report.counts["files_extracted"] == 1
    new_files = {name for name, data in files_under(tmp_path).items() if data is not None} - set(
        before
    )
    assert new_files == {f"uploads/{store_name(MANUAL)}"}
    assert any("notes.txt" in warning for warning in report.warnings)
    assert not any(path.exists() for path in escape_targets(tmp_path))


@pytest.mark.parametrize("change", ["row", "file", "escape"])
def test_the_unchanged_check_notices_a_row_a_stored_file_and_an_escaped_file(
    household, tmp_path, change
):
    """The comparison every refusal below relies on does see each kind of change."""
    with pytest.raises(AssertionError), nothing_changes(tmp_path):
        if change == "row":
            Purchase.objects.filter(pk=household.pk).update(notes="changed")
        elif change == "file":
            default_storage.save("ab/cd/stray.bin", io.BytesIO(b"stray"))
        else:
            (tmp_path / "evil").write_bytes(b"escaped")


# --- JSON ----------------------------------------------------------------------------------------


def test_truncated_json_is_refused_naming_the_line_and_column(household, tmp_path):
    text = "".join(export_json_chunks())
    text = json.dumps(json.loads(text), indent=2)
    truncated = text[: len(text) // 2]
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(truncated)

    message = rejected(tmp_path, import_json, truncated.encode())

    assert "not valid JSON" in message
    assert f"line {expected.value.lineno}" in message
    assert f"column {expected.value.colno}" in message


def test_json_cut_off_inside_a_text_is_refused_in_one_plain_sentence(household, tmp_path):
    message = rejected(tmp_path, import_json, b'{"purchases": [{"product_name": "Kett')

    assert message == (
        "The file is not valid JSON: Unterminated string starting at: line 1, column 33."
    )


@pytest.mark.parametrize(
    "raw",
    [b"[]", b'[{"purchases": []}]', b'"purchases"', b"42", b"null", b"true"],
    ids=["empty-list", "list-of-objects", "string", "number", "null", "boolean"],
)
def test_json_whose_top_level_is_not_an_object_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_json, raw)

    assert "top level is not an object" in message


def test_json_nested_too_deeply_is_refused(household, tmp_path):
    message = rejected(tmp_path, import_json, b"[" * 200_000 + b"]" * 200_000)

    # Refused either way: as JSON too deep to parse, or as not an export (not an object).
    assert "not valid JSON" in message or "top level is not an object" in message


def test_json_nested_deeply_inside_an_export_is_refused_without_using_much_memory(
    household, tmp_path
):
    raw = b'{"format_version": 2, "purchases": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    tracemalloc.start()
    try:
        message = rejected(tmp_path, import_json, raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert "nest more than 32 levels deep" in message
    assert peak < 10_000_000  # the file is 10 kB; naming each value's path took 60 MB


def test_an_object_without_any_section_is_refused(household, tmp_path):
    message = rejected(tmp_path, import_json, b'{"products": [], "version": 2}')

    assert "none of" in message and "purchases" in message


@pytest.mark.parametrize("section", ["purchases", "warranties", "retailers", "brands", "files"])
@pytest.mark.parametrize("value", [{"id": NEW_PURCHASE}, "everything", 3])
def test_a_section_that_is_not_a_list_is_refused_naming_it(household, tmp_path, section, value):
    document = new_records()
    document[section] = value

    message = rejected(tmp_path, import_json, as_json(document))

    assert f'"{section}" must be a list' in message


@pytest.mark.parametrize(
    ("section", "label"),
    [
        ("retailers", "retailer 1"),
        ("brands", "brand 1"),
        ("purchases", "purchase 1"),
        ("warranties", "warranty 1"),
        ("files", "file 1"),
    ],
)
def test_a_record_that_is_not_an_object_is_skipped_and_the_others_are_imported(
    household, section, label
):
    document = new_records(MANUAL)
    document[section].insert(0, ["not", "a", "record"])
    purchases = Purchase.objects.count()

    report = import_json(io.BytesIO(as_json(document))).as_dict()

    assert report["errors"] == [f"{label}: is not an object; skipped"]
    assert report["purchases_added"] == 1
    assert report["warranties_added"] == 1
    assert report["files_added"] == 1
    assert Purchase.objects.count() == purchases + 1
    assert Purchase.objects.get(pk=NEW_PURCHASE).product_name == "Lawn mower"


def test_invalid_utf8_in_json_is_refused_naming_the_byte_position(household, tmp_path):
    raw = as_json(new_records()).replace(b"Lawn mower", b"Lawn mower \xe9t\xe9")

    position = raw.index(b"\xe9")

    message = rejected(tmp_path, import_json, raw)

    assert "not UTF-8" in message
    assert f"position {position}" in message


@pytest.mark.parametrize("version", [4, 99])
def test_a_newer_format_version_is_refused(household, tmp_path, version):
    document = new_records()
    document["format_version"] = version

    message = rejected(tmp_path, import_json, as_json(document))

    assert f"format version {version}" in message
    assert "newer" in message


@pytest.mark.parametrize("version", [0, -1, "2", True, None, 2.5])
def test_a_format_version_that_is_not_one_is_refused(household, tmp_path, version):
    document = new_records()
    document["format_version"] = version

    message = rejected(tmp_path, import_json, as_json(document))

    assert f"format_version {version!r}" in message


def test_a_json_file_whose_records_all_fail_is_refused_naming_them(household, tmp_path):
    document = {"format_version": 2, "purchases": new_records()["purchases"]}
    document["purchases"][0]["price"] = "0"
    document["purchases"].append({"id": "hand-edited", "product_name": "No date", "price": 5})

    message = rejected(tmp_path, import_json, as_json(document))

    assert message.startswith("Nothing was imported")
    assert f"purchase 1 (id {NEW_PURCHASE})" in message and "price" in message
    assert "purchase 2 (id hand-edited)" in message and "purchase_date" in message


def nul_json() -> bytes:
    document = new_records()
    document["purchases"][0]["product_name"] = "Lawn\u0000mower"
    document["purchases"].append(
        {"product_name": "Rake", "price": "9.99", "purchase_date": "2024-05-02"}
    )
    return as_json(document)


NUL_CSV = (
    b"product_name,price,purchase_date\r\nLawn\x00mower,299,2024-05-01\r\nRake,9.99,2024-05-02\r\n"
)


@pytest.mark.parametrize(
    ("importer", "raw", "label"),
    [(import_json, nul_json(), "purchase 1"), (import_csv, NUL_CSV, "line 2")],
    ids=["json", "csv"],
)
def test_a_nul_character_in_a_text_field_does_not_crash_the_import(household, importer, raw, label):
    """PostgreSQL cannot store NUL in text: such a record is skipped and named (or imported
    where the database can hold it), never a database error for the whole file."""
    report = importer(io.BytesIO(raw)).as_dict()

    assert Purchase.objects.filter(product_name="Rake").count() == 1
    if not Purchase.objects.filter(product_name__startswith="Lawn").exists():
        assert any(message.startswith(label) for message in report["errors"]), report


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"product_name,price,purchase_date\r\nCaf\xe9,3.00,2024-06-01\r\n",
        b"product_name,pr\xefce,purchase_date\r\nTea,3.00,2024-06-01\r\n",
        "product_name,price,purchase_date\r\nCafé,3.00,2024-06-01\r\n".encode("utf-16"),
    ],
    ids=["latin-1-row", "bad-header", "utf-16"],
)
def test_invalid_utf8_in_csv_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_csv, raw)

    assert "not UTF-8" in message


def test_a_bad_byte_after_thousands_of_good_csv_rows_commits_nothing(household, tmp_path):
    """Three batches of purchases are written before the byte is read: all are rolled back."""
    rows = [CSV_HEADER] + [csv_row(index) for index in range(3000)]
    raw = csv_bytes(rows) + b"x,Caf\xe9,3.00,2024-06-01,Shop\r\n" + csv_bytes([csv_row(4000)])

    message = rejected(tmp_path, import_csv, raw)

    assert "not UTF-8" in message


@pytest.mark.parametrize("good_rows", [1, 40, 3000])
def test_the_csv_utf8_error_names_the_line_of_the_bad_byte(household, tmp_path, good_rows):
    rows = [CSV_HEADER] + [csv_row(index) for index in range(good_rows)]
    raw = csv_bytes(rows) + b"x,Caf\xe9,3.00,2024-06-01,Shop\r\n"
    bad_line = good_rows + 2

    message = rejected(tmp_path, import_csv, raw)

    assert f"line {bad_line}" in message, message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["id", "product_name", "purchase_date"], ["price"]),
        (["name", "price", "date"], ["product_name", "purchase_date"]),
        (["id", "price", "purchase_date"], ["product_name"]),
    ],
)
def test_a_csv_missing_a_required_column_is_refused_naming_it(household, tmp_path, header, missing):
    raw = csv_bytes([header, ["1", "Kettle", "2024-06-01"]])

    message = rejected(tmp_path, import_csv, raw)

    assert f"has no {', '.join(missing)} column" in message


def test_a_csv_without_a_header_row_is_refused(household, tmp_path):
    """Positions are not enough: a legacy-looking row without its header names no column."""
    raw = csv_bytes([csv_row(1)])

    message = rejected(tmp_path, import_csv, raw)

    assert "product_name" in message


@pytest.mark.parametrize(
    "raw", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\r\n"], ids=["empty", "bom", "blank", "commas"]
)
def test_an_empty_csv_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_csv, raw)

    assert "empty" in message and "header row" in message


def test_a_csv_row_with_more_cells_than_the_header_is_skipped_naming_its_line(household):
    raw = csv_bytes([CSV_HEADER, csv_row(1), [*csv_row(2), "surplus"], csv_row(3)])
    purchases = Purchase.objects.count()

    report = import_csv(io.BytesIO(raw)).as_dict()

    assert report["errors"] == ["line 3: has more cells than the header row; skipped"]
    assert report["rows_total"] == 3
    assert report["purchases_added"] == 2 and report["rows_skipped"] == 1
    assert Purchase.objects.count() == purchases + 2
    assert not Purchase.objects.filter(product_name="Imported item 2").exists()


def test_a_csv_whose_only_row_has_too_many_cells_is_refused(household, tmp_path):
    raw = csv_bytes([CSV_HEADER, [*csv_row(1), "surplus", "more"]])

    message = rejected(tmp_path, import_csv, raw)

    assert "line 2" in message and "more cells than the header" in message


def test_a_csv_cell_beyond_the_field_limit_is_refused_naming_the_line(household, tmp_path):
    raw = csv_bytes([CSV_HEADER, csv_row(1), csv_row(2)]) + b'x,"' + b"a" * 200_000 + b'",1,x\r\n'

    message = rejected(tmp_path, import_csv, raw)

    assert "malformed" in message and "line 4" in message


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
        (b'{"format_version": 4, "purchases": []}', "data.json: The file has format version 4"),
        (b'{"purchases": "\xff"}', "data.json: The file is not UTF-8 text"),
    ],
    ids=["truncated", "list", "version-4", "latin-1"],
)
def test_a_bad_data_json_in_an_archive_is_refused_naming_it(household, tmp_path, data, expected):
    entries = [("data.json", data), (upload_path(MANUAL), MANUAL)]

    message = rejected(tmp_path, import_zip, build_zip(entries))

    assert message.startswith(expected)


# --- A crash midway changes nothing (docs/api.md §9.16) -------------------------------------------


def crash_archive() -> bytes:
    """Two new blobs, and a new attachment sharing the blob the household already stores."""
    document = new_records(MANUAL, PHOTO, SEEDED_RECEIPT)
    entries = archive_entries(document, contents=(MANUAL, PHOTO, SEEDED_RECEIPT))
    return build_zip(with_manifest(entries))


class SimulatedCrash(Exception):
    pass


def test_a_crash_while_writing_the_rows_changes_nothing(household, tmp_path):
    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(Attachment.objects, "bulk_create", side_effect=SimulatedCrash),
        pytest.raises(SimulatedCrash),
    ):
        import_zip(io.BytesIO(crash_archive()))


def test_a_crash_while_storing_the_files_removes_those_already_stored(household, tmp_path):
    real_store_file = archive_module.store_file
    calls = []

    def store_then_crash(name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_store_file(name, content)

    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(archive_module, "store_file", store_then_crash),
        pytest.raises(OSError, match="No space left"),
    ):
        import_zip(io.BytesIO(crash_archive()))

    assert len(calls) == 2  # the first file was written, then removed again
    assert default_storage.open(store_name(SEEDED_RECEIPT)).read() == SEEDED_RECEIPT


def test_a_crash_after_the_files_are_stored_removes_them_and_keeps_the_rows_out(
    household, tmp_path
):
    real_store = archive_module.Archive.store

    def store_then_crash(self, names, written, progress):
        real_store(self, names, written, progress)
        assert sorted(written) == sorted([store_name(MANUAL), store_name(PHOTO)])
        raise SimulatedCrash

    with (
        nothing_changes(tmp_path, folders=False),
        mock.patch.object(archive_module.Archive, "store", store_then_crash),
        pytest.raises(SimulatedCrash),
    ):
        import_zip(io.BytesIO(crash_archive()))

    assert default_storage.open(store_name(SEEDED_RECEIPT)).read() == SEEDED_RECEIPT


def test_a_crash_midway_through_a_json_import_changes_nothing(household, tmp_path):
    real_insert_rows = importer_base.insert_rows

    def warranties_crash(model, objs):
        if model is Warranty:
            raise SimulatedCrash
        real_insert_rows(model, objs)

    with (
        nothing_changes(tmp_path),
        mock.patch.object(importer_base, "insert_rows", warranties_crash),
        pytest.raises(SimulatedCrash),
    ):
        import_json(io.BytesIO(as_json(new_records(SEEDED_RECEIPT))))


def test_a_crash_in_a_later_batch_of_a_csv_import_changes_nothing(household, tmp_path):
    real_insert_rows = importer_base.insert_rows
    batches = []

    def second_batch_crashes(model, objs):
        if model is Purchase:
            batches.append(len(objs))
            if len(batches) == 2:
                raise SimulatedCrash
        real_insert_rows(model, objs)

    raw = csv_bytes([CSV_HEADER] + [csv_row(index) for index in range(1500)])
    with (
        nothing_changes(tmp_path),
        mock.patch.object(importer_base, "insert_rows", second_batch_crashes),
        pytest.raises(SimulatedCrash),
    ):
        import_csv(io.BytesIO(raw))

    assert batches == [1000, 500]
