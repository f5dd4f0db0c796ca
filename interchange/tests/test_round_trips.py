"""Export → reset → import gives back the same records, files and settings."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import MemberFactory
from backups.services import data_reset_all
from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.archive import export_zip
from interchange.exports import export_csv_chunks, export_json_chunks
from interchange.imports import import_csv, import_json, import_zip
from interchange.tests.factories import settings_stored
from preferences.selectors import preferences_get
from purchases.models import Attachment, Blob, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.models import Claim, ClaimStatus, Warranty
from warranties.services import claim_create, claim_update
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    """A small household with every kind of value an export has to carry."""
    settings_stored()
    shop = RetailerFactory(name="Kitchen Outlet", url="https://kitchen.example")
    maker = BrandFactory(name="Delonghi", url="")
    espresso = PurchaseFactory(
        product_name="Espresso machine",
        price=Decimal("429.00"),
        currency_code="EUR",
        retailer=shop,
        brand=maker,
        purchase_date=datetime.date(2025, 2, 3),
        tags="kitchen,coffee",
        tax_deductible=True,
        notes='Line one\nline two, with "quotes"',
        return_deadline=datetime.date(2025, 3, 5),
        status="ORDERED",
    )
    espresso.save()  # gives it an updated_at
    warranty = WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2027, 2, 3))
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2030, 2, 3), voided=True)
    PurchaseFactory(product_name="=SUM(A1:A2)", retailer=None, brand=None, notes="'quoted")
    PurchaseFactory(product_name="Café crème ☕", price=Decimal("0.01"), currency_code="USD")
    attachments = [
        attachment_add(
            purchase=espresso, upload=SimpleUploadedFile(name, content), file_type="receipt"
        )[0]
        for name, content in [
            ("receipt.pdf", b"%PDF-1.4 receipt"),
            ("photo.JPG", b"\xff\xd8\xff photo"),
        ]
    ]
    claims_made(warranty, attachments[0])
    return espresso


def claims_made(warranty, document) -> None:
    """Three claims with every kind of value: open with a follow-up, closed, with a document."""
    person = MemberFactory(username="alex")
    open_claim = claim_create(
        warranty=warranty,
        data={
            "opened_on": datetime.date(2025, 5, 2),
            "number": "RMA-123",
            "cost": Decimal("12.50"),
            "currency_code": "CHF",
            "follow_up_on": datetime.date(2025, 5, 20),
            "notes": "Sent by post\nwith the receipt",
            "document_ids": [document.pk],
        },
        actor=person,
    )
    claim_update(claim=open_claim, data={"status": ClaimStatus.IN_PROGRESS}, actor=person)
    claim_create(
        warranty=warranty,
        data={
            "opened_on": datetime.date(2025, 3, 1),
            "status": ClaimStatus.REJECTED,
            "closed_on": datetime.date(2025, 3, 9),
            "resolution": "Out of warranty",
            "cost": Decimal("0"),
        },
    )
    claim_create(warranty=warranty, data={"opened_on": datetime.date(2025, 4, 1)})


def snapshot():
    """Everything an export carries, as comparable values (blob row ids are internal)."""

    def rows(model, *exclude):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(model.objects.order_by().values(*fields), key=str)

    return {
        "retailers": rows(Retailer),
        "brands": rows(Brand),
        "purchases": rows(Purchase),
        "warranties": rows(Warranty),
        # Who added and changed them is left out: a JSON import links nobody (a restore does).
        "claims": rows(Claim, "created_by_id", "updated_by_id"),
        "attachments": sorted(
            Attachment.objects.order_by().values(
                "id",
                "purchase_id",
                "claim_id",
                "blob__sha256",
                "file_type",
                "filename",
                "mime_type",
                "created_at",
                "updated_at",
            ),
            key=str,
        ),
        "blobs": rows(Blob, "id", "created_at"),
        "files": {blob.name: default_storage.open(blob.name).read() for blob in Blob.objects.all()},
        "settings": preferences_get(),
    }


def test_json_round_trip_gives_back_every_record_and_setting(household):
    before = snapshot()
    assert len(before["claims"]) == 3
    assert sum(1 for row in before["attachments"] if row["claim_id"]) == 1
    exported = "".join(export_json_chunks()).encode()
    data_reset_all()

    report = import_json(io.BytesIO(exported))

    assert report.errors == [] and report.warnings == []
    assert snapshot() == before  # the reset's files are deleted on commit: still there


def test_json_import_keeps_attachments_whose_files_are_gone_as_unavailable(
    household, django_capture_on_commit_callbacks
):
    exported = "".join(export_json_chunks()).encode()
    with django_capture_on_commit_callbacks(execute=True):
        data_reset_all()

    report = import_json(io.BytesIO(exported))

    assert report.counts["files_added"] == 2
    assert len(report.warnings) == 2
    assert "marked unavailable" in report.warnings[0]
    assert set(Blob.objects.values_list("missing", flat=True)) == {True}


def test_zip_round_trip_gives_back_records_and_files(household, django_capture_on_commit_callbacks):
    before = snapshot()
    archive = io.BytesIO()
    export_zip(archive)
    with django_capture_on_commit_callbacks(execute=True):
        data_reset_all()
    assert not Blob.objects.exists() and not default_storage.listdir("")[1]

    report = import_zip(io.BytesIO(archive.getvalue()))

    assert report.errors == [] and report.warnings == []
    assert report.as_dict()["files_extracted"] == 2
    assert snapshot() == before


def test_importing_the_same_export_twice_adds_nothing_the_second_time(household):
    exported = "".join(export_json_chunks()).encode()
    report = import_json(io.BytesIO(exported)).as_dict()
    assert report["purchases_added"] == 0
    assert report["purchases_skipped_existing"] == 3
    assert report["warranties_skipped_existing"] == 2
    assert report["claims_skipped_existing"] == 3 and report["claims_added"] == 0


def test_csv_round_trip_gives_back_the_purchases(household):
    before = snapshot()["purchases"]
    retailers = sorted(Retailer.objects.values_list("id", "name"))
    exported = "".join(export_csv_chunks()).encode()
    data_reset_all()
    # A CSV file carries no settings, and the purchases are converted to the base currency on
    # import: the household's currency is set again first, as the reset forgot it.
    settings_stored()

    report = import_csv(io.BytesIO(exported)).as_dict()

    assert report["errors"] == []
    assert report["rows_total"] == 3 and report["purchases_added"] == 3
    after = snapshot()["purchases"]
    assert after == before  # every column of every purchase, ids and timestamps included
    assert sorted(Retailer.objects.values_list("id", "name")) == retailers
    assert Warranty.objects.get().warranty_end == datetime.date(2027, 2, 3)


def test_json_dry_run_reports_and_writes_nothing(household):
    exported = "".join(export_json_chunks()).encode()
    data_reset_all()
    report = import_json(io.BytesIO(exported), dry_run=True).as_dict()
    assert report["purchases_added"] == 3 and report["dry_run"] is True
    assert not Purchase.objects.exists()
    assert json.loads(exported)["purchases"]
