"""Backups through the API: create, list, verify, download, restore, delete, config, reset."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backups.models import BackupRecord, Job
from catalog.models import Retailer
from purchases.models import Attachment, Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def run(api_client, capture, method, path, **kwargs):
    """Call the API and run the background job it starts, as the worker would."""
    with capture(execute=True):
        response = getattr(api_client, method)(path, **kwargs)
    return response


def test_create_list_verify_download_and_restore(
    api_client, household, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    created = run(
        api_client,
        capture,
        "post",
        "/api/backup/create",
        data={"note": "before"},
        content_type="application/json",
    )
    assert created.status_code == 202
    job = created.json()
    assert job["kind"] == "backup" and job["status"] == "pending"

    done = api_client.get(job["url"]).json()
    assert done["status"] == "completed" and done["progress"] == 100
    backup = done["result"]
    assert backup["record_counts"]["purchases"] == 1 and backup["file_count"] == 1
    assert len(backup["sha256"]) == 64 and backup["size_bytes"] > 0

    listing = api_client.get("/api/backup/list").json()
    assert [item["id"] for item in listing["items"]] == [backup["id"]]
    assert api_client.post(f"/api/backup/{backup['id']}/verify").json()["valid"] is True

    archive = b"".join(api_client.get(f"/api/backup/{backup['id']}/download").streaming_content)
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist()[0] == "data.json"

    household.product_name = "Changed"
    household.save()
    PurchaseFactory(product_name="Added later")

    restored = run(
        api_client,
        capture,
        "post",
        "/api/backup/restore",
        data={"backup_id": backup["id"]},
        content_type="application/json",
    )
    assert restored.status_code == 202
    result = api_client.get(restored.json()["url"]).json()
    assert result["status"] == "completed", result["error"]
    report = result["result"]
    assert report["mode"] == "replace" and report["restore_point_id"]
    assert list(Purchase.objects.values_list("product_name", flat=True)) == ["Kettle"]
    assert Attachment.objects.count() == 1
    point = BackupRecord.objects.get(pk=report["restore_point_id"])
    assert point.kind == "restore_point" and point.record_counts["purchases"] == 2


def test_restore_from_an_uploaded_archive(
    api_client, household, django_capture_on_commit_callbacks
):
    exported = b"".join(api_client.get("/api/export/zip").streaming_content)
    Purchase.objects.all().delete()
    response = run(
        api_client,
        django_capture_on_commit_callbacks,
        "post",
        "/api/backup/restore",
        data={"file": SimpleUploadedFile("BACKUP.ZIP", exported)},
    )
    assert response.status_code == 202
    assert Job.objects.get().status == "completed"
    assert Purchase.objects.get().product_name == "Kettle"


def test_a_damaged_upload_is_refused_before_anything_changes(api_client, household):
    response = api_client.post(
        "/api/backup/restore", data={"file": SimpleUploadedFile("b.zip", b"PK\x03\x04 broken")}
    )
    assert response.status_code == 400
    assert not Job.objects.exists() and Purchase.objects.count() == 1


def test_only_one_job_at_a_time(api_client, household):
    first = api_client.post("/api/backup/create")  # not run: no worker in this test
    assert first.status_code == 202
    second = api_client.post("/api/backup/create")
    assert second.status_code == 409
    assert api_client.get("/api/backup/status").json()["state"] == "pending"


def test_unknown_backup_is_404(api_client):
    assert (
        api_client.post(
            "/api/backup/restore", data={"backup_id": "nope"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert api_client.get("/api/backup/nope/download").status_code == 404
    assert api_client.delete("/api/backup/nope").status_code == 404


def test_config_is_partial_and_validated(api_client):
    assert api_client.get("/api/backup/config").json()["backup_enabled"] is False
    changed = api_client.put(
        "/api/backup/config",
        data={"backup_enabled": True, "backup_retention": 3},
        content_type="application/json",
    ).json()
    assert changed["backup_enabled"] is True and changed["backup_retention"] == 3
    assert changed["backup_frequency"] == "daily" and changed["next_backup_due"]
    for bad in [{"backup_retention": 0}, {"backup_retention": 366}, {"backup_frequency": "hourly"}]:
        response = api_client.put("/api/backup/config", data=bad, content_type="application/json")
        assert response.status_code == 422, bad


def test_reset_takes_a_restore_point_that_brings_everything_back(
    api_client, household, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reset = api_client.post("/api/data/reset-all")
    assert reset.status_code == 200
    point = reset.json()["restore_point_id"]
    assert point and not Purchase.objects.exists() and not Retailer.objects.exists()

    run(
        api_client,
        django_capture_on_commit_callbacks,
        "post",
        "/api/backup/restore",
        data={"backup_id": point},
        content_type="application/json",
    )

    assert Purchase.objects.get().product_name == "Kettle"
    assert Attachment.objects.get().blob.missing is False


@pytest.mark.parametrize(
    "body", [{"backup_enabled": 0}, {"backup_enabled": "yes"}, {"backup_retention": "7"}]
)
def test_config_takes_only_the_types_it_documents(api_client, body):
    response = api_client.put("/api/backup/config", data=body, content_type="application/json")
    assert response.status_code == 422
    assert api_client.get("/api/backup/config").json()["backup_retention"] == 7
