"""Malformed JSON exports (docs/api.md §6.1, §6.5): truncated, invalid UTF-8, nested too
deeply, the wrong shape or a format version this app does not read are refused naming the
place; a bad record is skipped and named, and a NUL in a text never fails the whole file.
"""

import io
import json
import tracemalloc

import pytest

from interchange.exports import export_json_chunks
from interchange.imports import import_csv, import_json
from interchange.tests.import_safety.helpers import (
    MANUAL,
    NEW_PURCHASE,
    as_json,
    new_records,
    rejected,
)
from purchases.models import Purchase

pytestmark = pytest.mark.django_db


def test_truncated_json_is_refused_naming_the_line_and_column(household, tmp_path):
    text = "".join(export_json_chunks())
    text = json.dumps(json.loads(text), indent=2)
    truncated = text[: len(text) // 2]
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(truncated)

    message = rejected(tmp_path, import_json, truncated.encode())

    assert "not valid JSON" in message
    assert f"line {expected.value.lineno}" in message
    assert f"column {expected.value.colno}" in message


def test_json_cut_off_inside_a_text_is_refused_in_one_plain_sentence(household, tmp_path):
    message = rejected(tmp_path, import_json, b'{"purchases": [{"product_name": "Kett')

    assert message == (
        "The file is not valid JSON: Unterminated string starting at: line 1, column 33."
    )


@pytest.mark.parametrize(
    "raw",
    [b"[]", b'[{"purchases": []}]', b'"purchases"', b"42", b"null", b"true"],
    ids=["empty-list", "list-of-objects", "string", "number", "null", "boolean"],
)
def test_json_whose_top_level_is_not_an_object_is_refused(household, tmp_path, raw):
    message = rejected(tmp_path, import_json, raw)

    assert "top level is not an object" in message


def test_json_nested_too_deeply_is_refused(household, tmp_path):
    message = rejected(tmp_path, import_json, b"[" * 200_000 + b"]" * 200_000)

    # Refused either way: as JSON too deep to parse, or as not an export (not an object).
    assert "not valid JSON" in message or "top level is not an object" in message


def test_json_nested_deeply_inside_an_export_is_refused_without_using_much_memory(
    household, tmp_path
):
    raw = b'{"format_version": 2, "purchases": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    tracemalloc.start()
    try:
        message = rejected(tmp_path, import_json, raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert "nest more than 32 levels deep" in message
    assert peak < 10_000_000  # the file is 10 kB; naming each value's path took 60 MB


def test_an_object_without_any_section_is_refused(household, tmp_path):
    message = rejected(tmp_path, import_json, b'{"products": [], "version": 2}')

    assert "none of" in message and "purchases" in message


@pytest.mark.parametrize("section", ["purchases", "warranties", "retailers", "brands", "files"])
@pytest.mark.parametrize("value", [{"id": NEW_PURCHASE}, "everything", 3])
def test_a_section_that_is_not_a_list_is_refused_naming_it(household, tmp_path, section, value):
    document = new_records()
    document[section] = value

    message = rejected(tmp_path, import_json, as_json(document))

    assert f'"{section}" must be a list' in message


@pytest.mark.parametrize(
    ("section", "label"),
    [
        ("retailers", "retailer 1"),
        ("brands", "brand 1"),
        ("purchases", "purchase 1"),
        ("warranties", "warranty 1"),
        ("files", "file 1"),
    ],
)
def test_a_record_that_is_not_an_object_is_skipped_and_the_others_are_imported(
    household, section, label
):
    document = new_records(MANUAL)
    document[section].insert(0, ["not", "a", "record"])
    purchases = Purchase.objects.count()

    report = import_json(io.BytesIO(as_json(document))).as_dict()

    assert report["errors"] == [f"{label}: is not an object; skipped"]
    assert report["purchases_added"] == 1
    assert report["warranties_added"] == 1
    assert report["files_added"] == 1
    assert Purchase.objects.count() == purchases + 1
    assert Purchase.objects.get(pk=NEW_PURCHASE).product_name == "Lawn mower"


def test_invalid_utf8_in_json_is_refused_naming_the_byte_position(household, tmp_path):
    raw = as_json(new_records()).replace(b"Lawn mower", b"Lawn mower \xe9t\xe9")

    position = raw.index(b"\xe9")

    message = rejected(tmp_path, import_json, raw)

    assert "not UTF-8" in message
    assert f"position {position}" in message


@pytest.mark.parametrize("version", [5, 99])
def test_a_newer_format_version_is_refused(household, tmp_path, version):
    document = new_records()
    document["format_version"] = version

    message = rejected(tmp_path, import_json, as_json(document))

    assert f"format version {version}" in message
    assert "newer" in message


@pytest.mark.parametrize("version", [0, -1, "2", True, None, 2.5])
def test_a_format_version_that_is_not_one_is_refused(household, tmp_path, version):
    document = new_records()
    document["format_version"] = version

    message = rejected(tmp_path, import_json, as_json(document))

    assert f"format_version {version!r}" in message


def test_a_json_file_whose_records_all_fail_is_refused_naming_them(household, tmp_path):
    document = {"format_version": 2, "purchases": new_records()["purchases"]}
    document["purchases"][0]["price"] = "0"
    document["purchases"].append({"id": "hand-edited", "product_name": "No date", "price": 5})

    message = rejected(tmp_path, import_json, as_json(document))

    assert message.startswith("Nothing was imported")
    assert f"purchase 1 (id {NEW_PURCHASE})" in message and "price" in message
    assert "purchase 2 (id hand-edited)" in message and "purchase_date" in message


def nul_json() -> bytes:
    document = new_records()
    document["purchases"][0]["product_name"] = "Lawn\u0000mower"
    document["purchases"].append(
        {"product_name": "Rake", "price": "9.99", "purchase_date": "2024-05-02"}
    )
    return as_json(document)


NUL_CSV = (
    b"product_name,price,purchase_date\r\nLawn\x00mower,299,2024-05-01\r\nRake,9.99,2024-05-02\r\n"
)


@pytest.mark.parametrize(
    ("importer", "raw", "label"),
    [(import_json, nul_json(), "purchase 1"), (import_csv, NUL_CSV, "line 2")],
    ids=["json", "csv"],
)
def test_a_nul_character_in_a_text_field_does_not_crash_the_import(household, importer, raw, label):
    """PostgreSQL cannot store NUL in text: such a record is skipped and named (or imported
    where the database can hold it), never a database error for the whole file."""
    report = importer(io.BytesIO(raw)).as_dict()

    assert Purchase.objects.filter(product_name="Rake").count() == 1
    if not Purchase.objects.filter(product_name__startswith="Lawn").exists():
        assert any(message.startswith(label) for message in report["errors"]), report
