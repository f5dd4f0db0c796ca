"""Downloading attachments (docs/api.md §5.6, §7): the exact bytes under every download path,
images and PDF inline and every other type (HTML and SVG included) as an attachment, file
names encoded per RFC 5987, and 400 or 404 for malformed, unknown or missing files.
"""

import os
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from purchases.tests.attachments_api_helpers import (
    DOC,
    DOCX,
    DOCX_TYPE,
    FILES,
    GIF,
    HTML,
    JPEG,
    PDF,
    PNG,
    SVG,
    TEXT,
    WEBP,
    blob_path,
    download_body,
    sha256,
    uploaded,
)
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


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


def test_non_ascii_names_also_get_a_plain_ascii_filename(api_client):
    purchase = PurchaseFactory()
    created = api_client.post(
        f"/api/files/{purchase.pk}/",
        {"file": SimpleUploadedFile("Garantie-Übersicht.pdf", b"%PDF-1.4 x"), "file_type": "other"},
    ).json()
    header = api_client.get(f"/api/files/file/{created['id']}/download/")["Content-Disposition"]
    assert header.startswith('inline; filename="Garantie-_bersicht.pdf"; filename*=utf-8')
