"""A good file answers 200 with every report key; importing it again adds nothing; a future
purchase is counted, not imported; an export, a reset and an import give back the records and
the files (docs/api.md §5.10, §6.4)."""

import datetime
import json

import pytest
from django.core.files.storage import default_storage

from interchange.tests.archives import sha256, upload_path
from interchange.tests.factories import PHOTO, RECEIPT
from interchange.tests.import_api.helpers import (
    GOOD_FILES,
    IMPORT,
    KINDS,
    MANUAL,
    NEW_PURCHASE,
    assert_report,
    new_document,
    post_import,
    restorable_snapshot,
    zip_of,
)
from kernel import clock
from purchases.blobs import stored_blob_names
from purchases.models import Attachment, Blob, Purchase

pytestmark = pytest.mark.django_db


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
