"""What the import API tests send and how they check it: the report keys of docs/api.md §6.4,
good files of each kind, new documents and archives, snapshots of the rows and files an
import may change, and the upload request."""

import contextlib
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Brand, Retailer
from interchange.tests.archives import sha256, upload_path
from preferences.models import Preference
from preferences.selectors import preferences_get
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

IMPORT = "/api/import"
KINDS = ["json", "csv", "zip"]
DATA_MODELS = [Retailer, Brand, Purchase, Warranty, Attachment, Blob, Preference]

# docs/api.md §6.4: the keys each report always has (the frontend reads some of them).
JSON_REPORT_COUNTS = {
    "purchases_added",
    "purchases_skipped_future_date",
    "purchases_skipped_existing",
    "warranties_added",
    "retailers_added",
    "brands_added",
    "files_added",
}
REPORT_COUNTS = {
    "json": JSON_REPORT_COUNTS,
    "zip": JSON_REPORT_COUNTS | {"files_extracted", "files_missing"},
    "csv": {"purchases_added", "rows_total", "rows_skipped"},
}

MANUAL = b"%PDF-1.4 manual of the imported lawn mower\n" * 10

NEW_PURCHASE = "0b9e6f7a-4c1d-4e8b-a0c2-6a1f2d3e4b5c"
NEW_WARRANTY = "e2c4a6b8-0d1f-4e3a-9b5c-7d9e1f3a5b7c"
NEW_FILE = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def database_rows() -> dict[str, list]:
    return {
        model.__name__: sorted(map(repr, model.objects.order_by().values()))
        for model in DATA_MODELS
    }


def files_under(root: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


@contextlib.contextmanager
def nothing_changes(tmp_path: Path):
    """Assert that the block changes no row and no file or folder below tmp_path (the store,
    the upload and backup folders)."""
    rows, files = database_rows(), files_under(tmp_path)
    yield
    assert files_under(tmp_path) == files
    assert database_rows() == rows


def restorable_snapshot() -> dict:
    """Everything an archive carries, comparable across a restore (blob row ids are internal)."""

    def rows(model, *exclude):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(model.objects.order_by().values(*fields), key=str)

    return {
        "retailers": rows(Retailer),
        "brands": rows(Brand),
        "purchases": rows(Purchase),
        "warranties": rows(Warranty),
        "attachments": sorted(
            Attachment.objects.order_by().values(
                "id", "purchase_id", "blob__sha256", "file_type", "filename", "mime_type"
            ),
            key=str,
        ),
        "blobs": rows(Blob, "id", "created_at"),
        "settings": preferences_get(),
    }


def new_document(**purchase) -> dict:
    """A version 2 export adding one purchase with a warranty and an attachment record."""
    return {
        "format_version": 2,
        "purchases": [
            {
                "id": NEW_PURCHASE,
                "product_name": "Lawn mower",
                "price": "299.00",
                "currency_code": "EUR",
                "purchase_date": "2024-05-01",
                "retailer_id": None,
                "brand_id": None,
                **purchase,
            }
        ],
        "warranties": [
            {
                "id": NEW_WARRANTY,
                "purchase_id": NEW_PURCHASE,
                "warranty_start": "2024-05-01",
                "warranty_end": "2026-05-01",
            }
        ],
        "files": [
            {
                "id": NEW_FILE,
                "purchase_id": NEW_PURCHASE,
                "filename": "manual.pdf",
                "stored_filename": f"{sha256(MANUAL)}.pdf",
                "file_type": "manual",
                "mime_type": "application/pdf",
                "file_size": len(MANUAL),
                "file_hash": sha256(MANUAL),
            }
        ],
    }


def zip_of(document: dict, blobs=(MANUAL,)) -> bytes:
    data = json.dumps(document).encode()
    entries = {"data.json": data} | {upload_path(blob): blob for blob in blobs}
    manifest = {
        "format_version": 2,
        "data_sha256": sha256(data),
        "blobs": [
            {"path": path, "sha256": sha256(blob), "size": len(blob)}
            for path, blob in entries.items()
            if path.startswith("uploads/")
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in entries.items():
            archive.writestr(path, content)
        archive.writestr("manifest.json", json.dumps(manifest))
    return buffer.getvalue()


CSV_GOOD = (
    "id,product_name,price,purchase_date,retailer_name,warranty_end\r\n"
    f"{NEW_PURCHASE},Lawn mower,299.00,2024-05-01,Garden Centre,2026-05-01\r\n"
    ",Hedge trimmer,89.90,2024-05-02,Garden Centre,\r\n"
).encode()

GOOD_FILES = {
    "json": ("export.json", json.dumps(new_document()).encode()),
    "csv": ("purchases.csv", CSV_GOOD),
    "zip": ("backup.zip", zip_of(new_document())),
}


def post_import(client, kind: str, name: str, content: bytes, path: str | None = None, **query):
    url = path or f"{IMPORT}/{kind}"
    if query:
        url += "?" + urlencode(query)
    return client.post(url, {"file": SimpleUploadedFile(name, content, "application/octet-stream")})


def assert_string_detail(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail.strip()
    return detail


def assert_report(report: dict, kind: str) -> None:
    """Every key of docs/api.md §6.4 for KIND, with its type."""
    for key in REPORT_COUNTS[kind]:
        assert type(report[key]) is int, key
    for key in ("errors", "warnings"):
        assert isinstance(report[key], list), key
        assert all(isinstance(message, str) for message in report[key]), key
    if kind == "zip":
        assert type(report["data_imported"]) is bool


def exported_json(client) -> dict:
    response = client.get("/api/export/json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def renamed_export(client, household) -> bytes:
    document = exported_json(client)
    for record in document["purchases"]:
        if record["id"] == str(household.id):
            record["product_name"] = "Kettle, renamed in the file"
            record["price"] = "77.70"
    return json.dumps(document).encode()
