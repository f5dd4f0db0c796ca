"""A legacy JSON, CSV or ZIP file whose every record fails is rejected and changes nothing
(docs/api.md §6.5)."""

import io

import pytest

from interchange.imports import ImportRejected, import_csv, import_json, import_zip
from interchange.tests.legacy_imports.helpers import (
    F_ORPHAN,
    P_FREE,
    P_GONE,
    P_NEGATIVE,
    P_ROUNDS_TO_ZERO,
    RECEIPT,
    W_ORPHAN,
    database_snapshot,
    json_file,
    legacy_file,
    legacy_purchase,
    legacy_warranty,
    legacy_zip,
)

pytestmark = pytest.mark.django_db


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
