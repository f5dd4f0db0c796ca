"""Files written by the existing (legacy) application import completely (docs/api.md §6.1 to §6.5).

The fixtures are built here from the format description: a version 1 JSON export (flat records,
keys in random order, enums as `WarrantyStatus.X` / `FileType.X`, naive space-separated
datetimes, prices as strings with any number of decimals), the 13-column CSV export, and the ZIP
archive (pretty-printed data.json, a verbatim copy of the upload store, no manifest). Each test
checks one importer rule of docs/api.md §6.5 against what is in the database afterwards.
"""

import datetime
import hashlib
import io
import json
import random
import uuid
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.imports import ImportRejected, import_csv, import_json, import_zip
from kernel import clock
from preferences.models import Preference
from preferences.services import preferences_update
from purchases.models import Attachment, Blob, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

# -- The legacy household --------------------------------------------------------------------------

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


@pytest.fixture
def existing_catalog():
    """The new application already knows a retailer and a brand that the file names differently."""
    return {"home": RetailerFactory(name="Home Depot"), "sony": BrandFactory(name="Sony")}


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


# -- Legacy JSON: the whole file ------------------------------------------------------------------


def test_legacy_json_imports_with_a_complete_report_that_matches_the_database(existing_catalog):
    report = import_json(json_file(legacy_export())).as_dict()

    assert report.keys() >= JSON_REPORT_KEYS
    assert report["retailers_added"] == 3  # Kitchen Outlet, Corner Shop, Market Stall
    assert report["brands_added"] == 2  # Delonghi, Lenovo
    assert report["purchases_added"] == 4  # Laptop, USB cable, Mug, Kettle
    assert report["purchases_skipped_future_date"] == 1
    assert report["purchases_skipped_existing"] == 0
    assert report["warranties_added"] == 4
    assert report["files_added"] == 3
    assert Retailer.objects.count() == 1 + report["retailers_added"]
    assert Brand.objects.count() == 1 + report["brands_added"]
    assert Purchase.objects.count() == report["purchases_added"]
    assert Warranty.objects.count() == report["warranties_added"]
    assert Attachment.objects.count() == report["files_added"]


def test_every_record_skipped_with_an_error_is_named_in_the_errors(existing_catalog):
    report = import_json(json_file(legacy_export())).as_dict()

    for record_id in SKIPPED_WITH_ERROR:
        assert mentioning(report["errors"], record_id), record_id
    assert len(report["errors"]) == len(SKIPPED_WITH_ERROR)  # one per skipped record
    names = ["Free sample", "Refund", "Rounding error", "Pre-ordered phone"]
    assert not Purchase.objects.filter(product_name__in=names).exists()
    gone = [W_ORPHAN, W_FREE, W_FUTURE, F_ORPHAN, F_FUTURE]
    assert not Warranty.objects.filter(id__in=gone).exists()
    assert not Attachment.objects.filter(id__in=gone).exists()


def test_legacy_purchase_values_are_read_into_the_model():
    import_json(json_file(legacy_export()))

    laptop = Purchase.objects.get(id=P_LAPTOP)
    assert laptop.product_name == "Laptop"
    assert laptop.price == Decimal("999.90")
    assert laptop.currency_code == "EUR"
    assert laptop.retailer_id == uuid.UUID(R_KITCHEN)
    assert laptop.brand_id == uuid.UUID(B_LENOVO_HEX)
    assert laptop.purchase_date == datetime.date(2025, 2, 3)
    assert laptop.tax_deductible is True
    assert laptop.quantity == 2
    assert laptop.status == "RECEIVED"  # legacy files have no status key
    assert (laptop.notes, laptop.model_number, laptop.serial_number) == (
        "Work laptop",
        "T14s",
        "SN-123",
    )
    assert laptop.retailer_order_number == "ORD-55120"
    assert laptop.link == "https://shop.example/laptop"
    assert laptop.return_deadline == datetime.date(2025, 3, 5)
    assert (laptop.return_policy, laptop.tags) == ("30 days", "laptop,work")
    # created_at is the file's (naive = UTC), not the import time; offsets are converted.
    assert laptop.created_at == datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, tzinfo=UTC)
    assert laptop.updated_at == datetime.datetime(2025, 2, 4, 7, 15, tzinfo=UTC)


def test_legacy_prices_with_fewer_or_more_decimals_are_rounded_half_up():
    import_json(json_file(legacy_export()))

    assert purchase_named("Laptop").price == Decimal("999.90")  # "999.9"
    assert purchase_named("USB cable").price == Decimal("10.00")  # "10"
    assert purchase_named("Mug").price == Decimal("12.35")  # "12.345"
    assert purchase_named("Kettle").price == Decimal("45.00")  # 45, a JSON number


def test_dates_written_as_datetimes_keep_their_date_part():
    import_json(json_file(legacy_export()))

    cable = purchase_named("USB cable")
    assert cable.purchase_date == datetime.date(2024, 11, 5)  # "2024-11-05 23:30:00"
    assert cable.return_deadline == datetime.date(2024, 12, 5)  # "2024-12-05T00:00:00+05:00"
    voided = Warranty.objects.get(id=W_LAPTOP_VOIDED)
    assert voided.warranty_start == datetime.date(2025, 2, 3)
    assert voided.warranty_end == datetime.date(2028, 2, 3)


def test_missing_optional_keys_take_the_defaults():
    import_json(json_file(legacy_export()))

    kettle = purchase_named("Kettle")
    assert kettle.currency_code == "USD"  # no currency setting stored: USD
    assert kettle.quantity == 1
    assert kettle.tax_deductible is False
    assert kettle.status == "RECEIVED"
    assert kettle.retailer_id is None and kettle.brand_id is None
    assert kettle.notes is None and kettle.tags is None


def test_a_missing_currency_code_takes_the_preferred_currency():
    preferences_update(currency_code="EUR")
    data = {"purchases": [{"product_name": "Kettle", "price": "45", "purchase_date": "2025-01-20"}]}

    import_json(json_file(data))

    assert purchase_named("Kettle").currency_code == "EUR"


# -- Ids and references ---------------------------------------------------------------------------


def test_valid_ids_are_kept_whether_dashed_or_32_hex():
    import_json(json_file(legacy_export()))

    assert Purchase.objects.filter(id=P_LAPTOP, product_name="Laptop").exists()
    assert Purchase.objects.filter(id=uuid.UUID(P_MUG_HEX), product_name="Mug").exists()
    assert Retailer.objects.filter(id=R_KITCHEN, name="Kitchen Outlet").exists()
    assert Brand.objects.filter(id=uuid.UUID(B_LENOVO_HEX), name="Lenovo").exists()
    assert Warranty.objects.filter(id=W_LAPTOP, purchase_id=P_LAPTOP).exists()
    receipt = Attachment.objects.get(id=uuid.UUID(F_RECEIPT_HEX))
    assert receipt.purchase_id == uuid.UUID(P_LAPTOP)
    assert Attachment.objects.filter(id=F_PHOTO).exists()


def test_invalid_ids_get_new_uuids_and_the_references_follow():
    report = import_json(json_file(legacy_export())).as_dict()

    cable = purchase_named("USB cable")  # id "legacy-42"
    corner = Retailer.objects.get(name="Corner Shop")  # id "shop-7"
    assert isinstance(cable.id, uuid.UUID) and isinstance(corner.id, uuid.UUID)
    assert cable.retailer_id == corner.id
    # The warranty ("w-cable", itself with an invalid id) and the photo point at the new id.
    assert cable.warranties.count() == 1
    assert cable.warranties.get().warranty_end == datetime.date(2025, 11, 5)
    assert Attachment.objects.get(id=F_PHOTO).purchase_id == cable.id
    assert not mentioning(report["errors"], P_CABLE) and not mentioning(report["errors"], R_CORNER)


def test_missing_ids_are_generated():
    import_json(json_file(legacy_export()))

    stall = Retailer.objects.get(name="Market Stall")
    kettle = purchase_named("Kettle")
    assert isinstance(stall.id, uuid.UUID) and isinstance(kettle.id, uuid.UUID)
    mug = Purchase.objects.get(id=uuid.UUID(P_MUG_HEX))
    assert mug.warranties.count() == 1  # the warranty without an id
    assert mug.attachments.get().filename == "mug-receipt.pdf"  # the attachment without an id


def test_a_retailer_or_brand_whose_name_exists_under_another_id_is_merged(existing_catalog):
    report = import_json(json_file(legacy_export())).as_dict()

    home, sony = existing_catalog["home"], existing_catalog["sony"]
    assert Retailer.objects.filter(name__iexact="home depot").count() == 1
    assert Brand.objects.filter(name__iexact="sony").count() == 1
    assert not Retailer.objects.filter(id=R_HOME).exists()
    assert not Brand.objects.filter(id=B_SONY).exists()
    assert purchase_named("Mug").retailer_id == home.id
    assert purchase_named("USB cable").brand_id == sony.id
    assert report["retailers_merged"] == 1 and report["brands_merged"] == 1
    assert len(mentioning(report["warnings"], R_HOME)) == 1
    assert len(mentioning(report["warnings"], B_SONY)) == 1
    home.refresh_from_db()
    assert home.name == "Home Depot"  # the existing record is kept as it is


def test_two_entries_of_one_file_with_the_same_name_are_merged_too():
    data = {
        "brands": [
            {"id": B_LENOVO_HEX, "name": "Lenovo", "url": "", "created_at": "2025-01-02 10:00:00"},
            {"id": B_SONY, "name": " LENOVO", "url": "", "created_at": "2025-01-02 10:00:00"},
        ],
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="900", brand_id=B_SONY)
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert Brand.objects.get().id == uuid.UUID(B_LENOVO_HEX)
    assert Purchase.objects.get().brand_id == uuid.UUID(B_LENOVO_HEX)
    assert report["brands_added"] == 1 and report["brands_merged"] == 1


def test_a_dangling_retailer_or_brand_reference_is_left_empty_with_a_warning():
    data = legacy_export()
    for record in data["purchases"]:
        if record.get("product_name") == "Kettle":
            record["retailer_id"] = P_GONE

    report = import_json(json_file(data)).as_dict()

    mug = purchase_named("Mug")
    assert mug.brand_id is None  # B_GHOST is in neither the file nor the database
    assert purchase_named("Kettle").retailer_id is None
    assert len(mentioning(report["warnings"], B_GHOST)) == 1
    assert len(mentioning(report["warnings"], P_GONE)) == 1
    assert not mentioning(report["errors"], P_MUG_HEX)


# -- Purchases skipped: future dates, bad prices ------------------------------------------------


def test_a_future_purchase_is_skipped_with_its_warranties_and_files_and_no_orphans():
    report = import_json(json_file(legacy_export())).as_dict()

    assert report["purchases_skipped_future_date"] == 1
    assert not Purchase.objects.filter(id=P_FUTURE).exists()
    assert not Purchase.objects.filter(purchase_date__gt=clock.today()).exists()
    for record_id in SKIPPED_WITH_WARNING:
        assert len(mentioning(report["warnings"], record_id)) == 1, record_id
        assert not mentioning(report["errors"], record_id)
    assert not Warranty.objects.filter(id=W_FUTURE).exists()
    assert not Attachment.objects.filter(id=F_FUTURE).exists()
    assert not Blob.objects.filter(sha256=sha256(LOST)).exists()  # no blob row for nothing


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("999.99", Decimal("999.99")),
        ("999.9", Decimal("999.90")),
        ("10", Decimal("10.00")),
        ("12.345", Decimal("12.35")),
        ("12.344", Decimal("12.34")),
        ("0.005", Decimal("0.01")),
        (" 1000.0 ", Decimal("1000.00")),
        (12.345, Decimal("12.35")),
        (10, Decimal("10.00")),
        (0.125, Decimal("0.13")),
    ],
)
def test_money_as_a_string_or_a_number_is_rounded_half_up(price, expected):
    data = {"purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price=price)]}

    report = import_json(json_file(data)).as_dict()

    assert report["purchases_added"] == 1 and report["errors"] == []
    assert Purchase.objects.get().price == expected


@pytest.mark.parametrize("price", ["0", "0.00", "-5", -1, 0, "0.004", "0.0049"])
def test_a_price_not_above_zero_skips_the_record_with_an_error_naming_it(price):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="999.99"),
            legacy_purchase(id=P_FREE, product_name="Free sample", price=price),
        ]
    }

    report = import_json(json_file(data)).as_dict()

    assert report["purchases_added"] == 1
    assert len(report["errors"]) == 1 and P_FREE in report["errors"][0]
    assert list(Purchase.objects.values_list("product_name", flat=True)) == ["Laptop"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (1, True),
        (True, True),
        (False, False),
        ("0", False),
        ("1", True),
        ("true", True),
        ("false", False),
        (None, False),
    ],
)
def test_tax_deductible_accepts_0_1_true_false_and_their_strings(value, expected):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", tax_deductible=value)
        ]
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == []
    assert Purchase.objects.get().tax_deductible is expected


@pytest.mark.parametrize(
    "written",
    [
        "2025-02-03",
        "2025-02-03 00:00:00",
        "2025-02-03 23:59:59.999999",
        "2025-02-03T18:40:12",
        "2025-02-03T23:30:00Z",
        "2025-02-03T00:30:00+05:00",  # the UTC instant is on the 2nd: the written date is kept
        "2025-02-03 22:00:00-08:00",  # the UTC instant is on the 4th
    ],
)
def test_a_purchase_date_written_as_a_datetime_keeps_its_date(written):
    data = {
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", purchase_date=written)
        ]
    }

    import_json(json_file(data))

    assert Purchase.objects.get().purchase_date == datetime.date(2025, 2, 3)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-02-03 18:40:12.118302", datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, UTC)),
        ("2025-02-03 18:40:12", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03T18:40:12Z", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03 20:40:12+02:00", datetime.datetime(2025, 2, 3, 18, 40, 12, tzinfo=UTC)),
        ("2025-02-03T13:40:12.5-05:00", datetime.datetime(2025, 2, 3, 18, 40, 12, 500000, UTC)),
    ],
)
def test_created_at_is_kept_from_the_file_and_naive_values_are_utc(written, expected):
    data = {
        "retailers": [
            {"id": R_KITCHEN, "name": "Kitchen Outlet", "url": "", "created_at": written}
        ],
        "purchases": [
            legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1", created_at=written)
        ],
        "warranties": [legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, created_at=written)],
    }

    import_json(json_file(data))

    assert Purchase.objects.get().created_at == expected
    assert Retailer.objects.get().created_at == expected
    assert Warranty.objects.get().created_at == expected


# -- Warranties -----------------------------------------------------------------------------------


def test_several_warranties_of_one_purchase_are_all_kept():
    import_json(json_file(legacy_export()))

    laptop = Warranty.objects.filter(purchase_id=P_LAPTOP).order_by("warranty_end")
    assert [(w.id, w.warranty_type, w.voided) for w in laptop] == [
        (uuid.UUID(W_LAPTOP), "LIMITED", False),
        (uuid.UUID(W_LAPTOP_VOIDED), "EXTENDED", True),
    ]
    first = laptop[0]
    assert first.provider == "Lenovo"
    assert first.created_at == datetime.datetime(2025, 2, 3, 18, 41, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "voided"),
    [
        ("ACTIVE", False),
        ("active", False),
        ("WarrantyStatus.ACTIVE", False),
        ("warrantystatus.active", False),
        ("WarrantyStatus.EXPIRED", False),
        ("VOIDED", True),
        ("voided", True),
        ("WarrantyStatus.VOIDED", True),
        ("warrantystatus.Voided", True),
    ],
)
def test_warranty_status_is_read_in_any_spelling(status, voided):
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, status=status)],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == [] and report["warranties_added"] == 1
    assert Warranty.objects.get().voided is voided


def test_an_unknown_warranty_status_skips_the_warranty_with_an_error():
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [
            legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, status="WarrantyStatus.BROKEN")
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["warranties_added"] == 0 and not Warranty.objects.exists()
    assert len(mentioning(report["errors"], W_LAPTOP)) == 1


def test_a_warranty_or_file_whose_purchase_is_absent_is_skipped_with_an_error():
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "warranties": [legacy_warranty(id=W_ORPHAN, purchase_id=P_GONE)],
        "files": [legacy_file(RECEIPT, ".pdf", id=F_ORPHAN, purchase_id=P_GONE)],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["warranties_added"] == 0 and report["files_added"] == 0
    assert len(mentioning(report["errors"], W_ORPHAN)) == 1
    assert len(mentioning(report["errors"], F_ORPHAN)) == 1
    assert not Warranty.objects.exists() and not Attachment.objects.exists()
    assert not Blob.objects.exists()


# -- Attachment records ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("receipt", "receipt"),
        ("RECEIPT", "receipt"),
        ("Receipt", "receipt"),
        ("FileType.RECEIPT", "receipt"),
        ("filetype.receipt", "receipt"),
        ("FileType.MANUAL", "manual"),
        ("FileType.PHOTO", "photo"),
        ("FileType.WARRANTY", "warranty"),
        ("OTHER", "other"),
    ],
)
def test_file_type_is_read_in_any_spelling(written, expected):
    data = {
        "purchases": [legacy_purchase(id=P_LAPTOP, product_name="Laptop", price="1")],
        "files": [
            legacy_file(RECEIPT, ".pdf", id=F_RECEIPT_HEX, purchase_id=P_LAPTOP, file_type=written)
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == [] and report["files_added"] == 1
    assert Attachment.objects.get().file_type == expected


def test_attachment_records_are_kept_with_their_blob_marked_missing_and_counts_recomputed():
    report = import_json(json_file(legacy_export())).as_dict()

    receipt = Attachment.objects.get(id=uuid.UUID(F_RECEIPT_HEX))
    assert receipt.file_type == "receipt"
    assert (receipt.filename, receipt.mime_type) == ("receipt.pdf", "application/pdf")
    assert receipt.created_at == datetime.datetime(2025, 2, 3, 18, 42, 0, 500000, tzinfo=UTC)
    assert receipt.blob.name == blob_path(RECEIPT, ".pdf")
    assert receipt.blob.size == len(RECEIPT)
    # The file said 7 and 0 for the two records sharing the receipt: there are 2.
    assert receipt.blob.reference_count == 2
    assert Attachment.objects.filter(blob=receipt.blob).count() == 2
    photo = Attachment.objects.get(id=F_PHOTO)
    assert (photo.file_type, photo.blob.extension) == ("photo", ".JPG")
    assert photo.blob.reference_count == 1  # the file said 3
    # A JSON file brings no contents: the records are kept, their blobs marked missing.
    assert set(Blob.objects.values_list("missing", flat=True)) == {True}
    assert mentioning(report["warnings"], sha256(RECEIPT))
    assert mentioning(report["warnings"], sha256(PHOTO))


# -- Records that exist already: mode skip and mode update ---------------------------------------


@pytest.fixture
def existing_laptop():
    shop = RetailerFactory(name="Old Shop")
    laptop = PurchaseFactory(
        id=uuid.UUID(P_LAPTOP),
        product_name="Old laptop",
        price=Decimal("1.00"),
        retailer=shop,
        brand=None,
        purchase_date=datetime.date(2024, 1, 1),
    )
    WarrantyFactory(id=uuid.UUID(W_LAPTOP), purchase=laptop, warranty_type="OLD")
    return laptop


def duplicate_file() -> dict:
    """The laptop again (its id written without dashes), its warranty, and one new purchase."""
    shop_id = str(Retailer.objects.get(name="Old Shop").id)
    return {
        "retailers": [{"id": shop_id, "name": "Renamed Shop", "url": "", "created_at": None}],
        "purchases": [
            legacy_purchase(
                id=uuid.UUID(P_LAPTOP).hex,
                product_name="Laptop",
                price="20.5",
                retailer_id=shop_id,
                purchase_date="2025-02-03",
            ),
            legacy_purchase(id=P_MUG_HEX, product_name="Mug", price="3"),
        ],
        "warranties": [
            legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, warranty_type="LIMITED"),
        ],
    }


def test_records_whose_id_exists_are_skipped_in_mode_skip(existing_laptop):
    report = import_json(json_file(duplicate_file()), mode="skip").as_dict()

    assert report["purchases_skipped_existing"] == 1
    assert report["purchases_added"] == 1
    assert report["retailers_added"] == 0 and report["warranties_added"] == 0
    existing_laptop.refresh_from_db()
    assert (existing_laptop.product_name, existing_laptop.price) == ("Old laptop", Decimal("1"))
    assert Warranty.objects.get().warranty_type == "OLD"
    assert Retailer.objects.get().name == "Old Shop"
    assert Purchase.objects.count() == 2


def test_records_whose_id_exists_are_updated_in_mode_update(existing_laptop):
    report = import_json(json_file(duplicate_file()), mode="update").as_dict()

    assert report["purchases_skipped_existing"] == 0
    assert report["purchases_added"] == 1
    existing_laptop.refresh_from_db()
    assert existing_laptop.product_name == "Laptop"
    assert existing_laptop.price == Decimal("20.50")
    assert existing_laptop.purchase_date == datetime.date(2025, 2, 3)
    assert existing_laptop.updated_at is not None
    assert Warranty.objects.get().warranty_type == "LIMITED"
    assert Retailer.objects.get().name == "Renamed Shop"
    assert Purchase.objects.count() == 2


# -- When every record fails: nothing changes ---------------------------------------------------


@pytest.fixture
def household():
    preferences_update(currency_code="GBP")
    laptop = PurchaseFactory(product_name="Existing laptop")
    WarrantyFactory(purchase=laptop)
    attachment_add(
        purchase=laptop, upload=SimpleUploadedFile("known.png", KNOWN), file_type="warranty"
    )
    return laptop


def all_failing_export() -> dict:
    return {
        "retailers": [],
        "purchases": [
            legacy_purchase(id=P_FREE, product_name="Free sample", price="0"),
            legacy_purchase(id=P_NEGATIVE, product_name="", price="5"),
            legacy_purchase(id=P_ROUNDS_TO_ZERO, product_name="Bad date", price="5")
            | {"purchase_date": "03/02/2025"},
        ],
        "warranties": [legacy_warranty(id=W_ORPHAN, purchase_id=P_GONE)],
        "files": [legacy_file(RECEIPT, ".pdf", id=F_ORPHAN, purchase_id=P_FREE)],
    }


def test_a_json_file_whose_every_record_fails_is_rejected_and_changes_nothing(household):
    before = database_snapshot()

    with pytest.raises(ImportRejected) as rejected:
        import_json(json_file(all_failing_export()))

    assert P_FREE in str(rejected.value)
    assert database_snapshot() == before


def test_a_csv_file_whose_every_row_fails_is_rejected_and_changes_nothing(household):
    before = database_snapshot()
    text = (
        "product_name,price,purchase_date\r\n"
        "Free sample,0.0,2025-01-01\r\n"
        "Refund,-5.0,2025-01-01\r\n"
        "Bad date,5.0,03/02/2025\r\n"
    )

    with pytest.raises(ImportRejected):
        import_csv(io.BytesIO(text.encode()))

    assert database_snapshot() == before


def test_a_zip_archive_whose_every_record_fails_is_rejected_and_changes_nothing(household):
    before = database_snapshot()
    archive = legacy_zip(all_failing_export(), {".pdf": RECEIPT})

    with pytest.raises(ImportRejected):
        import_zip(archive)

    assert database_snapshot() == before  # the receipt's blob was not written to the store


# -- Legacy CSV ------------------------------------------------------------------------------------

C_LAPTOP = "3f6c2a9e-1b7d-4c55-9e0a-2d8f41b7c019"
C_CABLE = "4a7d3b0f-2c8e-4d66-8f1b-3e9a52c8d12a"
C_FUTURE = "5b8e4c1a-3d9f-4e77-9a2c-4fab63d9e23b"
C_FREE = "6c9f5d2b-4e0a-4f88-8b3d-5abc74eaf34c"


def legacy_csv(*, bom: bool, existing_id: str, retailer_id: str) -> bytes:
    """The existing application's CSV: 13 columns, float-printed prices, CRLF line ends."""
    lines = [
        "id,product_name,price,currency_code,retailer_id,brand_id,purchase_date,notes,"
        "model_number,serial_number,retailer_order_number,created_at,updated_at",
        f"{C_LAPTOP},Laptop,999.99,USD,{retailer_id},,2025-02-03,"
        '"Line one\nline two, with ""quotes""",T14s,SN-123,ORD-1,2025-02-03T18:40:12.118302,',
        f"{C_CABLE},USB cable,10.0,EUR,{P_GONE},,2024-11-05,,,,,2024-11-05T23:31:00,"
        "2024-11-06T08:00:00.5",
        ",Monitor,1000.0,USD,,,2025-01-20,,,,,2025-01-20T10:00:00,",
        f"{existing_id},Laptop again,5.0,USD,,,2025-01-01,,,,,2025-01-01T00:00:00,",
        f"{C_FUTURE},Pre-ordered phone,799.0,USD,,,{future_day()},,,,,2025-01-01T00:00:00,",
        f"{C_FREE},Free sample,0.0,USD,,,2025-01-01,,,,,2025-01-01T00:00:00,",
    ]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_a_legacy_csv_imports_every_good_row(bom):
    shop = RetailerFactory(name="Kitchen Outlet")
    existing = PurchaseFactory(product_name="Existing", purchase_date=datetime.date(2024, 5, 1))
    data = legacy_csv(bom=bom, existing_id=str(existing.id), retailer_id=str(shop.id))

    report = import_csv(io.BytesIO(data)).as_dict()

    assert report.keys() >= CSV_REPORT_KEYS
    assert report["rows_total"] == 6
    assert report["purchases_added"] == 3
    assert report["rows_skipped"] == 3
    assert report["purchases_skipped_existing"] == 1
    assert report["purchases_skipped_future_date"] == 1
    assert len(report["errors"]) == 1
    assert C_FREE in report["errors"][0] or "line 8" in report["errors"][0]
    assert Purchase.objects.count() == 1 + report["purchases_added"]
    existing.refresh_from_db()
    assert existing.product_name == "Existing"

    laptop = Purchase.objects.get(id=C_LAPTOP)
    assert laptop.price == Decimal("999.99")
    assert laptop.currency_code == "USD"
    assert laptop.retailer_id == shop.id
    assert laptop.brand_id is None
    assert laptop.notes == 'Line one\nline two, with "quotes"'
    assert (laptop.model_number, laptop.serial_number) == ("T14s", "SN-123")
    assert laptop.retailer_order_number == "ORD-1"
    assert laptop.created_at == datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, tzinfo=UTC)
    assert laptop.updated_at is None
    # Columns the legacy file does not have take their defaults.
    assert (laptop.quantity, laptop.tax_deductible, laptop.status) == (1, False, "RECEIVED")

    cable = Purchase.objects.get(id=C_CABLE)
    assert cable.price == Decimal("10.00")
    assert cable.currency_code == "EUR"
    assert cable.retailer_id is None  # dangling: left empty, with a warning
    assert len(mentioning(report["warnings"], P_GONE)) == 1
    assert cable.updated_at == datetime.datetime(2024, 11, 6, 8, 0, 0, 500000, tzinfo=UTC)

    monitor = purchase_named("Monitor")
    assert monitor.price == Decimal("1000.00")
    assert isinstance(monitor.id, uuid.UUID)  # empty id: generated
    assert not Purchase.objects.filter(id__in=[C_FUTURE, C_FREE]).exists()


def test_a_csv_with_only_the_required_columns_in_another_order_imports():
    preferences_update(currency_code="CHF")
    text = (
        "purchase_date,price,product_name\r\n"
        "2025-01-20,45,Kettle\r\n"
        '2025-01-21,"1,5",Broken price\r\n'
        "2025-01-22 09:30:00,12.345,Toaster\r\n"
    )

    report = import_csv(io.BytesIO(text.encode())).as_dict()

    assert report["rows_total"] == 3 and report["purchases_added"] == 2
    assert report["rows_skipped"] == 1 and len(report["errors"]) == 1
    kettle, toaster = purchase_named("Kettle"), purchase_named("Toaster")
    assert (kettle.price, kettle.purchase_date) == (Decimal("45.00"), datetime.date(2025, 1, 20))
    assert (toaster.price, toaster.purchase_date) == (Decimal("12.35"), datetime.date(2025, 1, 22))
    assert kettle.currency_code == "CHF"  # missing: the preferred currency
    assert (kettle.quantity, kettle.tax_deductible, kettle.status) == (1, False, "RECEIVED")
    assert kettle.retailer_id is None and kettle.brand_id is None


def test_a_csv_without_a_required_column_is_rejected():
    text = "id,product_name,price\r\n,Kettle,45.0\r\n"

    with pytest.raises(ImportRejected):
        import_csv(io.BytesIO(text.encode()))

    assert not Purchase.objects.exists()


# -- Legacy ZIP ------------------------------------------------------------------------------------

STRAY_ENTRIES = ["uploads/.DS_Store", "uploads/12/34/thumbnail-cache.db", "uploads/notes.txt"]


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


def test_a_legacy_zip_imports_records_and_files(existing_catalog):
    known_owner = PurchaseFactory(product_name="Existing", retailer=None, brand=None)
    attachment_add(
        purchase=known_owner, upload=SimpleUploadedFile("card.png", KNOWN), file_type="warranty"
    )
    extra = (  # the manual's content is not archived; the card is in the store already
        legacy_file(LOST, ".pdf", purchase_id=P_LAPTOP, filename="manual.pdf"),
        legacy_file(LOST, ".pdf", purchase_id=P_MUG_HEX, filename="manual.pdf"),
        legacy_file(KNOWN, ".png", purchase_id=P_LAPTOP, file_type="FileType.WARRANTY"),
    )
    archive = legacy_zip(
        legacy_export(extra_files=extra),
        {".pdf": RECEIPT, ".JPG": PHOTO},
        stray=tuple(STRAY_ENTRIES),
    )
    assert "manifest.json" not in zipfile.ZipFile(archive).namelist()

    report = import_zip(archive).as_dict()

    assert report.keys() >= ZIP_REPORT_KEYS
    assert report["data_imported"] is True
    assert report["purchases_added"] == 4 and report["purchases_skipped_future_date"] == 1
    assert report["files_added"] == 6
    assert report["files_extracted"] == 3  # receipt and photo written, the card already there
    assert report["files_missing"] == 2  # the two records of the manual
    assert Purchase.objects.count() == 1 + report["purchases_added"]
    assert Warranty.objects.count() == report["warranties_added"]
    assert Attachment.objects.count() == 1 + report["files_added"]
    assert Retailer.objects.count() == 1 + report["retailers_added"]
    assert Brand.objects.count() == 1 + report["brands_added"]
    for record_id in SKIPPED_WITH_ERROR:
        assert mentioning(report["errors"], record_id), record_id
    assert len(report["errors"]) == len(SKIPPED_WITH_ERROR)

    # The archived blobs are in the store, byte for byte, under their legacy names.
    for content, extension in [(RECEIPT, ".pdf"), (PHOTO, ".JPG")]:
        blob = Blob.objects.get(sha256=sha256(content))
        assert blob.name == blob_path(content, extension)
        assert blob.missing is False
        with default_storage.open(blob.name) as stored:
            assert stored.read() == content
    assert Blob.objects.get(sha256=sha256(RECEIPT)).reference_count == 2
    # The card was stored already: shared, not written again.
    known = Blob.objects.get(sha256=sha256(KNOWN))
    assert (known.reference_count, known.missing) == (2, False)
    # The manual's content is nowhere: the record is kept and its blob marked missing.
    lost = Blob.objects.get(sha256=sha256(LOST))
    assert lost.missing is True and lost.reference_count == 2
    assert set(lost.attachments.values_list("purchase_id", flat=True)) == {
        uuid.UUID(P_LAPTOP),
        uuid.UUID(P_MUG_HEX),
    }
    assert mentioning(report["warnings"], sha256(LOST))
    assert stored_files() == sorted(
        [blob_path(RECEIPT, ".pdf"), blob_path(PHOTO, ".JPG"), blob_path(KNOWN, ".png")]
    )


def test_stray_files_in_a_legacy_archive_are_ignored_with_a_warning():
    archive = legacy_zip(legacy_export(), {".pdf": RECEIPT}, stray=tuple(STRAY_ENTRIES))

    report = import_zip(archive).as_dict()

    assert report["data_imported"] is True and report["purchases_added"] == 4
    for name in STRAY_ENTRIES:
        assert mentioning(report["warnings"], name), name
    assert stored_files() == [blob_path(RECEIPT, ".pdf")]
    # The photo's record is kept although the archive lacks its content.
    assert report["files_missing"] == 1
    assert Blob.objects.get(sha256=sha256(PHOTO)).missing is True
    assert Blob.objects.get(sha256=sha256(RECEIPT)).missing is False


def test_a_blob_used_only_by_skipped_records_is_not_written_to_the_store():
    """The future purchase's file and the orphan file share LOST: neither is imported."""
    archive = legacy_zip(legacy_export(), {".pdf": RECEIPT, ".JPG": PHOTO, ".PDF": LOST})

    report = import_zip(archive).as_dict()

    assert report["files_added"] == 3 and report["files_missing"] == 0
    assert report["files_extracted"] == 2
    assert not Blob.objects.filter(sha256=sha256(LOST)).exists()
    assert stored_files() == sorted([blob_path(RECEIPT, ".pdf"), blob_path(PHOTO, ".JPG")])


def test_a_legacy_export_larger_than_a_write_batch_imports_completely():
    """2,500 purchases, each with a warranty and a receipt: every reference survives batching."""
    count = 2500
    ids = [uuid.UUID(int=n + 1) for n in range(count)]
    data = {
        "retailers": [{"id": R_KITCHEN, "name": "Kitchen Outlet", "url": "", "created_at": None}],
        "purchases": [
            legacy_purchase(
                id=uid.hex, product_name=f"Item {n}", price=f"{n + 1}.5", retailer_id=R_KITCHEN
            )
            for n, uid in enumerate(ids)
        ],
        "warranties": [
            legacy_warranty(id=None, purchase_id=str(uid), status="WarrantyStatus.ACTIVE")
            for uid in reversed(ids)
        ],
        "files": [
            legacy_file(RECEIPT, ".pdf", id=None, purchase_id=uid.hex, file_type="FileType.RECEIPT")
            for uid in ids
        ],
    }

    report = import_json(json_file(data)).as_dict()

    assert report["errors"] == []
    assert report["purchases_added"] == Purchase.objects.count() == count
    assert report["warranties_added"] == Warranty.objects.count() == count
    assert report["files_added"] == Attachment.objects.count() == count
    assert set(Purchase.objects.values_list("id", flat=True)) == set(ids)
    assert Purchase.objects.filter(retailer_id=R_KITCHEN).count() == count
    assert Purchase.objects.filter(warranties__isnull=True).count() == 0
    assert Purchase.objects.filter(attachments__isnull=True).count() == 0
    assert Blob.objects.get().reference_count == count
    assert Purchase.objects.get(id=ids[-1]).price == Decimal("2500.50")


def test_naive_legacy_datetimes_are_utc_whatever_the_time_zone_setting(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    data = {
        "purchases": [
            legacy_purchase(
                id=P_LAPTOP,
                product_name="Laptop",
                price="1",
                purchase_date="2025-02-03",
                created_at="2025-02-03 18:40:12.118302",
            )
        ]
    }

    import_json(json_file(data))

    laptop = Purchase.objects.get()
    assert laptop.created_at == datetime.datetime(2025, 2, 3, 18, 40, 12, 118302, tzinfo=UTC)
    assert laptop.purchase_date == datetime.date(2025, 2, 3)
