"""Currency codes in imports: the API's rule for new data, what it stored kept on a restore."""

import io

import pytest

from backups.services import data_reset_all
from interchange.exports import export_json_chunks
from interchange.imports import import_csv, import_json
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def test_a_csv_row_in_a_currency_that_is_not_iso_4217_is_skipped_saying_why():
    rows = (
        "product_name,price,purchase_date,currency_code\n"
        "Kettle,39.90,2025-03-14,EUR\n"
        "Toaster,25.00,2025-03-14,XYZ\n"
    )
    report = import_csv(io.BytesIO(rows.encode())).as_dict()

    assert list(Purchase.objects.values_list("product_name", "currency_code")) == [
        ("Kettle", "EUR")
    ]
    assert any(
        "XYZ is not a currency code of ISO 4217, such as USD, EUR or JPY" in message
        for message in report["errors"]
    ), report["errors"]


def test_a_full_export_gives_back_a_code_stored_before_codes_were_checked():
    PurchaseFactory(product_name="Old record", currency_code="XYZ")
    exported = "".join(export_json_chunks()).encode()
    data_reset_all()

    report = import_json(io.BytesIO(exported))

    assert report.errors == []
    assert list(Purchase.objects.values_list("product_name", "currency_code")) == [
        ("Old record", "XYZ")
    ]
