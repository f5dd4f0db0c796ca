import csv
import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.exports import export_json_chunks
from interchange.formats import CSV_COLUMNS, CSV_LEGACY_COLUMNS
from interchange.tests.factories import attach, settings_stored
from purchases.tests.factories import PurchaseFactory
from warranties.models import ClaimStatus
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    settings_stored()
    shop, maker = RetailerFactory(name="Kitchen Outlet"), BrandFactory(name="Delonghi", url="")
    espresso = PurchaseFactory(
        product_name="Espresso machine",
        price=Decimal("429.00"),
        currency_code="EUR",
        retailer=shop,
        brand=maker,
        purchase_date=datetime.date(2025, 2, 3),
        tags="kitchen,coffee",
        tax_deductible=True,
    )
    warranty = WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2027, 2, 3))
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2030, 2, 3), voided=True)
    PurchaseFactory(product_name='=HYPERLINK("http://evil")', retailer=None, brand=None)
    attachment = attach(espresso, "receipt.pdf", b"%PDF-1.4 receipt")
    claim = ClaimFactory(
        warranty=warranty,
        number="RMA-123",
        opened_on=datetime.date(2025, 6, 1),
        status=ClaimStatus.IN_PROGRESS,
        cost=Decimal("12.50"),
        currency_code="EUR",
        follow_up_on=datetime.date(2025, 6, 15),
    )
    ClaimFactory(
        warranty=warranty,
        opened_on=datetime.date(2025, 3, 1),
        status=ClaimStatus.RESOLVED,
        closed_on=datetime.date(2025, 3, 9),
    )
    attachment.claim = claim
    attachment.save(update_fields=["claim"])
    return {"espresso": espresso, "attachment": attachment, "claim": claim}


def test_json_export_is_version_4_with_every_record_and_the_settings(api_client, household):
    response = api_client.get("/api/export/json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(b"".join(response.streaming_content))

    assert data["format_version"] == 4
    assert data["settings"] == {
        "currency_code": "EUR",
        "date_format": "DD.MM.YYYY",
        "number_style": "en_US",
    }
    assert [len(data[key]) for key in ("retailers", "brands", "purchases", "warranties")] == [
        1,
        1,
        2,
        2,
    ]
    espresso = next(p for p in data["purchases"] if p["product_name"] == "Espresso machine")
    assert espresso["price"] == "429.00"
    assert espresso["tax_deductible"] == 1
    assert espresso["status"] == "RECEIVED"
    assert espresso["purchase_date"] == "2025-02-03"
    assert espresso["created_at"].endswith("Z")
    assert sorted(w["status"] for w in data["warranties"]) == ["ACTIVE", "VOIDED"]
    assert data["brands"][0]["url"] == ""
    [file] = data["files"]
    assert file["file_type"] == "receipt"
    assert file["file_hash"] == hashlib.sha256(b"%PDF-1.4 receipt").hexdigest()
    assert file["stored_filename"] == file["file_hash"] + ".pdf"
    claim = household["claim"]
    assert file["claim_id"] == str(claim.id)
    assert [c["status"] for c in data["claims"]] == ["IN_PROGRESS", "RESOLVED"]
    assert data["claims"][0] == {
        "id": str(claim.id),
        "warranty_id": str(claim.warranty_id),
        "opened_on": "2025-06-01",
        "number": "RMA-123",
        "status": "IN_PROGRESS",
        "closed_on": None,
        "resolution": None,
        "cost": "12.50",
        "currency_code": "EUR",
        "follow_up_on": "2025-06-15",
        "notes": None,
        "created_at": data["claims"][0]["created_at"],
        "updated_at": None,
        "created_by": None,
        "updated_by": None,
    }
    assert data["claims"][1]["closed_on"] == "2025-03-09"


def test_csv_export_keeps_the_legacy_columns_first_and_defuses_formulas(api_client, household):
    response = api_client.get("/api/export/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert not body.startswith("\ufeff")
    assert "\r\n" in body
    rows = list(csv.DictReader(io.StringIO(body)))

    assert list(rows[0])[: len(CSV_LEGACY_COLUMNS)] == CSV_LEGACY_COLUMNS
    assert list(rows[0]) == CSV_COLUMNS
    by_name = {row["product_name"]: row for row in rows}
    espresso = by_name["Espresso machine"]
    assert (espresso["price"], espresso["retailer_name"], espresso["brand_name"]) == (
        "429.00",
        "Kitchen Outlet",
        "Delonghi",
    )
    assert espresso["warranty_end"] == "2027-02-03"  # the voided later one is not primary
    assert espresso["tags"] == "kitchen,coffee"
    assert espresso["open_claims"] == "1"  # the resolved one is not counted
    assert by_name['\'=HYPERLINK("http://evil")']["open_claims"] == "0"
    assert '\'=HYPERLINK("http://evil")' in by_name


def test_zip_export_carries_data_files_and_a_manifest_that_checks_out(api_client, household):
    response = api_client.get("/api/export/zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    data = archive.read("data.json")

    assert manifest["format_version"] == 4
    assert manifest["data_sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["record_counts"] == {
        "retailers": 1,
        "brands": 1,
        "purchases": 2,
        "warranties": 2,
        "claims": 2,
        "files": 1,
    }
    [blob] = manifest["blobs"]
    assert blob["path"] == f"uploads/{household['attachment'].blob.name}"
    assert hashlib.sha256(archive.read(blob["path"])).hexdigest() == blob["sha256"]
    assert archive.read(blob["path"]) == b"%PDF-1.4 receipt"
    assert set(archive.namelist()) == {"data.json", "manifest.json", blob["path"]}


def test_an_empty_database_exports_valid_files(api_client):
    data = json.loads(b"".join(api_client.get("/api/export/json").streaming_content))
    assert data["purchases"] == [] and data["files"] == []
    body = b"".join(api_client.get("/api/export/csv").streaming_content).decode()
    assert body == ",".join(CSV_COLUMNS) + "\r\n"


def test_exports_need_credentials(client):
    assert client.get("/api/export/json").status_code == 401


def test_the_command_writes_each_format_to_a_file(household, tmp_path):
    for fmt in ("json", "csv", "zip"):
        target = tmp_path / f"export.{fmt}"
        call_command(
            "backups_export", "--format", fmt, "--output", str(target), stderr=io.StringIO()
        )
        assert target.stat().st_size > 0
    assert json.loads((tmp_path / "export.json").read_text())["format_version"] == 4
    assert zipfile.ZipFile(tmp_path / "export.zip").testzip() is None
    assert not list(tmp_path.glob(".export*")), "no partial file is left behind"


def test_the_command_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backups_export", "--output", str(tmp_path / "nowhere" / "x.json"))


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_in_a_transaction_that_takes_no_write_lock():
    PurchaseFactory()
    with CaptureQueriesContext(connection) as queries:
        b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in export_json_chunks()
        )
    begins = [query["sql"] for query in queries if query["sql"].startswith("BEGIN")]
    if connection.vendor == "sqlite":
        # IMMEDIATE (the writers' mode) would take SQLite's one write lock for the whole export.
        assert begins == ["BEGIN DEFERRED"]
        assert connection.transaction_mode == "IMMEDIATE", "the writers' mode is put back"
    else:
        isolation = [q["sql"] for q in queries if "ISOLATION LEVEL" in q["sql"]]
        assert isolation == ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"]
