"""An archive made on one database restores on the other: SQLite to PostgreSQL and back.

The suite runs on one database at a time; this test exports from it, then imports the archive
with the management command into a fresh database of the *other* kind, in another process, and
exports again from there. Both archives must hold the same records, settings and files.
"""

import datetime
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.archive import export_zip
from preferences.services import preferences_update
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.services import claim_create
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

# Where the other PostgreSQL server is when the suite itself runs on SQLite.
POSTGRES_URL = os.environ.get("SPENDS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
def other_database(tmp_path):
    """The address of an empty database of the kind the suite is not running on."""
    if connection.vendor == "postgresql":
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
        return
    psycopg = pytest.importorskip("psycopg")
    name = f"spends_crossdb_{uuid.uuid4().hex[:12]}"
    try:
        server = psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server to restore into: {error}")
    with server:
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES_URL}/{name}"
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, data_dir: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SPENDS_DATA_DIR": str(data_dir),
        "SECRET_KEY": "cross-database-test",
        "DEBUG": "false",
    }
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def contents(archive: bytes) -> dict:
    """The records (by id), settings and files of an archive, without its timestamps."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        data = json.loads(zipped.read("data.json"))
        files = {
            name: zipped.read(name) for name in zipped.namelist() if name.startswith("uploads/")
        }
    sections = ("retailers", "brands", "purchases", "warranties", "claims", "files")
    return {
        "settings": data["settings"],
        **{key: sorted(data[key], key=lambda record: record["id"]) for key in sections},
        "files": files,
    }


def test_an_archive_moves_to_the_other_database_and_back_unchanged(other_database, tmp_path):
    preferences_update(currency_code="CHF", date_format="DD.MM.YYYY")
    shop = RetailerFactory(name="Brocante Ève", url="")
    espresso = PurchaseFactory(
        product_name="Espresso machine ☕",
        price=Decimal("1299.95"),
        currency_code="CHF",
        retailer=shop,
        brand=BrandFactory(name="Delonghi"),
        purchase_date=datetime.date(2024, 2, 29),
        notes="Line one\nline two",
        tags="kitchen,coffee",
        tax_deductible=True,
        quantity=2,
        status="ORDERED",
    )
    espresso.save()
    warranty = WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2026, 2, 28))
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2030, 1, 31), voided=True)
    PurchaseFactory(retailer=None, brand=None, price=Decimal("0.01"), notes="")
    receipt, _ = (
        attachment_add(
            purchase=espresso, upload=SimpleUploadedFile(name, content), file_type="manual"
        )[0]
        for name, content in [("Reçu.PDF", b"%PDF-1.7 receipt"), ("manual", b"plain manual")]
    )
    claim_create(
        warranty=warranty,
        data={
            "opened_on": datetime.date(2025, 1, 6),
            "number": "RMA-Ève",
            "cost": Decimal("15.05"),
            "status": "REJECTED",
            "document_ids": [receipt.pk],
        },
    )
    original = io.BytesIO()
    export_zip(original)
    archive = tmp_path / "from-this-database.zip"
    archive.write_bytes(original.getvalue())

    other = tmp_path / "other"
    manage(other_database, other, "migrate", "--no-input")
    summary = manage(other_database, other, "backups_import", str(archive))
    manage(other_database, other, "backups_export", "--format", "zip", "-o", str(tmp_path / "b"))

    assert "purchases added: 2" in summary
    assert contents((tmp_path / "b").read_bytes()) == contents(original.getvalue())


def test_a_backup_restores_on_the_other_database(other_database, tmp_path, settings):
    """A stored backup (archive plus its folder's shared files) restores across databases."""
    preferences_update(currency_code="EUR")
    kettle = PurchaseFactory(product_name="Kettle", price=Decimal("39.90"))
    WarrantyFactory(purchase=kettle, warranty_end=datetime.date(2027, 5, 31), voided=True)
    attachment_add(
        purchase=kettle, upload=SimpleUploadedFile("scan.png", b"\x89PNG scan"), file_type="photo"
    )
    call_command("backups_create", stdout=io.StringIO(), stderr=io.StringIO())
    (archive,) = Path(settings.SPENDS_BACKUPS_DIR).glob("backup_*.zip")
    original = io.BytesIO()
    export_zip(original)

    other = tmp_path / "other"
    manage(other_database, other, "migrate", "--no-input")
    manage(other_database, other, "backups_restore", str(archive), "--no-input")
    manage(other_database, other, "backups_export", "--format", "zip", "-o", str(tmp_path / "b"))

    assert contents((tmp_path / "b").read_bytes()) == contents(original.getvalue())
