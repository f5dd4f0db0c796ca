"""The import endpoints (docs/api.md §5.10, §6.4, §2.6, §1.3) and `manage.py backups_import`.

POST /api/import/json|csv|zip take one multipart part `file`; the extension of its name decides
whether it is accepted (case-insensitive). A good file answers 200 with the report of
docs/api.md §6.4; a file that cannot be imported answers 400 with a string `detail` and changes
nothing. The command runs the same importer on a file on disk and fails with a one-line
CommandError.
"""

import contextlib
import datetime
import io
import json
import uuid
import zipfile
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from catalog.models import Brand, Retailer
from interchange.tests.archives import sha256, upload_path
from interchange.tests.factories import PHOTO, RECEIPT
from kernel import clock
from preferences.models import Preference
from preferences.selectors import preferences_get
from purchases.blobs import stored_blob_names
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db

IMPORT = "/api/import"
KINDS = ["json", "csv", "zip"]
DATA_MODELS = [Retailer, Brand, Purchase, Warranty, Attachment, Blob, Preference]

# docs/api.md §6.4: the keys each report always has (the frontend reads some of them).
JSON_REPORT_COUNTS = {
    "purchases_added",
    "purchases_skipped_future_date",
    "purchases_skipped_existing",
    "warranties_added",
    "retailers_added",
    "brands_added",
    "files_added",
}
REPORT_COUNTS = {
    "json": JSON_REPORT_COUNTS,
    "zip": JSON_REPORT_COUNTS | {"files_extracted", "files_missing"},
    "csv": {"purchases_added", "rows_total", "rows_skipped"},
}

MANUAL = b"%PDF-1.4 manual of the imported lawn mower\n" * 10

NEW_PURCHASE = "0b9e6f7a-4c1d-4e8b-a0c2-6a1f2d3e4b5c"
NEW_WARRANTY = "e2c4a6b8-0d1f-4e3a-9b5c-7d9e1f3a5b7c"
NEW_FILE = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


# --- Helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def incoming_folder(settings):
    """Create the folder uploads stream to, so that comparing folders before/after is exact."""
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)


def database_rows() -> dict[str, list]:
    return {
        model.__name__: sorted(map(repr, model.objects.order_by().values()))
        for model in DATA_MODELS
    }


def files_under(root: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


@contextlib.contextmanager
def nothing_changes(tmp_path: Path):
    """Assert that the block changes no row and no file or folder below tmp_path (the store,
    the upload and backup folders)."""
    rows, files = database_rows(), files_under(tmp_path)
    yield
    assert files_under(tmp_path) == files
    assert database_rows() == rows


def restorable_snapshot() -> dict:
    """Everything an archive carries, comparable across a restore (blob row ids are internal)."""

    def rows(model, *exclude):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(model.objects.order_by().values(*fields), key=str)

    return {
        "retailers": rows(Retailer),
        "brands": rows(Brand),
        "purchases": rows(Purchase),
        "warranties": rows(Warranty),
        "attachments": sorted(
            Attachment.objects.order_by().values(
                "id", "purchase_id", "blob__sha256", "file_type", "filename", "mime_type"
            ),
            key=str,
        ),
        "blobs": rows(Blob, "id", "created_at"),
        "settings": preferences_get(),
    }


def new_document(**purchase) -> dict:
    """A version 2 export adding one purchase with a warranty and an attachment record."""
    return {
        "format_version": 2,
        "purchases": [
            {
                "id": NEW_PURCHASE,
                "product_name": "Lawn mower",
                "price": "299.00",
                "currency_code": "EUR",
                "purchase_date": "2024-05-01",
                "retailer_id": None,
                "brand_id": None,
                **purchase,
            }
        ],
        "warranties": [
            {
                "id": NEW_WARRANTY,
                "purchase_id": NEW_PURCHASE,
                "warranty_start": "2024-05-01",
                "warranty_end": "2026-05-01",
            }
        ],
        "files": [
            {
                "id": NEW_FILE,
                "purchase_id": NEW_PURCHASE,
                "filename": "manual.pdf",
                "stored_filename": f"{sha256(MANUAL)}.pdf",
                "file_type": "manual",
                "mime_type": "application/pdf",
                "file_size": len(MANUAL),
                "file_hash": sha256(MANUAL),
            }
        ],
    }


def zip_of(document: dict, blobs=(MANUAL,)) -> bytes:
    data = json.dumps(document).encode()
    entries = {"data.json": data} | {upload_path(blob): blob for blob in blobs}
    manifest = {
        "format_version": 2,
        "data_sha256": sha256(data),
        "blobs": [
            {"path": path, "sha256": sha256(blob), "size": len(blob)}
            for path, blob in entries.items()
            if path.startswith("uploads/")
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in entries.items():
            archive.writestr(path, content)
        archive.writestr("manifest.json", json.dumps(manifest))
    return buffer.getvalue()


CSV_GOOD = (
    "id,product_name,price,purchase_date,retailer_name,warranty_end\r\n"
    f"{NEW_PURCHASE},Lawn mower,299.00,2024-05-01,Garden Centre,2026-05-01\r\n"
    ",Hedge trimmer,89.90,2024-05-02,Garden Centre,\r\n"
).encode()

GOOD_FILES = {
    "json": ("export.json", json.dumps(new_document()).encode()),
    "csv": ("purchases.csv", CSV_GOOD),
    "zip": ("backup.zip", zip_of(new_document())),
}


def post_import(client, kind: str, name: str, content: bytes, path: str | None = None, **query):
    url = path or f"{IMPORT}/{kind}"
    if query:
        url += "?" + urlencode(query)
    return client.post(url, {"file": SimpleUploadedFile(name, content, "application/octet-stream")})


def assert_string_detail(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail.strip()
    return detail


def assert_report(report: dict, kind: str) -> None:
    """Every key of docs/api.md §6.4 for KIND, with its type."""
    for key in REPORT_COUNTS[kind]:
        assert type(report[key]) is int, key
    for key in ("errors", "warnings"):
        assert isinstance(report[key], list), key
        assert all(isinstance(message, str) for message in report[key]), key
    if kind == "zip":
        assert type(report["data_imported"]) is bool


# --- A good file --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_good_file_answers_200_with_every_report_key(api_client, household, kind):
    name, content = GOOD_FILES[kind]

    response = post_import(api_client, kind, name, content)

    assert response.status_code == 200, response.content
    report = response.json()
    assert_report(report, kind)
    assert report["errors"] == []
    assert Purchase.objects.get(pk=NEW_PURCHASE).product_name == "Lawn mower"
    if kind == "csv":
        assert report["rows_total"] == 2 and report["rows_skipped"] == 0
        assert report["purchases_added"] == 2
        assert Purchase.objects.filter(product_name="Hedge trimmer").count() == 1
    else:
        assert report["purchases_added"] == 1 and report["warranties_added"] == 1
        assert report["files_added"] == 1
    if kind == "zip":
        assert report["data_imported"] is True
        assert report["files_extracted"] == 1 and report["files_missing"] == 0
        assert default_storage.open(upload_path(MANUAL)[8:]).read() == MANUAL


def test_a_zip_report_counts_blobs_already_stored_as_extracted(api_client, household):
    document = new_document()
    document["files"][0].update(
        stored_filename=f"{sha256(RECEIPT)}.pdf", file_hash=sha256(RECEIPT), file_size=None
    )

    response = post_import(api_client, "zip", "backup.zip", zip_of(document, blobs=()))

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["files_added"] == 1
    assert report["files_extracted"] == 1 and report["files_missing"] == 0
    assert Blob.objects.get(sha256=sha256(RECEIPT)).reference_count == 3


def test_importing_the_same_file_again_answers_200_and_adds_nothing(api_client, household):
    name, content = GOOD_FILES["json"]
    assert post_import(api_client, "json", name, content).status_code == 200

    response = post_import(api_client, "json", name, content)

    assert response.status_code == 200
    report = response.json()
    assert report["purchases_added"] == 0 and report["purchases_skipped_existing"] == 1
    assert Purchase.objects.filter(pk=NEW_PURCHASE).count() == 1


def test_a_purchase_dated_in_the_future_is_counted_not_imported(api_client, household):
    future = (clock.today() + datetime.timedelta(days=3)).isoformat()
    document = new_document(purchase_date=future)
    document["warranties"][0].update(warranty_start=future)
    document["purchases"].append(
        {"product_name": "Rake", "price": 12, "purchase_date": "2024-05-03"}
    )

    response = post_import(api_client, "json", "export.json", json.dumps(document).encode())

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["purchases_skipped_future_date"] == 1 and report["purchases_added"] == 1
    assert report["warranties_added"] == 0 and report["files_added"] == 0
    assert not Purchase.objects.filter(pk=NEW_PURCHASE).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_import_endpoints_answer_with_a_trailing_slash_too(api_client, household, kind):
    name, content = GOOD_FILES[kind]

    response = post_import(api_client, kind, name, content, path=f"{IMPORT}/{kind}/")

    assert response.status_code == 200, response.content


# --- File names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("zip", "BACKUP.ZIP"),
        ("zip", "spends_backup_2025-03-14.Zip"),
        ("json", "Data.JSON"),
        ("json", "export.Json"),
        ("csv", "PURCHASES.CSV"),
        ("csv", "purchases.cSv"),
    ],
)
def test_the_extension_check_ignores_case(api_client, household, kind, name):
    response = post_import(api_client, kind, name, GOOD_FILES[kind][1])

    assert response.status_code == 200, response.content
    assert response.json()["purchases_added"] >= 1


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("json", "export.txt"),
        ("json", "export.csv"),
        ("json", "export.json.exe"),
        ("json", "json"),
        ("json", "export"),
        ("csv", "purchases.json"),
        ("csv", "purchases.tsv"),
        ("csv", "purchases.csv.zip"),
        ("zip", "backup.tar.gz"),
        ("zip", "backup.json"),
        ("zip", "backup.zip.bak"),
    ],
)
def test_a_wrong_extension_answers_400_and_imports_nothing(
    api_client, household, tmp_path, kind, name
):
    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, GOOD_FILES[kind][1])

    assert response.status_code == 400
    assert response.json() == {"detail": f"Expected a .{kind} file"}


# --- Files that cannot be imported --------------------------------------------------------------


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
        ("json", "export.json", b'{"format_version": 4, "purchases": []}', "version 4"),
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
        "json-version-4",
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


# --- Options ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_dry_run_reports_the_counts_and_writes_nothing(api_client, household, tmp_path, kind):
    name, content = GOOD_FILES[kind]

    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content, dry_run="true")

    assert response.status_code == 200, response.content
    report = response.json()
    assert_report(report, kind)
    assert report["dry_run"] is True
    assert report["purchases_added"] == (2 if kind == "csv" else 1)
    if kind != "csv":
        assert report["warranties_added"] == 1 and report["files_added"] == 1
    if kind == "zip":
        assert report["data_imported"] is False


def test_a_dry_run_of_a_file_with_only_errors_answers_400(api_client, household, tmp_path):
    content = json.dumps(new_document(price="0")).encode()

    with nothing_changes(tmp_path):
        response = post_import(api_client, "json", "export.json", content, dry_run="true")

    assert "Nothing was imported" in assert_string_detail(response, 400)


def exported_json(client) -> dict:
    response = client.get("/api/export/json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def renamed_export(client, household) -> bytes:
    document = exported_json(client)
    for record in document["purchases"]:
        if record["id"] == str(household.id):
            record["product_name"] = "Kettle, renamed in the file"
            record["price"] = "77.70"
    return json.dumps(document).encode()


def test_mode_update_updates_the_existing_records(api_client, household):
    content = renamed_export(api_client, household)

    response = post_import(api_client, "json", "export.json", content, mode="update")

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["mode"] == "update"
    assert report["purchases_added"] == 0 and report["purchases_updated"] == 2
    household.refresh_from_db()
    assert household.product_name == "Kettle, renamed in the file"
    assert str(household.price) == "77.70"
    assert Purchase.objects.count() == 2


def test_mode_skip_is_the_default_and_keeps_the_existing_records(api_client, household):
    content = renamed_export(api_client, household)

    response = post_import(api_client, "json", "export.json", content)

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["mode"] == "skip"
    assert report["purchases_skipped_existing"] == 2 and report["purchases_added"] == 0
    household.refresh_from_db()
    assert household.product_name == "Kettle"


@pytest.mark.parametrize("query", [{"mode": "replace"}, {"mode": ""}, {"dry_run": "perhaps"}])
def test_an_unknown_option_value_answers_422(api_client, household, tmp_path, query):
    name, content = GOOD_FILES["json"]

    with nothing_changes(tmp_path):
        response = post_import(api_client, "json", name, content, **query)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# --- Limits and credentials ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_over_the_import_limit_answers_413(
    api_client, household, tmp_path, kind, settings
):
    settings.SPENDS_IMPORT_MAX_BYTES = 2048
    name = GOOD_FILES[kind][0]
    content = GOOD_FILES[kind][1] + b" " * 4096

    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content)

    detail = assert_string_detail(response, 413)
    assert "2,048 bytes" in detail


def test_an_upload_at_the_import_limit_is_accepted(api_client, household, settings):
    name, content = GOOD_FILES["json"]
    settings.SPENDS_IMPORT_MAX_BYTES = len(content)

    response = post_import(api_client, "json", name, content)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("kind", KINDS)
def test_an_import_without_credentials_answers_401(client, household, tmp_path, kind):
    name, content = GOOD_FILES[kind]

    with nothing_changes(tmp_path):
        response = post_import(client, kind, name, content)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_an_import_with_a_wrong_token_answers_401(household, tmp_path):
    from django.test import Client

    name, content = GOOD_FILES["json"]
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    with nothing_changes(tmp_path):
        response = post_import(client, "json", name, content)

    assert response.status_code == 401


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", ["none", "other-part", "text-field"])
def test_a_request_without_the_file_part_answers_a_json_4xx(
    api_client, household, tmp_path, kind, body
):
    name, content = GOOD_FILES[kind]
    data = {
        "none": {},
        "other-part": {"upload": SimpleUploadedFile(name, content)},
        "text-field": {"file": content.decode("latin-1")},
    }[body]

    with nothing_changes(tmp_path):
        response = api_client.post(f"{IMPORT}/{kind}", data)

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_a_body_that_is_not_multipart_answers_a_json_4xx(api_client, household, tmp_path):
    with nothing_changes(tmp_path):
        response = api_client.post(
            f"{IMPORT}/json", GOOD_FILES["json"][1], content_type="application/json"
        )

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


# --- The round trip through the API -------------------------------------------------------------


def test_export_reset_and_import_give_back_the_records_and_the_files(
    api_client, household, django_capture_on_commit_callbacks
):
    before = restorable_snapshot()
    contents = {a.id: a.blob.name for a in Attachment.objects.select_related("blob")}
    originals = {sha256(c): c for c in (RECEIPT, PHOTO)}
    exported = api_client.get("/api/export/zip")
    assert exported.status_code == 200
    archive = b"".join(exported.streaming_content)  # consuming it closes the response

    with django_capture_on_commit_callbacks(execute=True):
        reset = api_client.post(
            "/api/data/reset-all", {"confirm": "DELETE"}, content_type="application/json"
        )
    assert reset.status_code == 200, reset.content
    assert not Purchase.objects.exists() and not Blob.objects.exists()
    assert stored_blob_names() == []

    response = post_import(api_client, "zip", "BACKUP.ZIP", archive)

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["errors"] == [] and report["warnings"] == []
    assert report["purchases_added"] == 2 and report["warranties_added"] == 2
    assert report["files_added"] == 3 and report["files_extracted"] == 2
    assert report["files_missing"] == 0 and report["data_imported"] is True
    assert restorable_snapshot() == before
    for file_id, blob_name in contents.items():
        download = api_client.get(f"/api/files/{file_id}/download")
        assert download.status_code == 200, download.content
        body = b"".join(download.streaming_content)
        assert body == originals[blob_name.split("/")[-1][:64]]


# --- The management command ---------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "incoming-files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def run_import(*args, **options) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("backups_import", *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_imports_a_file(household, tmp_path, kind):
    name, content = GOOD_FILES[kind]
    path = write(tmp_path, name.upper(), content)

    stdout, _ = run_import(str(path))

    assert f"Imported {path.name}" in stdout
    assert "purchases added" in stdout
    assert Purchase.objects.get(pk=NEW_PURCHASE).product_name == "Lawn mower"
    if kind == "zip":
        assert default_storage.open(upload_path(MANUAL)[8:]).read() == MANUAL


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_dry_run_writes_nothing(household, tmp_path, kind):
    name, content = GOOD_FILES[kind]
    path = write(tmp_path, name, content)

    with nothing_changes(tmp_path):
        stdout, _ = run_import(str(path), "--dry-run")

    assert f"Would import {name}" in stdout
    assert "purchases added" in stdout


def test_the_command_updates_in_update_mode(api_client, household, tmp_path):
    path = write(tmp_path, "export.json", renamed_export(api_client, household))

    stdout, _ = run_import(str(path), "--mode", "update")

    assert "purchases updated: 2" in stdout
    household.refresh_from_db()
    assert household.product_name == "Kettle, renamed in the file"


def hostile_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps(new_document()))
        archive.writestr("/etc/x", b"pwned")
    return buffer.getvalue()


def mismatched_blob_zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps(new_document()))
        archive.writestr(name, b"not the content the name promises")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.json", b'{"purchases": [\n  {"id": 1,\n'),
        ("export.json", b'{"format_version": 4, "purchases": []}'),
        ("purchases.csv", b"name,cost\r\nRake,3\r\n"),
        ("purchases.csv", b"product_name,price,purchase_date\r\nRake,0,2024-05-01\r\n"),
        ("backup.zip", b"PK\x03\x04 not really"),
        ("backup.zip", hostile_zip()),
        ("notes.json", json.dumps(new_document(id="bad\nid", price="0")).encode()),
        ("backup.zip", mismatched_blob_zip(upload_path(MANUAL, ".pdf\nerror: forged line"))),
    ],
    ids=[
        "truncated-json",
        "version-4",
        "csv-without-columns",
        "csv-only-bad-rows",
        "not-a-zip",
        "absolute-entry",
        "newline-in-record-id",
        "newline-in-entry-name",
    ],
)
def test_the_command_fails_with_one_line_naming_the_file(household, tmp_path, name, content):
    path = write(tmp_path, name, content)

    with nothing_changes(tmp_path), pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{name}: ")
    assert len(message) > len(name) + 2


@pytest.mark.parametrize("name", ["export.txt", "export", "backup.tar.gz", "data.JSON.bak"])
def test_the_command_asks_for_format_when_the_extension_is_unknown(household, tmp_path, name):
    path = write(tmp_path, name, GOOD_FILES["json"][1])

    with nothing_changes(tmp_path), pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert "--format" in message and name in message
    assert "\n" not in message


def test_the_command_reads_any_file_name_with_format(household, tmp_path):
    path = write(tmp_path, "export.txt", GOOD_FILES["json"][1])

    stdout, _ = run_import(str(path), "--format", "json")

    assert "Imported export.txt" in stdout
    assert Purchase.objects.filter(pk=NEW_PURCHASE).exists()


def test_the_command_fails_with_one_line_for_a_missing_file(household, tmp_path):
    path = tmp_path / f"{uuid.uuid4()}.json"

    with pytest.raises(CommandError) as failure:
        run_import(str(path))

    message = str(failure.value)
    assert path.name in message and "\n" not in message


def test_the_command_lists_the_skipped_records_and_imports_the_rest(household, tmp_path):
    document = new_document()
    document["purchases"].append({"id": "y", "product_name": "Spade", "price": "0"})
    path = write(tmp_path, "export.json", json.dumps(document).encode())

    stdout, stderr = run_import(str(path))

    assert "Imported export.json" in stdout
    assert "error: purchase 2 (id y): price" in stderr
    assert Purchase.objects.filter(pk=NEW_PURCHASE).exists()
