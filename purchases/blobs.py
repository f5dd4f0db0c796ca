"""The content-addressed blob store behind attachments (docs/api.md §7).

Files are named by the SHA-256 of their content and kept in Django's `default` storage (the local
file system under the media root, or any django-storages backend), at
`<h[0:2]>/<h[2:4]>/<h><ext>`: the layout of legacy `uploads/` trees, which can be copied in as
they are.

Uploads are hashed and measured while Django streams them to a temporary file
(`HashingUploadHandler`), so memory stays flat whatever the size and an oversized file is refused
before it is all read.
"""

import contextlib
import datetime
import functools
import hashlib
import logging
import os
import re
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils import timezone

logger = logging.getLogger(__name__)

BLOB_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})([^/]*)$")


class FileTooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        mib = 1024 * 1024
        size = f"{limit // mib} MB" if limit % mib == 0 else f"{limit:,} bytes"
        super().__init__(f"File exceeds the {size} limit")


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Stream each uploaded file to a temporary file, hashing and measuring it on the way.

    The finished file carries `sha256` (hex digest) and `size`. A file longer than `limit` bytes
    raises FileTooLarge as soon as the limit is crossed.
    """

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()
            raise FileTooLarge(self.limit)
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self.digest.hexdigest()
        return uploaded


def streamed_uploads(limit_setting: str):
    """Decorate a view so that its multipart files go through HashingUploadHandler.

    Each file may be as large as the setting named LIMIT_SETTING (read per request).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, exist_ok=True)
            limit = getattr(settings, limit_setting)
            request.upload_handlers = [HashingUploadHandler(request, limit=limit)]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


use_hashing_upload_handler = streamed_uploads("SPENDS_ATTACHMENT_MAX_BYTES")


# An upload's temporary file lives for one request; one this old was left by a crash.
INCOMING_STALE_AFTER = datetime.timedelta(days=1)


def incoming_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploads' temporary files a crash left behind; return how many.

    Only files older than INCOMING_STALE_AFTER go, so an upload under way keeps its file.
    """
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    cutoff = (now or timezone.now()).timestamp() - INCOMING_STALE_AFTER.total_seconds()
    removed = 0
    for leftover in folder.glob("*") if folder.is_dir() else []:
        with contextlib.suppress(OSError):  # gone already, or a folder: not ours to remove
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed += 1
    return removed


# Magic numbers of the formats people attach; anything else keeps the type it was declared with.
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
]
_ZIP_BASED = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def sniff_mime_type(head: bytes, filename: str, declared: str | None) -> str:
    """Return the MIME type of content starting with HEAD, else the declared one."""
    for signature, mime_type in _SIGNATURES:
        if head.startswith(signature):
            return mime_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1"}:
        return "image/heic"
    if head.startswith(b"PK\x03\x04"):
        return _ZIP_BASED.get(extension_of(filename).lower(), "application/zip")
    declared = (declared or "").split(";")[0].strip().lower()
    return declared or "application/octet-stream"


def sha256_of(file) -> str:
    """Return the SHA-256 hex digest of an uploaded FILE, read chunk by chunk."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def extension_of(filename: str) -> str:
    """Return the extension with its dot, case kept ("" when there is none)."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix
    return suffix if 1 < len(suffix) <= 16 else ""


def store_file(name: str, content) -> None:
    """Put CONTENT at NAME in the store unless a file is there already (same hash, same bytes)."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, content)
    if saved != name:  # another upload of the same content won the race
        default_storage.delete(saved)


def delete_files(names: list[str]) -> None:
    """Remove blob files; called only after the transaction that released them has committed.

    A failure here leaves an orphan file, which `purchases_check_storage` reports.
    """
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete the blob file %s; it is now an orphan", name)


def stored_blob_names(directory: str = "") -> list[str]:
    """Return the names of every file in the store that is laid out like a blob."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a store nothing was ever uploaded to has no folder yet
        return []
    names = [f"{directory}{name}" for name in files if BLOB_NAME.match(f"{directory}{name}")]
    for sub in directories:
        names.extend(stored_blob_names(f"{directory}{sub}/"))
    return names
