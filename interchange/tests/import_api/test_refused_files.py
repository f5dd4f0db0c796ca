"""Files that cannot be imported answer 400 with a string detail (a crash 500) and change
nothing: nothing importable, unreadable, a hostile archive (docs/api.md §5.10, §6.4, §1.3)."""

import io
import json
import zipfile
from unittest import mock

import pytest

from interchange.tests.archives import upload_path
from interchange.tests.import_api.helpers import (
    GOOD_FILES,
    KINDS,
    MANUAL,
    assert_string_detail,
    new_document,
    nothing_changes,
    post_import,
    zip_of,
)
from purchases.models import Attachment

pytestmark = pytest.mark.django_db


def all_bad_zip() -> bytes:
    document = new_document(price="0")
    document["purchases"].append({"id": "x", "product_name": "", "price": 5})
    return zip_of(document)


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"),
    [
        ("json", "export.json", json.dumps(new_document(price="-3")).encode(), "purchase 1"),
        (
            "csv",
            "purchases.csv",
            b"product_name,price,purchase_date\r\nRake,0,2024-05-01\r\nHoe,abc,2024-05-01\r\n",
            "line 2",
        ),
        ("zip", "backup.zip", all_bad_zip(), "purchase 2 (id x)"),
    ],
    ids=KINDS,
)
def test_a_file_of_which_nothing_could_be_imported_answers_400_with_a_string_detail(
    api_client, household, tmp_path, kind, name, content, expected
):
    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content)

    detail = assert_string_detail(response, 400)
    assert "Nothing was imported" in detail
    assert expected in detail


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"),
    [
        ("json", "export.json", b'{"purchases": [{"id": 1', "not valid JSON"),
        ("json", "export.json", b"[]", "not an object"),
        ("json", "export.json", b'{"purchases": "caf\xe9"}', "UTF-8"),
        ("json", "export.json", b'{"format_version": 5, "purchases": []}', "version 5"),
        ("csv", "purchases.csv", b"", "empty"),
        ("csv", "purchases.csv", b"name,cost\r\nRake,3\r\n", "product_name"),
        (
            "csv",
            "purchases.csv",
            b"product_name,price,purchase_date\r\nCaf\xe9,3,2024-01-01",
            "UTF-8",
        ),
        ("zip", "backup.zip", b"not a zip at all", "not a ZIP"),
        ("zip", "backup.zip", zip_of({"purchases": []})[:100], "not a ZIP"),
    ],
    # Named by what they hold: ZIP bytes carry a timestamp, so ids made from them would differ
    # between test processes.
    ids=[
        "truncated-json",
        "json-list",
        "json-latin1",
        "json-version-5",
        "csv-empty",
        "csv-no-required-columns",
        "csv-latin1",
        "not-a-zip",
        "truncated-zip",
    ],
)
def test_a_file_that_cannot_be_read_answers_400_with_the_reason(
    api_client, household, tmp_path, kind, name, content, expected
):
    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content)

    detail = assert_string_detail(response, 400)
    assert expected in detail


def test_a_hostile_archive_answers_400_and_writes_nothing(api_client, household, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps(new_document()))
        archive.writestr(upload_path(MANUAL), MANUAL)
        archive.writestr("../../evil", b"pwned")

    with nothing_changes(tmp_path):
        response = post_import(api_client, "zip", "backup.zip", buffer.getvalue())

    detail = assert_string_detail(response, 400)
    assert "'../../evil'" in detail
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()


def test_a_crash_during_an_import_answers_500_json_and_changes_nothing(
    api_client, household, tmp_path
):
    with (
        nothing_changes(tmp_path),
        mock.patch.object(Attachment.objects, "bulk_create", side_effect=RuntimeError("boom")),
    ):
        response = post_import(api_client, "zip", "backup.zip", GOOD_FILES["zip"][1])

    assert_string_detail(response, 500)
