"""What the import safety tests feed the importers, and how they check that nothing changed:
new records, archives with or without a correct manifest, CSV rows, and a snapshot of every
data row and every file around a refused import.
"""

import contextlib
import csv
import io
import json
import struct
import uuid
import zipfile
from pathlib import Path

import pytest

from catalog.models import Brand, Retailer
from interchange.documents import SECTIONS
from interchange.imports import ImportRejected
from interchange.tests.archives import sha256, upload_path
from preferences.models import Preference
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

DATA_MODELS = [Retailer, Brand, Purchase, Warranty, Attachment, Blob, Preference]

SEEDED_RECEIPT = b"%PDF-1.4 the kettle's receipt, stored before any import"
MANUAL = b"%PDF-1.4 the imported lawn mower's manual\n" * 20
PHOTO = b"\xff\xd8\xff\xe0 a photo of the imported lawn mower" + bytes(64)

NEW_PURCHASE = "0b9e6f7a-4c1d-4e8b-a0c2-6a1f2d3e4b5c"
NEW_RETAILER = "5d1c7e22-9a3b-4f0e-8c6d-1e2f3a4b5c6d"
NEW_BRAND = "a7e3b9c1-2d4f-4a6b-8c0d-9e1f2a3b4c5d"
NEW_WARRANTY = "e2c4a6b8-0d1f-4e3a-9b5c-7d9e1f3a5b7c"


def store_name(content: bytes, extension: str = ".pdf") -> str:
    return upload_path(content, extension).removeprefix("uploads/")


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
