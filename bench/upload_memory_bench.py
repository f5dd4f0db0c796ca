"""Peak Python memory while the server handles attachment uploads of 1, 5 and 10 MiB.

Migrates the database named by DATABASE_URL (point it at a scratch database), creates a purchase
and an API token, then for each size builds a multipart request of random bytes with Django's
RequestFactory and hands its WSGI environ to Django's WSGIHandler, with tracemalloc measuring
only the handling (the request body is built before tracing starts). Uploads stream through
HashingUploadHandler into a temporary file, so the peak should not grow with the file size.
A last request of 10 MiB + 1 byte shows that a refused upload is not read into memory either,
and a control parses the 10 MiB body with Django's in-memory upload handler, to show that the
measurement does see a file held in memory.

    DATABASE_URL=sqlite:////tmp/upload_bench.sqlite3 SPENDS_DATA_DIR=/tmp/upload_bench \\
        .venv/bin/python bench/upload_memory_bench.py

Not a test: run by hand; figures go in the notes of the change that needs them. Exits 1 when the
peak for 10 MiB is more than 1 MiB above the peak for 1 MiB.
"""

import os
import sys
import tracemalloc

from dataset import Purchase, api_token_create, call_command, connection, get_user_model
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.test import RequestFactory, override_settings

from purchases.models import Attachment
from purchases.services import attachments_delete

MIB = 1024 * 1024


def upload_environ(purchase_id, token: str, size: int) -> dict:
    """Return the WSGI environ of a multipart upload of SIZE random bytes (body included)."""
    upload = SimpleUploadedFile("scan.bin", os.urandom(size), "application/octet-stream")
    request = RequestFactory().post(
        f"/api/files/{purchase_id}/",
        {"file": upload, "file_type": "receipt"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return request.environ


def handle(handler: WSGIHandler, environ: dict) -> tuple[str, float]:
    """Let HANDLER answer ENVIRON; return the status line and the peak traced memory in MiB."""
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    tracemalloc.start()
    try:
        response = handler(environ, start_response)
        for _ in response:
            pass
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statuses[0], peak / MIB


def control_peak(environ: dict) -> float:
    """Return the peak traced memory, in MiB, of parsing ENVIRON's body into memory."""
    request = WSGIRequest(environ)
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=64 * MIB):
        tracemalloc.start()
        try:
            request.FILES  # noqa: B018  (parses the body)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak / MIB


def main() -> None:
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench")
    _, token = api_token_create(user=user, name="upload benchmark")
    purchase = Purchase.objects.create(product_name="Upload benchmark", price=1)
    handler = WSGIHandler()
    print(
        f"{connection.vendor}, limit {settings.SPENDS_ATTACHMENT_MAX_BYTES / MIB:g} MiB, "
        f"temporary files in {settings.FILE_UPLOAD_TEMP_DIR}"
    )
    handle(handler, upload_environ(purchase.id, token, 64 * 1024))  # imports, caches, connection

    peaks = {}
    for size in (1 * MIB, 5 * MIB, 10 * MIB, 10 * MIB + 1):
        status, peaks[size] = handle(handler, upload_environ(purchase.id, token, size))
        print(f"upload {size / MIB:9.6f} MiB   peak {peaks[size]:6.2f} MiB   {status}")

    control = control_peak(upload_environ(purchase.id, token, 10 * MIB))
    print(f"control: 10 MiB parsed by Django's in-memory handler   peak {control:6.2f} MiB")

    attachments_delete(attachments=Attachment.objects.filter(purchase=purchase))
    Purchase.objects.filter(pk=purchase.pk).delete()

    growth = peaks[10 * MIB] - peaks[1 * MIB]
    print(f"peak growth from 1 to 10 MiB: {growth:+.2f} MiB")
    if growth > 1:
        print("the upload is held in memory: the peak grows with the file size")
        sys.exit(1)
    print("streamed: the peak does not grow with the file size")


if __name__ == "__main__":
    main()
