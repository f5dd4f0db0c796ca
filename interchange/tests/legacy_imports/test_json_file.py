"""A whole legacy JSON export: the report matches the database, values are read into the model,
defaults fill missing keys, ids are kept or replaced and references follow, names are merged,
dangling references are left empty (docs/api.md §6.5)."""

import datetime
import uuid
from decimal import Decimal

import pytest

from catalog.models import Brand, Retailer
from interchange.imports import import_json
from interchange.tests.legacy_imports.helpers import (
    B_GHOST,
    B_LENOVO_HEX,
    B_SONY,
    F_FUTURE,
    F_ORPHAN,
    F_PHOTO,
    F_RECEIPT_HEX,
    JSON_REPORT_KEYS,
    P_CABLE,
    P_GONE,
    P_LAPTOP,
    P_MUG_HEX,
    R_CORNER,
    R_HOME,
    R_KITCHEN,
    SKIPPED_WITH_ERROR,
    UTC,
    W_FREE,
    W_FUTURE,
    W_LAPTOP,
    W_LAPTOP_VOIDED,
    W_ORPHAN,
    json_file,
    legacy_export,
    legacy_purchase,
    mentioning,
    purchase_named,
)
from preferences.services import preferences_update
from purchases.models import Attachment, Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


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
