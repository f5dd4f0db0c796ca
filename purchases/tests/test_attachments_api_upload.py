"""Uploading attachments (docs/api.md §4.4, §5.6, §7): the answer, the sharded blob path, the
file type, the declared content type, the size limit, an interrupted upload a retry adopts,
and content stored once however many purchases it is attached to.

Uploads go through the real multipart parser and HashingUploadHandler; files land in the
per-test MEDIA_ROOT of the autouse `isolated_storage` fixture.
"""

import datetime
import os
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from purchases.models import Attachment, Blob
from purchases.tests.attachments_api_helpers import (
    ATTACHMENT_KEYS,
    FILE_TYPE_ERROR,
    FILES,
    PDF,
    TEXT,
    blob_path,
    parse_datetime,
    sha256,
    stored_files,
    upload,
    upload_without_content_type,
    uploaded,
)
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


# --- Upload ---------------------------------------------------------------------------------------


def test_upload_answers_201_with_every_field_of_the_attachment_object(api_client, settings):
    purchase = PurchaseFactory()
    name = "Quittung-März 2025.PDF"

    response = upload(api_client, purchase.id, PDF, name, "application/octet-stream")

    assert response.status_code == 201
    body = response.json()
    assert body.keys() >= ATTACHMENT_KEYS
    assert str(uuid.UUID(body["id"])) == body["id"]
    assert body["purchase_id"] == str(purchase.id)
    assert body["filename"] == name
    assert body["stored_filename"] == f"{sha256(PDF)}.PDF"
    assert body["file_type"] == "receipt"
    assert body["mime_type"] == "application/pdf"
    assert body["file_size"] == len(PDF)
    assert body["file_hash"] == sha256(PDF)
    assert body["reference_count"] == 1
    assert parse_datetime(body["created_at"]).utcoffset() == datetime.timedelta(0)
    assert body["updated_at"] is None


def test_upload_stores_the_bytes_at_the_sharded_blob_path(api_client, settings):
    purchase = PurchaseFactory()

    uploaded(api_client, purchase.id, PDF, "scan.Pdf")

    path = blob_path(settings, sha256(PDF), ".Pdf")
    assert path.read_bytes() == PDF
    assert stored_files(settings) == [path]


def test_upload_matches_file_type_case_insensitively(api_client):
    purchase = PurchaseFactory()

    response = upload(api_client, purchase.id, file_type="RECEIPT")

    assert response.status_code == 201
    assert response.json()["file_type"] == "receipt"
    assert Attachment.objects.get().file_type == "receipt"


def test_upload_with_an_invalid_file_type_answers_400_and_stores_nothing(api_client, settings):
    purchase = PurchaseFactory()

    response = upload(api_client, purchase.id, file_type="invoice")

    assert response.status_code == 400
    assert response.json() == {"detail": FILE_TYPE_ERROR}
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == []


def test_upload_without_file_type_answers_422(api_client):
    purchase = PurchaseFactory()

    response = api_client.post(
        f"{FILES}/{purchase.id}/", {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")}
    )

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert not Attachment.objects.exists()


def test_upload_without_file_answers_422(api_client):
    purchase = PurchaseFactory()

    response = api_client.post(f"{FILES}/{purchase.id}/", {"file_type": "receipt"})

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("purchase_id", [uuid.uuid4(), "not-a-uuid"])
def test_upload_to_an_unknown_purchase_answers_404(api_client, settings, purchase_id):
    response = upload(api_client, purchase_id)

    assert response.status_code == 404
    assert response.json() == {"detail": "Purchase not found"}
    assert not Blob.objects.exists()
    assert stored_files(settings) == []


def test_upload_keeps_the_declared_type_of_content_it_does_not_recognise(api_client):
    purchase = PurchaseFactory()

    body = uploaded(api_client, purchase.id, TEXT, "serial.txt", "text/plain")

    assert body["mime_type"] == "text/plain"


def test_upload_without_a_declared_type_is_application_octet_stream(api_client):
    purchase = PurchaseFactory()

    response = upload_without_content_type(api_client, purchase.id, b"\x00\x01raw", "data")

    assert response.status_code == 201
    assert response.json()["mime_type"] == "application/octet-stream"
    assert response.json()["stored_filename"] == sha256(b"\x00\x01raw")


def test_upload_of_exactly_the_size_limit_is_accepted(api_client, settings):
    settings.SPENDS_ATTACHMENT_MAX_BYTES = 1024
    purchase = PurchaseFactory()
    data = os.urandom(1024)

    response = upload(api_client, purchase.id, data, "exact.bin", "application/octet-stream")

    assert response.status_code == 201
    assert response.json()["file_size"] == 1024
    assert blob_path(settings, sha256(data), ".bin").read_bytes() == data


def test_upload_one_byte_over_the_limit_answers_413_and_stores_nothing(api_client, settings):
    settings.SPENDS_ATTACHMENT_MAX_BYTES = 1024
    purchase = PurchaseFactory()

    response = upload(api_client, purchase.id, os.urandom(1025), "big.bin", "image/png")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == []
    # The half-received temporary file is gone too.
    incoming = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert not incoming.exists() or not any(incoming.iterdir())


def test_default_limit_is_10_mib_exactly(api_client, settings):
    purchase = PurchaseFactory()
    limit = 10 * 1024 * 1024
    data = os.urandom(limit)

    accepted = upload(api_client, purchase.id, data, "a.bin", "application/octet-stream")
    refused = upload(api_client, purchase.id, data + b"!", "b.bin", "application/octet-stream")

    assert accepted.status_code == 201
    assert accepted.json()["file_size"] == limit
    assert refused.status_code == 413
    assert refused.json() == {"detail": "File exceeds the 10 MB limit"}
    assert Attachment.objects.count() == 1


def test_an_upload_interrupted_after_storing_the_file_leaves_an_orphan_a_retry_adopts(
    api_client, settings, monkeypatch
):
    purchase = PurchaseFactory()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(Attachment, "save", crash)
        failed = upload(api_client, purchase.id)
    assert failed.status_code == 500
    assert not Blob.objects.exists()  # never a row without its file
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]

    retried = upload(api_client, purchase.id)

    assert retried.status_code == 201
    assert Blob.objects.get().reference_count == 1
    assert blob_path(settings, sha256(PDF), ".pdf").read_bytes() == PDF


# --- De-duplication -------------------------------------------------------------------------------


def test_same_content_for_another_purchase_shares_one_blob(api_client, settings):
    first, second = PurchaseFactory(), PurchaseFactory()
    original = uploaded(api_client, first.id, PDF, "receipt.pdf")

    response = upload(api_client, second.id, PDF, "copy.pdf", file_type="warranty")

    assert response.status_code == 201
    shared = response.json()
    assert shared["id"] != original["id"]
    assert shared["purchase_id"] == str(second.id)
    assert shared["filename"] == "copy.pdf"
    assert shared["file_type"] == "warranty"
    assert shared["reference_count"] == 2
    blob = Blob.objects.get()
    assert blob.reference_count == 2
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
    for purchase, attachment in ((first, original), (second, shared)):
        detail = api_client.get(f"{FILES}/{purchase.id}/{attachment['id']}/").json()
        assert detail["reference_count"] == 2
        assert detail["file_hash"] == sha256(PDF)


def test_same_content_again_on_the_same_purchase_returns_the_existing_attachment(
    api_client, settings
):
    purchase = PurchaseFactory()
    original = uploaded(api_client, purchase.id, PDF, "receipt.pdf", file_type="receipt")

    response = upload(api_client, purchase.id, PDF, "other-name.pdf", file_type="manual")

    assert response.status_code == 200
    assert response.json() == original
    assert Attachment.objects.count() == 1
    assert Blob.objects.get().reference_count == 1
    assert len(stored_files(settings)) == 1


def test_later_upload_with_another_extension_reuses_the_first_blob_name(api_client, settings):
    first, second = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, first.id, PDF, "manual.pdf")

    body = uploaded(api_client, second.id, PDF, "manual.TIFF", "image/tiff")

    assert body["stored_filename"] == f"{sha256(PDF)}.pdf"
    assert body["filename"] == "manual.TIFF"
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
