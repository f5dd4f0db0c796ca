"""The attachments endpoints (docs/api.md §2.6, §4.4, §5.6, §5.8, §7).

Uploads go through the real multipart parser and HashingUploadHandler; files land in the
per-test MEDIA_ROOT of the autouse `isolated_storage` fixture. Blob files are deleted only after
the transaction commits: the tests run inside one, so they capture the on-commit callbacks.
"""

import datetime
import hashlib
import os
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.models import Attachment, Blob, Purchase
from purchases.services import attachments_delete, purchase_delete, purchases_delete
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

FILES = "/api/files"
FILE_TYPE_ERROR = "file_type must be one of: receipt, manual, photo, warranty, other"
ATTACHMENT_KEYS = {
    "id",
    "purchase_id",
    "filename",
    "stored_filename",
    "file_type",
    "mime_type",
    "file_size",
    "file_hash",
    "reference_count",
    "created_at",
    "updated_at",
}

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(16)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + bytes(24)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32)
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + bytes(32)
TEXT = b"Serial number: SN-1234\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(
    client, purchase_id, data=PDF, name="receipt.pdf", content_type="application/pdf", **extra
):
    """POST a multipart upload; FILE_TYPE defaults to "receipt"."""
    file_type = extra.get("file_type", "receipt")
    return client.post(
        f"{FILES}/{purchase_id}/",
        {"file": SimpleUploadedFile(name, data, content_type), "file_type": file_type},
    )


def uploaded(client, purchase_id, *args, **extra) -> dict:
    """Upload (as `upload`) and return the attachment object of a successful answer."""
    response = upload(client, purchase_id, *args, **extra)
    assert response.status_code in (200, 201), response.content
    return response.json()


def upload_without_content_type(client, purchase_id, data: bytes, name: str):
    """Send a multipart body whose file part has no Content-Type header at all.

    Django's test client always adds one, so the body is written by hand.
    """
    boundary = "----spends-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file_type"\r\n\r\nother\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        f"{FILES}/{purchase_id}/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def blob_path(settings, sha: str, extension: str = "") -> Path:
    return Path(settings.MEDIA_ROOT) / sha[:2] / sha[2:4] / f"{sha}{extension}"


def stored_files(settings) -> list[Path]:
    """Every file under MEDIA_ROOT outside the temporary upload folder."""
    root = Path(settings.MEDIA_ROOT)
    incoming = Path(settings.FILE_UPLOAD_TEMP_DIR)
    return sorted(
        path for path in root.rglob("*") if path.is_file() and incoming not in path.parents
    )


def download_body(response) -> bytes:
    return b"".join(response.streaming_content)


def parse_datetime(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


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


# --- List and detail ------------------------------------------------------------------------------


def test_list_is_a_bare_array_oldest_first(api_client):
    purchase = PurchaseFactory()
    ids = [
        uploaded(api_client, purchase.id, data, f"file{index}.txt", "text/plain")["id"]
        for index, data in enumerate([b"one", b"two", b"three"])
    ]
    # Make the last upload the oldest, so that the order cannot come from insertion.
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for offset, attachment_id in zip([2, 1, 0], ids, strict=True):
        Attachment.objects.filter(pk=attachment_id).update(
            created_at=base + datetime.timedelta(minutes=offset)
        )

    response = api_client.get(f"{FILES}/{purchase.id}/")

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert [item["id"] for item in body] == list(reversed(ids))
    assert all(item.keys() >= ATTACHMENT_KEYS for item in body)


def test_list_only_shows_the_purchases_own_attachments(api_client):
    purchase, other = PurchaseFactory(), PurchaseFactory()
    mine = uploaded(api_client, purchase.id, PDF)
    uploaded(api_client, other.id, PNG, "photo.png", "image/png")

    for path in (f"{FILES}/{purchase.id}/", f"{FILES}/{purchase.id}"):
        assert api_client.get(path).json() == [mine]
    assert api_client.get(f"{FILES}/{PurchaseFactory().id}/").json() == []


def test_list_of_an_unknown_purchase_answers_404(api_client):
    response = api_client.get(f"{FILES}/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Purchase not found"}


def _attach_directly(purchase: Purchase, index: int) -> Attachment:
    digest = sha256(f"{purchase.id}-{index}".encode())
    blob = Blob.objects.create(sha256=digest, extension=".jpg", size=index + 1, reference_count=1)
    return Attachment.objects.create(
        purchase=purchase, blob=blob, file_type="photo", filename=f"photo{index}.jpg"
    )


def test_listing_attachments_takes_the_same_number_of_queries_for_2_and_20(api_client):
    small, large = PurchaseFactory(), PurchaseFactory()
    for index in range(2):
        _attach_directly(small, index)
    for index in range(20):
        _attach_directly(large, index)

    api_client.get(f"{FILES}/{small.id}/")  # the token's once-a-minute last-use write
    with CaptureQueriesContext(connection) as few:
        assert len(api_client.get(f"{FILES}/{small.id}/").json()) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get(f"{FILES}/{large.id}/").json()) == 20

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("slash", ["/", ""])
def test_detail_returns_the_attachment_object(api_client, slash):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    response = api_client.get(f"{FILES}/{purchase.id}/{attachment['id']}{slash}")

    assert response.status_code == 200
    assert response.json() == attachment


def test_detail_with_a_malformed_file_id_answers_400(api_client):
    purchase = PurchaseFactory()

    response = api_client.get(f"{FILES}/{purchase.id}/not-an-id/")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_detail_of_an_unknown_purchase_answers_404(api_client):
    attachment = uploaded(api_client, PurchaseFactory().id)

    response = api_client.get(f"{FILES}/{uuid.uuid4()}/{attachment['id']}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Purchase not found"}


def test_detail_of_an_unknown_file_answers_404(api_client):
    purchase = PurchaseFactory()

    response = api_client.get(f"{FILES}/{purchase.id}/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_detail_of_another_purchases_file_answers_404(api_client):
    owner, other = PurchaseFactory(), PurchaseFactory()
    attachment = uploaded(api_client, owner.id)

    response = api_client.get(f"{FILES}/{other.id}/{attachment['id']}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_legacy_32_hex_attachment_ids_are_accepted(api_client, django_capture_on_commit_callbacks):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)
    legacy_id = uuid.UUID(attachment["id"]).hex

    detail = api_client.get(f"{FILES}/{purchase.id}/{legacy_id}/")
    download = api_client.get(f"{FILES}/file/{legacy_id}/download/")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api_client.delete(f"{FILES}/{purchase.id}/{legacy_id}/")

    assert detail.status_code == 200
    assert detail.json() == attachment
    assert download.status_code == 200
    assert download_body(download) == PDF
    assert deleted.status_code == 200
    assert not Attachment.objects.exists()


# --- Download -------------------------------------------------------------------------------------

DOWNLOAD_PATHS = [
    "/api/files/file/{id}/download/",
    "/api/files/file/{id}/download",
    "/api/files/{id}/preview/",
    "/api/files/{id}/preview",
    "/api/files/{id}/download/",
    "/api/files/{id}/download",
]


@pytest.mark.parametrize("path", DOWNLOAD_PATHS)
def test_download_returns_the_exact_bytes_with_the_stored_type(api_client, path):
    purchase = PurchaseFactory()
    data = PNG + os.urandom(4096)
    attachment = uploaded(api_client, purchase.id, data, "photo.png", "image/png")

    response = api_client.get(path.format(id=attachment["id"]))

    assert response.status_code == 200
    assert download_body(response) == data
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Framed by the purchase form's preview, and by no other site; still no active content.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "default-src 'none'" in policy


@pytest.mark.parametrize(
    ("data", "name", "declared", "mime_type"),
    [
        (PNG, "photo.png", "image/png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg", "image/jpeg"),
        (GIF, "anim.gif", "image/gif", "image/gif"),
        (WEBP, "photo.webp", "image/webp", "image/webp"),
        (PDF, "receipt.pdf", "application/pdf", "application/pdf"),
        (PDF, "receipt.pdf", "application/octet-stream", "application/pdf"),
    ],
)
def test_images_and_pdf_are_served_inline(api_client, data, name, declared, mime_type):
    attachment = uploaded(api_client, PurchaseFactory().id, data, name, declared)

    response = api_client.get(f"{FILES}/file/{attachment['id']}/download/")

    assert response["Content-Type"] == mime_type
    assert response["Content-Disposition"] == f'inline; filename="{name}"'


@pytest.mark.parametrize(
    ("data", "name", "declared", "mime_type"),
    [
        (DOCX, "manual.docx", "application/octet-stream", DOCX_TYPE),
        (DOC, "manual.doc", "application/octet-stream", "application/msword"),
        (TEXT, "serial.txt", "text/plain", "text/plain"),
        (b"\x00\x01\x02", "data.bin", "application/octet-stream", "application/octet-stream"),
        (HTML, "page.html", "text/html", "text/html"),
        (SVG, "logo.svg", "image/svg+xml", "image/svg+xml"),
    ],
)
def test_other_types_including_html_and_svg_are_served_as_attachments(
    api_client, data, name, declared, mime_type
):
    attachment = uploaded(api_client, PurchaseFactory().id, data, name, declared)

    response = api_client.get(f"{FILES}/file/{attachment['id']}/download/")

    assert response["Content-Type"] == mime_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert download_body(response) == data


def test_download_encodes_non_ascii_names_per_rfc_5987(api_client):
    attachment = uploaded(api_client, PurchaseFactory().id, PDF, "Garantie-Übersicht €.pdf")

    response = api_client.get(f"{FILES}/file/{attachment['id']}/download/")

    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''Garantie-%C3%9Cbersicht%20%E2%82%AC.pdf" in disposition


@pytest.mark.parametrize("path", DOWNLOAD_PATHS)
def test_download_with_a_malformed_id_answers_400(api_client, path):
    response = api_client.get(path.format(id="nope"))

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("path", DOWNLOAD_PATHS)
def test_download_of_an_unknown_file_answers_404(api_client, path):
    response = api_client.get(path.format(id=uuid.uuid4()))

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_download_of_content_missing_from_storage_answers_404(api_client, settings):
    attachment = uploaded(api_client, PurchaseFactory().id, PDF, "receipt.pdf")
    blob_path(settings, sha256(PDF), ".pdf").unlink()

    response = api_client.get(f"{FILES}/file/{attachment['id']}/download/")

    assert response.status_code == 404
    assert "missing from storage" in response.json()["detail"].lower()


# --- Delete ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["/", ""])
def test_delete_answers_200_with_a_message(api_client, slash):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}{slash}")

    assert response.status_code == 200
    assert response.json() == {"message": "File deleted"}
    assert api_client.get(f"{FILES}/{purchase.id}/").json() == []


def test_delete_with_a_malformed_id_answers_400(api_client):
    purchase = PurchaseFactory()

    response = api_client.delete(f"{FILES}/{purchase.id}/12345/")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_delete_of_an_unknown_file_or_purchase_answers_404(api_client):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    unknown_file = api_client.delete(f"{FILES}/{purchase.id}/{uuid.uuid4()}/")
    unknown_purchase = api_client.delete(f"{FILES}/{uuid.uuid4()}/{attachment['id']}/")

    assert unknown_file.status_code == 404
    assert unknown_purchase.status_code == 404
    assert unknown_purchase.json() == {"detail": "Purchase not found"}
    assert Attachment.objects.filter(pk=attachment["id"]).exists()


def test_delete_of_another_purchases_file_answers_404_and_keeps_it(api_client):
    owner, other = PurchaseFactory(), PurchaseFactory()
    attachment = uploaded(api_client, owner.id)

    response = api_client.delete(f"{FILES}/{other.id}/{attachment['id']}/")

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment["id"], purchase=owner).exists()


def test_deleting_one_of_two_sharing_attachments_keeps_the_blob_and_its_file(
    api_client, settings, django_capture_on_commit_callbacks
):
    first, second = PurchaseFactory(), PurchaseFactory()
    gone = uploaded(api_client, first.id)
    kept = uploaded(api_client, second.id)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{first.id}/{gone['id']}/")

    assert response.status_code == 200
    assert Blob.objects.get().reference_count == 1
    assert blob_path(settings, sha256(PDF), ".pdf").read_bytes() == PDF
    assert api_client.get(f"{FILES}/{second.id}/{kept['id']}/").json()["reference_count"] == 1
    assert download_body(api_client.get(f"{FILES}/file/{kept['id']}/download/")) == PDF


def test_deleting_the_last_attachment_removes_the_blob_and_its_file_only_after_commit(
    api_client, settings, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)
    path = blob_path(settings, sha256(PDF), ".pdf")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert path.exists(), "the file went before the deletion committed"
    assert callbacks

    for callback in callbacks:
        callback()

    assert not path.exists()
    assert stored_files(settings) == []


def test_a_crash_before_the_file_deletion_leaves_an_orphan_file_and_no_rows(
    api_client, settings, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    # The process dies after the commit: the on-commit callbacks never run.
    with django_capture_on_commit_callbacks(execute=False):
        api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]


def test_a_failing_file_deletion_after_commit_leaves_an_orphan_file_and_no_rows(
    api_client, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    def unavailable(storage, name):
        raise OSError("storage unavailable")

    # The class of purchases.blobs.default_storage (a lazy object that cannot be patched cleanly).
    monkeypatch.setattr(FileSystemStorage, "delete", unavailable)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
    assert "orphan" in caplog.text


def test_a_failure_before_commit_keeps_both_the_rows_and_the_file(
    api_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory()
    attachment = uploaded(api_client, purchase.id)

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("django.db.transaction.on_commit", crash)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"{FILES}/{purchase.id}/{attachment['id']}/")

    assert response.status_code == 500
    assert Attachment.objects.filter(pk=attachment["id"]).exists()
    assert Blob.objects.get().reference_count == 1
    assert blob_path(settings, sha256(PDF), ".pdf").read_bytes() == PDF


# --- Deleting purchases and resetting -------------------------------------------------------------


def test_deleting_a_purchase_releases_its_attachments_blobs(
    api_client, settings, django_capture_on_commit_callbacks
):
    doomed, survivor = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, doomed.id, PDF, "shared.pdf")
    uploaded(api_client, doomed.id, PNG, "sole.png", "image/png")
    kept = uploaded(api_client, survivor.id, PDF, "shared.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/purchases/{doomed.id}")

    assert response.status_code == 204
    assert not Purchase.objects.filter(pk=doomed.pk).exists()
    assert list(Attachment.objects.values_list("id", flat=True)) == [uuid.UUID(kept["id"])]
    shared = Blob.objects.get()
    assert shared.sha256 == sha256(PDF)
    assert shared.reference_count == 1
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]
    assert api_client.get(f"{FILES}/{survivor.id}/").json()[0]["reference_count"] == 1


def test_reset_all_removes_every_attachment_and_blob_and_counts_the_files(
    api_client, settings, django_capture_on_commit_callbacks
):
    first, second = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, first.id, PDF)
    uploaded(api_client, second.id, PDF)
    uploaded(api_client, first.id, PNG, "photo.png", "image/png")
    uploaded(api_client, second.id, TEXT, "serial.txt", "text/plain")
    assert len(stored_files(settings)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/data/reset-all", {"confirm": "DELETE"}, content_type="application/json"
        )

    assert response.status_code == 200
    assert response.json()["details"]["uploads_deleted"] == 3
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    assert not Purchase.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("path", ["instance", "queryset"])
def test_deleting_a_purchase_outside_the_api_still_releases_its_blobs(
    api_client, settings, django_capture_on_commit_callbacks, path
):
    # The services behind the admin's delete (one purchase) and bulk action (a queryset): the
    # admin itself is driven in spends_tracker/tests/test_write_paths.py.
    doomed, survivor = PurchaseFactory(), PurchaseFactory()
    uploaded(api_client, doomed.id, PDF, "shared.pdf")
    uploaded(api_client, doomed.id, PNG, "sole.png", "image/png")
    uploaded(api_client, survivor.id, PDF, "shared.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        if path == "instance":
            purchase_delete(purchase=Purchase.objects.get(pk=doomed.pk))
        else:
            purchases_delete(purchases=Purchase.objects.filter(pk=doomed.pk))

    assert Attachment.objects.get().purchase_id == survivor.pk
    assert Blob.objects.get().reference_count == 1
    assert stored_files(settings) == [blob_path(settings, sha256(PDF), ".pdf")]


def test_non_ascii_names_also_get_a_plain_ascii_filename(api_client):
    purchase = PurchaseFactory()
    created = api_client.post(
        f"/api/files/{purchase.pk}/",
        {"file": SimpleUploadedFile("Garantie-Übersicht.pdf", b"%PDF-1.4 x"), "file_type": "other"},
    ).json()
    header = api_client.get(f"/api/files/file/{created['id']}/download/")["Content-Disposition"]
    assert header.startswith('inline; filename="Garantie-_bersicht.pdf"; filename*=utf-8')


def test_deleting_attachments_outside_the_api_still_keeps_the_counts(api_client):
    """The blob store's one delete service, as the admin's inline and the reset call it."""
    content = b"%PDF-1.4 shared by two"
    for purchase in (PurchaseFactory(), PurchaseFactory()):
        api_client.post(
            f"/api/files/{purchase.pk}/",
            {"file": SimpleUploadedFile("r.pdf", content), "file_type": "receipt"},
        )
    attachments_delete(attachments=Attachment.objects.filter(pk=Attachment.objects.first().pk))
    assert Blob.objects.get().reference_count == 1
    attachments_delete(attachments=Attachment.objects.all())
    assert not Blob.objects.exists()
