"""Contents, expected keys and upload helpers shared by the attachments API tests
(test_attachments_api_*.py).
"""

import datetime
import hashlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

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
