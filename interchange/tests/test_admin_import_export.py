"""The admin's import and export buttons: the app's CSV columns and importer, in the admin."""

import csv
import datetime
import io
import re
import tempfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Brand, Retailer
from catalog.tests.factories import RetailerFactory
from interchange.formats import CSV_COLUMNS
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first of django-import-export's formats: CSV


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path, monkeypatch):
    """django-import-export keeps an upload in the temporary folder until the import is
    confirmed; a refused one stays there. Each test's go to its own folder, removed with it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def upload(client, url, content: bytes, name="purchases.csv"):
    """Send a file through the import form; return the preview page."""
    return client.post(
        url,
        {"format": CSV_FORMAT, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, url, preview):
    """Press "Confirm import" on a preview page."""
    fields = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.content.decode())
    )
    fields.pop("csrfmiddlewaretoken", None)
    return client.post(url.replace("/import/", "/process_import/"), fields)


def test_changelists_offer_import_and_export(staff_client):
    for path in ["purchases/purchase", "catalog/retailer", "catalog/brand"]:
        page = staff_client.get(f"/admin/{path}/").content.decode()
        assert f"/admin/{path}/import/" in page and f"/admin/{path}/export/" in page


def test_purchase_export_has_the_csv_export_columns_and_neutralises_formulas(staff_client):
    PurchaseFactory(product_name="=HYPERLINK(1)", price=Decimal("10.50"))
    response = staff_client.post(
        "/admin/purchases/purchase/export/",
        {"format": CSV_FORMAT, **{f"purchaseresource_{column}": "on" for column in CSV_COLUMNS}},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_COLUMNS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["product_name"] == "'=HYPERLINK(1)"
    assert record["price"] == "10.50"


def test_purchase_import_previews_then_imports_through_the_same_importer(staff_client):
    RetailerFactory(name="Kitchen Outlet")
    content = (
        b"product_name,price,purchase_date,retailer_name\r\n"
        b"Kettle,19.999,2025-01-02,kitchen outlet\r\n"
        b"Broken,0,2025-01-02,\r\n"
        b"Someday,5,2999-01-01,\r\n"
    )
    url = "/admin/purchases/purchase/import/"

    preview = upload(staff_client, url, content)

    page = preview.content.decode()
    assert preview.status_code == 200 and not Purchase.objects.exists()
    assert "price: the price &#x27;0&#x27; is not more than zero; skipped" in page
    assert "Kettle" in page

    done = confirm(staff_client, url, preview)

    assert done.status_code == 302
    kettle = Purchase.objects.get()
    assert kettle.price == Decimal("20.00")  # rounded half-up, as every import does
    assert kettle.retailer == Retailer.objects.get()  # matched by name, ignoring case
    assert kettle.purchase_date == datetime.date(2025, 1, 2)


def test_purchase_import_without_a_required_column_is_refused_with_the_reason(staff_client):
    preview = upload(staff_client, "/admin/purchases/purchase/import/", b"product_name\r\nX\r\n")
    page = preview.content.decode()
    assert "no price, purchase_date column" in page
    assert "Confirm import" not in page
    assert not Purchase.objects.exists()


def test_brand_import_merges_names_and_reports_the_merge(staff_client):
    url = "/admin/catalog/brand/import/"
    preview = upload(
        staff_client, url, b"name,url\r\nBosch,\r\nbosch ,https://bosch.example\r\nMiele,\r\n"
    )
    assert "merged into it" in preview.content.decode()

    confirm(staff_client, url, preview)

    assert sorted(Brand.objects.values_list("name", flat=True)) == ["Bosch", "Miele"]
