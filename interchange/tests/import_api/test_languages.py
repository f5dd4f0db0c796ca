"""A refused import says why in the language of the request (docs/i18n.md §2): the `detail` the
Data page shows in its toast, and the rows' reasons, follow `Accept-Language` or the session."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.middleware import LANGUAGE_SESSION_KEY
from interchange.tests.import_api.helpers import assert_string_detail, post_import

pytestmark = pytest.mark.django_db

SHEET = "Artikel;Preis;Kaufdatum\nWaschmaschine;abc;14.03.2025\n"


def _spreadsheet(client, mapping: dict, **headers):
    return client.post(
        "/api/import/spreadsheet?dry_run=true",
        {
            "file": SimpleUploadedFile("haushalt.csv", SHEET.encode(), "text/csv"),
            "mapping": json.dumps(mapping),
        },
        **headers,
    )


def test_a_refused_mapping_is_explained_in_german(api_client, household):
    response = _spreadsheet(
        api_client, {"columns": {"Artikel": "product_name"}}, HTTP_ACCEPT_LANGUAGE="de"
    )

    detail = assert_string_detail(response, 400)
    assert detail.startswith("Keine Spalte ist Preis, Kaufdatum zugeordnet: Wählen Sie")


def test_the_rows_nothing_could_be_imported_of_are_named_in_german(api_client, household):
    mapping = {
        "columns": {"Artikel": "product_name", "Preis": "price", "Kaufdatum": "purchase_date"}
    }

    response = _spreadsheet(api_client, mapping, HTTP_ACCEPT_LANGUAGE="de")

    detail = assert_string_detail(response, 400)
    assert detail == "Nichts wurde importiert: Zeile 2: Preis „abc“ ist kein Betrag; übersprungen."


def test_a_signed_in_person_s_language_decides_without_the_header(owner_client, household):
    session = owner_client.session
    session[LANGUAGE_SESSION_KEY] = "de"
    session.save()

    response = post_import(owner_client, "csv", "notes.txt", b"x")

    assert assert_string_detail(response, 400) == "Eine .csv-Datei wurde erwartet"


def test_without_a_language_the_detail_stays_english(api_client, household):
    response = _spreadsheet(api_client, {"columns": {"Artikel": "product_name"}})

    detail = assert_string_detail(response, 400)
    assert detail.startswith("No column is mapped to Price, Purchase date: choose the column")


def test_a_missing_backup_is_said_in_german(api_client):
    response = api_client.post("/api/backup/20250101T000000Z/verify", HTTP_ACCEPT_LANGUAGE="de")

    assert assert_string_detail(response, 404) == "Sicherung nicht gefunden"


def _upload(client, kind: str, name: str, content: bytes, **headers):
    return client.post(
        f"/api/import/{kind}?dry_run=true",
        {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
        **headers,
    )


def test_a_refused_zip_import_says_why_in_german(api_client, household):
    response = _upload(api_client, "zip", "sicherung.zip", b"not a zip", HTTP_ACCEPT_LANGUAGE="de")

    assert assert_string_detail(response, 400) == "Die Datei ist kein ZIP-Archiv."


def test_a_refused_zip_import_stays_english_without_a_language(api_client, household):
    response = _upload(api_client, "zip", "backup.zip", b"not a zip")

    assert assert_string_detail(response, 400) == "The file is not a ZIP archive."


def test_a_json_import_s_warnings_name_the_records_in_german(api_client, household):
    document = {"format_version": 2, "retailers": [{"id": "laden-1", "name": "Eckladen"}]}

    response = _upload(
        api_client, "json", "export.json", json.dumps(document).encode(), HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 200, response.content
    [warning] = response.json()["warnings"]
    assert warning.startswith("Händler 1 (ID laden-1): Die ID 'laden-1' ist keine UUID; mit der ID")
