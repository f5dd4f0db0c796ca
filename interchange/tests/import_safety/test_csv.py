"""Malformed CSV files of purchases (docs/api.md §6.2, §6.5): invalid UTF-8, a missing column
or header, an empty file or an oversized cell are refused naming the line, and commit
nothing; a row with too many cells is skipped and named.
"""

import io

import pytest

from interchange.imports import import_csv
from interchange.tests.import_safety.helpers import CSV_HEADER, csv_bytes, csv_row, rejected
from purchases.models import Purchase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [
        b"product_name,price,purchase_date\r\nCaf\xe9,3.00,2024-06-01\r\n",
        b"product_name,pr\xefce,purchase_date\r\nTea,3.00,2024-06-01\r\n",
        "product_name,price,purchase_date\r\nCafé,3.00,2024-06-01\r\n".encode("utf-16"),
    ],
    ids=["latin-1-row", "bad-header", "utf-16"],
)
def test_invalid_utf8_in_csv_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_csv, raw)

    assert "not UTF-8" in message


def test_a_bad_byte_after_thousands_of_good_csv_rows_commits_nothing(household, tmp_path):
    """Three batches of purchases are written before the byte is read: all are rolled back."""
    rows = [CSV_HEADER] + [csv_row(index) for index in range(3000)]
    raw = csv_bytes(rows) + b"x,Caf\xe9,3.00,2024-06-01,Shop\r\n" + csv_bytes([csv_row(4000)])

    message = rejected(tmp_path, import_csv, raw)

    assert "not UTF-8" in message


@pytest.mark.parametrize("good_rows", [1, 40, 3000])
def test_the_csv_utf8_error_names_the_line_of_the_bad_byte(household, tmp_path, good_rows):
    rows = [CSV_HEADER] + [csv_row(index) for index in range(good_rows)]
    raw = csv_bytes(rows) + b"x,Caf\xe9,3.00,2024-06-01,Shop\r\n"
    bad_line = good_rows + 2

    message = rejected(tmp_path, import_csv, raw)

    assert f"line {bad_line}" in message, message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["id", "product_name", "purchase_date"], ["price"]),
        (["name", "price", "date"], ["product_name", "purchase_date"]),
        (["id", "price", "purchase_date"], ["product_name"]),
    ],
)
def test_a_csv_missing_a_required_column_is_refused_naming_it(household, tmp_path, header, missing):
    raw = csv_bytes([header, ["1", "Kettle", "2024-06-01"]])

    message = rejected(tmp_path, import_csv, raw)

    assert f"has no {', '.join(missing)} column" in message


def test_a_csv_without_a_header_row_is_refused(household, tmp_path):
    """Positions are not enough: a legacy-looking row without its header names no column."""
    raw = csv_bytes([csv_row(1)])

    message = rejected(tmp_path, import_csv, raw)

    assert "product_name" in message


@pytest.mark.parametrize(
    "raw", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\r\n"], ids=["empty", "bom", "blank", "commas"]
)
def test_an_empty_csv_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_csv, raw)

    assert "empty" in message and "header row" in message


def test_a_csv_row_with_more_cells_than_the_header_is_skipped_naming_its_line(household):
    raw = csv_bytes([CSV_HEADER, csv_row(1), [*csv_row(2), "surplus"], csv_row(3)])
    purchases = Purchase.objects.count()

    report = import_csv(io.BytesIO(raw)).as_dict()

    assert report["errors"] == ["line 3: has more cells than the header row; skipped"]
    assert report["rows_total"] == 3
    assert report["purchases_added"] == 2 and report["rows_skipped"] == 1
    assert Purchase.objects.count() == purchases + 2
    assert not Purchase.objects.filter(product_name="Imported item 2").exists()


def test_a_csv_whose_only_row_has_too_many_cells_is_refused(household, tmp_path):
    raw = csv_bytes([CSV_HEADER, [*csv_row(1), "surplus", "more"]])

    message = rejected(tmp_path, import_csv, raw)

    assert "line 2" in message and "more cells than the header" in message


def test_a_csv_cell_beyond_the_field_limit_is_refused_naming_the_line(household, tmp_path):
    raw = csv_bytes([CSV_HEADER, csv_row(1), csv_row(2)]) + b'x,"' + b"a" * 200_000 + b'",1,x\r\n'

    message = rejected(tmp_path, import_csv, raw)

    assert "malformed" in message and "line 4" in message
