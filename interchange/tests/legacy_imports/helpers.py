"""The legacy household and how the legacy import tests read the outcome: the records' ids
(valid, hand-edited, 32 hex), file contents, builders of legacy JSON records, the whole legacy
export and its ZIP archive, the records skipped with an error or a warning, the report keys,
and snapshots of the database and the upload store."""

import datetime
import hashlib
import io
import json
import random
import uuid
import zipfile

from django.core.files.storage import default_storage

from catalog.models import Brand, Retailer
from kernel import clock
from preferences.models import Preference
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

UTC = datetime.UTC


R_KITCHEN = "5d1c7e22-9a3b-4f0e-8c6d-1e2f3a4b5c6d"
R_CORNER = "shop-7"  # hand-edited: not a UUID
R_HOME = "0f4e9d2a-6b1c-4a7e-9d3f-2c8b1a0e5f6d"  # " home depot ": the database has "Home Depot"
B_DELONGHI = "a7e3b9c1-2d4f-4a6b-8c0d-9e1f2a3b4c5d"
B_LENOVO_HEX = "3c2b1a0f9e8d4c7b8a6f5e4d3c2b1a09"  # 32 hex characters, no dashes
B_SONY = "6e5d4c3b-2a19-4f08-9e7d-6c5b4a392817"  # "SONY": the database has "Sony"
B_GHOST = "99999999-8888-4777-8666-555544443333"  # in no file and no database
P_LAPTOP = "0b9e6f7a-4c1d-4e8b-a0c2-6a1f2d3e4b5c"
P_CABLE = "legacy-42"  # hand-edited: not a UUID
P_MUG_HEX = "c1d2e3f4a5b64c7d8e9fa0b1c2d3e4f5"
P_FUTURE = "f0f0f0f0-1111-4222-8333-444455556666"
P_FREE = "0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e"
P_NEGATIVE = "1a1a1a1a-2b2b-4c3c-8d4d-5e5e5e5e5e5e"
P_ROUNDS_TO_ZERO = "2a2a2a2a-3b3b-4c4c-8d5d-6e6e6e6e6e6e"
P_GONE = "deadbeef-0000-4000-8000-000000000001"  # referred to, but in no file and no database
W_LAPTOP = "e2c4a6b8-0d1f-4e3a-9b5c-7d9e1f3a5b7c"
W_LAPTOP_VOIDED = "e3c5a7b9-1e2f-4f4b-8c6d-8e0f2a4b6c8d"
W_CABLE = "w-cable"  # hand-edited: not a UUID
W_ORPHAN = "a0000000-0000-4000-8000-00000000000a"
W_FUTURE = "b0000000-0000-4000-8000-00000000000b"
W_FREE = "c0000000-0000-4000-8000-00000000000c"
F_RECEIPT_HEX = "9c8b7a6d5e4f4a3b8c2d1e0f9a8b7c6d"  # legacy attachment ids: 32 hex characters
F_PHOTO = "8b7a6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e"
F_FUTURE = "d0000000-0000-4000-8000-00000000000d"
F_ORPHAN = "e0000000-0000-4000-8000-00000000000e"

RECEIPT = b"%PDF-1.4\n% legacy receipt\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 legacy photo bytes"
LOST = b"%PDF-1.4\n% a manual whose blob was never copied\n"
KNOWN = b"\x89PNG\r\n\x1a\n a warranty card already in the store"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def blob_path(content: bytes, extension: str) -> str:
    digest = sha256(content)
    return f"{digest[:2]}/{digest[2:4]}/{digest}{extension}"


def future_day() -> str:
    return (clock.today() + datetime.timedelta(days=30)).isoformat()


def shuffled(record: dict, rng: random.Random) -> dict:
    """The legacy application's key order is effectively random (docs/api.md §6.1)."""
    items = list(record.items())
    rng.shuffle(items)
    return dict(items)


def legacy_purchase(**values) -> dict:
    """A version 1 purchase record: all 19 columns of the legacy row, no `status` key."""
    record = {
        "id": None,
        "product_name": None,
        "price": None,
        "currency_code": "USD",
        "retailer_id": None,
        "brand_id": None,
        "purchase_date": "2025-01-15",
        "notes": None,
        "tax_deductible": 0,
        "model_number": None,
        "serial_number": None,
        "retailer_order_number": None,
        "quantity": 1,
        "link": None,
        "return_deadline": None,
        "return_policy": None,
        "tags": None,
        "created_at": "2025-01-15 12:00:00.000001",
        "updated_at": None,
    }
    record.update(values)
    return record


def legacy_warranty(**values) -> dict:
    record = {
        "id": None,
        "purchase_id": None,
        "warranty_start": "2025-01-15",
        "warranty_end": "2026-01-15",
        "warranty_type": None,
        "status": "WarrantyStatus.ACTIVE",
        "provider": None,
        "notes": None,
        "created_at": "2025-01-15 12:00:01",
        "updated_at": None,
    }
    record.update(values)
    return record


def legacy_file(content: bytes, extension: str, **values) -> dict:
    digest = sha256(content)
    record = {
        "id": None,
        "purchase_id": None,
        "filename": f"scan{extension}",
        "stored_filename": f"{digest}{extension}",
        "file_type": "FileType.OTHER",
        "mime_type": "application/octet-stream",
        "file_size": len(content),
        "file_hash": digest,
        "reference_count": 1,
        "created_at": "2025-01-15 12:00:02",
        "updated_at": None,
    }
    record.update(values)
    return record


def legacy_export(*, extra_files: tuple = ()) -> dict:
    """A version 1 export of the existing application, with the quirks of hand-edited files.

    Sections are written in the reverse of the import order (files first), so references are
    only resolvable by reading the whole file.
    """
    rng = random.Random(20250203)
    retailers = [
        {"id": R_KITCHEN, "name": "Kitchen Outlet", "url": "", "created_at": "2025-01-02 10:00:00"},
        {
            "id": R_CORNER,
            "name": "Corner Shop",
            "url": "https://corner.example",
            "created_at": "2025-01-03 11:00:00.250000",
        },
        {"name": "Market Stall", "url": "", "created_at": "2025-01-04 09:30:00"},  # no id
        {"id": R_HOME, "name": "  home depot ", "url": "", "created_at": "2025-01-05 08:00:00"},
    ]
    brands = [
        {"id": B_DELONGHI, "name": "Delonghi", "url": "", "created_at": "2025-01-02 10:00:05"},
        {"id": B_LENOVO_HEX, "name": "Lenovo", "url": None, "created_at": "2025-01-02 10:01:00"},
        {"id": B_SONY, "name": "SONY", "url": "", "created_at": "2025-01-02 10:02:00"},
    ]
    purchases = [
        legacy_purchase(
            id=P_LAPTOP,
            product_name="Laptop",
            price="999.9",
            currency_code="EUR",
            retailer_id=R_KITCHEN.upper(),  # upper-case hex digits
            brand_id=str(uuid.UUID(B_LENOVO_HEX)),  # the dashed spelling of the brand's id
            purchase_date="2025-02-03",
            notes="Work laptop",
            tax_deductible=1,
            model_number="T14s",
            serial_number="SN-123",
            retailer_order_number="ORD-55120",
            quantity=2,
            link="https://shop.example/laptop",
            return_deadline="2025-03-05",
            return_policy="30 days",
            tags="laptop,work",
            created_at="2025-02-03 18:40:12.118302",
            updated_at="2025-02-04 09:15:00+02:00",
        ),
        legacy_purchase(
            id=P_CABLE,
            product_name="USB cable",
            price="10",
            retailer_id=R_CORNER,
            brand_id=B_SONY,
            purchase_date="2024-11-05 23:30:00",
            return_deadline="2024-12-05T00:00:00+05:00",
            created_at="2024-11-05 23:31:00",
        ),
        legacy_purchase(
            id=P_MUG_HEX,
            product_name="Mug",
            price="12.345",
            retailer_id=R_HOME,
            brand_id=B_GHOST,
            purchase_date="2025-01-10",
            created_at="2025-01-10 08:00:00+01:00",
        ),
        # Only the required keys: everything else takes its default.
        {"product_name": "Kettle", "price": 45, "purchase_date": "2025-01-20"},
        legacy_purchase(
            id=P_FUTURE,
            product_name="Pre-ordered phone",
            price="799.00",
            purchase_date=future_day(),
        ),
        legacy_purchase(id=P_FREE, product_name="Free sample", price="0"),
        legacy_purchase(id=P_NEGATIVE, product_name="Refund", price="-5.00"),
        legacy_purchase(id=P_ROUNDS_TO_ZERO, product_name="Rounding error", price="0.004"),
    ]
    warranties = [
        legacy_warranty(
            id=W_LAPTOP,
            purchase_id=P_LAPTOP,
            warranty_start="2025-02-03",
            warranty_end="2027-02-03",
            warranty_type="LIMITED",
            provider="Lenovo",
            status="WarrantyStatus.ACTIVE",
            created_at="2025-02-03 18:41:00",
        ),
        legacy_warranty(
            id=W_LAPTOP_VOIDED,
            purchase_id=P_LAPTOP,
            warranty_start="2025-02-03 00:00:00",
            warranty_end="2028-02-03T12:00:00Z",
            warranty_type="EXTENDED",
            status="WarrantyStatus.VOIDED",
        ),
        legacy_warranty(
            id=W_CABLE,
            purchase_id=P_CABLE,
            warranty_start="2024-11-05",
            warranty_end="2025-11-05",
            status="active",
        ),
        legacy_warranty(
            purchase_id=str(uuid.UUID(P_MUG_HEX)),  # no id; the purchase's dashed spelling
            warranty_start="2025-01-10",
            warranty_end="2030-01-10",
            status="ACTIVE",
        ),
        legacy_warranty(id=W_ORPHAN, purchase_id=P_GONE),
        legacy_warranty(id=W_FUTURE, purchase_id=P_FUTURE),
        legacy_warranty(id=W_FREE, purchase_id=P_FREE),
    ]
    files = [
        legacy_file(
            RECEIPT,
            ".pdf",
            id=F_RECEIPT_HEX,
            purchase_id=uuid.UUID(P_LAPTOP).hex,  # the purchase's id without dashes
            filename="receipt.pdf",
            file_type="FileType.RECEIPT",
            mime_type="application/pdf",
            reference_count=7,  # wrong: recomputed
            created_at="2025-02-03 18:42:00.5",
        ),
        legacy_file(
            RECEIPT,  # the same content, shared with another purchase
            ".pdf",
            purchase_id=P_MUG_HEX,  # no id
            filename="mug-receipt.pdf",
            file_type="receipt",
            mime_type="application/pdf",
            reference_count=0,
        ),
        legacy_file(
            PHOTO,
            ".JPG",
            id=F_PHOTO,
            purchase_id=P_CABLE,
            filename="cable.JPG",
            file_type="FileType.PHOTO",
            mime_type="image/jpeg",
            reference_count=3,
        ),
        legacy_file(LOST, ".pdf", id=F_FUTURE, purchase_id=P_FUTURE),
        legacy_file(LOST, ".pdf", id=F_ORPHAN, purchase_id=P_GONE),
        *extra_files,
    ]
    return {
        "files": [shuffled(record, rng) for record in files],
        "warranties": [shuffled(record, rng) for record in warranties],
        "purchases": [shuffled(record, rng) for record in purchases],
        "brands": [shuffled(record, rng) for record in brands],
        "retailers": [shuffled(record, rng) for record in retailers],
    }


# The records of legacy_export() that are skipped with an error (docs/api.md §6.5), and those
# skipped with a warning because their purchase is dated in the future.
SKIPPED_WITH_ERROR = [P_FREE, P_NEGATIVE, P_ROUNDS_TO_ZERO, W_ORPHAN, W_FREE, F_ORPHAN]
SKIPPED_WITH_WARNING = [W_FUTURE, F_FUTURE]

JSON_REPORT_KEYS = {
    "purchases_added",
    "purchases_skipped_future_date",
    "purchases_skipped_existing",
    "warranties_added",
    "retailers_added",
    "brands_added",
    "files_added",
    "errors",
    "warnings",
}
ZIP_REPORT_KEYS = JSON_REPORT_KEYS | {"data_imported", "files_extracted", "files_missing"}
CSV_REPORT_KEYS = {"purchases_added", "errors", "rows_total", "rows_skipped", "warnings"}


def json_file(data: dict) -> io.BytesIO:
    return io.BytesIO(json.dumps(data).encode())


def mentioning(messages: list[str], needle: str) -> list[str]:
    return [message for message in messages if needle.lower() in message.lower()]


def stored_files(directory: str = "") -> list[str]:
    """Every file in the upload store, blob-shaped or not."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}{name}" for name in files]
    for sub in directories:
        if not sub.startswith("."):  # the upload temp folder lives under the media root too
            names += stored_files(f"{directory}{sub}/")
    return sorted(names)


def database_snapshot() -> dict:
    def rows(model):
        fields = [f.attname for f in model._meta.concrete_fields]
        return sorted(model.objects.order_by().values_list(*fields), key=str)

    return {
        model.__name__: rows(model)
        for model in (Retailer, Brand, Purchase, Warranty, Attachment, Blob, Preference)
    } | {"store": stored_files()}


def purchase_named(name: str) -> Purchase:
    return Purchase.objects.get(product_name=name)


def legacy_zip(data: dict, blobs: dict[str, bytes], *, stray: tuple = ()) -> io.BytesIO:
    """A legacy archive: pretty-printed version 1 data.json and a verbatim copy of the store."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2))
        archive.writestr("uploads/", b"")  # the legacy writer also stored the folders
        for extension, content in blobs.items():
            path = blob_path(content, extension)
            archive.writestr(f"uploads/{path.rsplit('/', 1)[0]}/", b"")
            archive.writestr(f"uploads/{path}", content)
        for name in stray:
            archive.writestr(name, b"not a blob")
    buffer.seek(0)
    return buffer
