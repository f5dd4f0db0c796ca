"""The legacy 13-column CSV export: every good row imported, the required columns in any
order, a missing required column refused (docs/api.md §6.2, §6.5)."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest

from catalog.tests.factories import RetailerFactory
from interchange.imports import ImportRejected, import_csv
from interchange.tests.legacy_imports.helpers import (
    CSV_REPORT_KEYS,
    P_GONE,
    UTC,
    future_day,
    mentioning,
    purchase_named,
)
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


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
