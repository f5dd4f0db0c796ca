"""The content-addressed blob store behind attachments (docs/api.md §7): purchases/blobs.py."""

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import encode_multipart

from purchases.blobs import (
    FileTooLarge,
    HashingUploadHandler,
    delete_files,
    extension_of,
    sniff_mime_type,
    store_file,
    stored_blob_names,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HASH = hashlib.sha256(b"content").hexdigest()
BOUNDARY = "blob-store-boundary"


@pytest.fixture
def temp_dir(settings) -> Path:
    """The folder uploads stream into (created by the view decorator in real requests)."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def started_handler(limit: int) -> HashingUploadHandler:
    handler = HashingUploadHandler(limit=limit)
    handler.new_file("file", "scan.pdf", "application/pdf", None)
    return handler


def feed(handler: HashingUploadHandler, chunks) -> int:
    """Pass CHUNKS to HANDLER the way the multipart parser does; return the bytes fed."""
    position = 0
    for chunk in chunks:
        handler.receive_data_chunk(chunk, position)
        position += len(chunk)
    return position


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    consumed = 0

    def read(self, size=-1):
        data = super().read(size)
        self.consumed += len(data)
        return data


def parse_upload(body_file: SimpleUploadedFile, handler: HashingUploadHandler, stream_class=None):
    body = encode_multipart(BOUNDARY, {"file": body_file})
    stream = (stream_class or io.BytesIO)(body)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
    }
    parser = MultiPartParser(meta, stream, [handler])
    return parser, stream, len(body)


# --- sniff_mime_type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "filename", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "receipt.bin", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.png", "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x10Exif", "photo.jpg", "image/jpeg"),
        (b"GIF87a\x01\x00", "anim.gif", "image/gif"),
        (b"GIF89a\x01\x00", "anim.gif", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "photo.webp", "image/webp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "manual.doc", "application/msword"),
        (b"PK\x03\x04\x14\x00\x06\x00", "manual.docx", DOCX_TYPE),
        (b"PK\x03\x04\x14\x00\x06\x00", "Manual.DOCX", DOCX_TYPE),
        (b"PK\x03\x04\x14\x00\x06\x00", "archive.zip", "application/zip"),
    ],
)
def test_sniff_recognises_content_whatever_was_declared(head, filename, expected):
    assert sniff_mime_type(head, filename, "application/octet-stream") == expected
    assert sniff_mime_type(head, filename, "text/html") == expected
    assert sniff_mime_type(head, filename, None) == expected


def test_sniff_does_not_take_a_riff_file_that_is_not_webp_for_an_image():
    assert sniff_mime_type(b"RIFF\x24\x00\x00\x00WAVEfmt ", "a.wav", "audio/wav") == "audio/wav"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("text/plain", "text/plain"),
        ("Text/Plain; charset=UTF-8", "text/plain"),
        ("image/svg+xml", "image/svg+xml"),
    ],
)
def test_sniff_keeps_the_declared_type_of_unknown_content(declared, expected):
    assert sniff_mime_type(b"just some words", "notes.txt", declared) == expected


@pytest.mark.parametrize("declared", [None, "", "  "])
def test_sniff_of_unknown_content_without_a_declared_type_is_octet_stream(declared):
    assert sniff_mime_type(b"\x00\x01\x02", "data", declared) == "application/octet-stream"


def test_sniff_of_empty_content_keeps_the_declared_type():
    assert sniff_mime_type(b"", "empty.txt", "text/plain") == "text/plain"


# --- extension_of ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("receipt.pdf", ".pdf"),
        ("SCAN.PDF", ".PDF"),
        ("Quittung März.Jpeg", ".Jpeg"),
        ("archive.tar.gz", ".gz"),
        ("README", ""),
        (".bashrc", ""),
        (".hidden.txt", ".txt"),
        ("trailing-dot.", ""),
        ("C:\\Users\\me\\Documents\\manual.docx", ".docx"),
        ("folder.d/file", ""),
        ("", ""),
        ("file." + "x" * 15, "." + "x" * 15),
        ("file." + "x" * 16, ""),
        ("file." + "x" * 200, ""),
    ],
)
def test_extension_of(filename, expected):
    assert extension_of(filename) == expected


# --- HashingUploadHandler -------------------------------------------------------------------------


def test_handler_hashes_and_measures_what_it_streams(temp_dir):
    data = os.urandom(300_000)
    chunks = [data[start : start + 65_536] for start in range(0, len(data), 65_536)]
    handler = started_handler(limit=len(data))

    size = feed(handler, chunks)
    uploaded = handler.file_complete(size)

    assert uploaded.sha256 == hashlib.sha256(data).hexdigest()
    assert uploaded.size == len(data)
    assert handler.received == len(data)
    assert uploaded.read() == data
    assert Path(uploaded.temporary_file_path()).parent == temp_dir


def test_handler_through_the_multipart_parser_gives_the_file_its_hash_and_size(temp_dir):
    data = os.urandom(200_000)
    handler = HashingUploadHandler(limit=len(data))
    parser, _, _ = parse_upload(SimpleUploadedFile("scan.pdf", data, "application/pdf"), handler)

    _, files = parser.parse()

    uploaded = files["file"]
    assert uploaded.sha256 == hashlib.sha256(data).hexdigest()
    assert uploaded.size == len(data)
    assert uploaded.read() == data


def test_handler_accepts_exactly_the_limit(temp_dir):
    handler = started_handler(limit=16)

    feed(handler, [b"a" * 10, b"b" * 6])

    assert handler.file_complete(16).sha256 == hashlib.sha256(b"a" * 10 + b"b" * 6).hexdigest()


def test_handler_refuses_as_soon_as_the_limit_is_crossed(temp_dir):
    handler = started_handler(limit=4096)
    fed = []

    def chunks():
        for _ in range(1000):
            fed.append(1024)
            yield b"x" * 1024

    with pytest.raises(FileTooLarge) as refused:
        feed(handler, chunks())

    assert refused.value.limit == 4096
    assert len(fed) == 5  # the fifth chunk crossed the limit; the other 995 were never read
    assert handler.file.closed
    assert list(temp_dir.iterdir()) == []


def test_parser_stops_reading_the_request_once_the_limit_is_crossed(temp_dir):
    data = os.urandom(2 * 1024 * 1024)
    handler = HashingUploadHandler(limit=100 * 1024)
    upload = SimpleUploadedFile("big.bin", data, "application/octet-stream")
    parser, stream, length = parse_upload(upload, handler, CountingStream)

    with pytest.raises(FileTooLarge):
        parser.parse()

    assert stream.consumed < length / 4
    assert list(temp_dir.iterdir()) == []


def test_file_too_large_names_the_limit_in_mib():
    assert str(FileTooLarge(10 * 1024 * 1024)) == "File exceeds the 10 MB limit"


# --- store_file, delete_files, stored_blob_names --------------------------------------------------


def test_store_file_writes_new_content_at_its_name(settings):
    name = f"{HASH[:2]}/{HASH[2:4]}/{HASH}.pdf"

    store_file(name, ContentFile(b"content"))

    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == b"content"


def test_store_file_does_not_overwrite_an_existing_file(settings):
    name = f"{HASH[:2]}/{HASH[2:4]}/{HASH}.pdf"
    default_storage.save(name, ContentFile(b"already here"))

    store_file(name, ContentFile(b"something else"))

    folder = Path(settings.MEDIA_ROOT) / HASH[:2] / HASH[2:4]
    assert (folder / f"{HASH}.pdf").read_bytes() == b"already here"
    assert [path.name for path in folder.iterdir()] == [f"{HASH}.pdf"]


def test_store_file_losing_a_race_keeps_the_first_file_and_no_copy(settings, monkeypatch):
    name = f"{HASH[:2]}/{HASH[2:4]}/{HASH}.pdf"
    default_storage.save(name, ContentFile(b"written by the winner"))
    storage_class = type(default_storage._wrapped)
    real_exists = storage_class.exists
    checks = []

    def exists(storage, name):
        # store_file's own check ran just before the winner's file appeared.
        checks.append(name)
        return len(checks) > 1 and real_exists(storage, name)

    monkeypatch.setattr(storage_class, "exists", exists)

    store_file(name, ContentFile(b"written by the winner"))

    folder = Path(settings.MEDIA_ROOT) / HASH[:2] / HASH[2:4]
    assert [path.name for path in folder.iterdir()] == [f"{HASH}.pdf"]


def test_delete_files_goes_on_past_a_failure_and_logs_the_orphan(settings, monkeypatch, caplog):
    names = [f"{HASH[:2]}/{HASH[2:4]}/{HASH}{ext}" for ext in (".a", ".b")]
    for name in names:
        default_storage.save(name, ContentFile(b"x"))
    storage_class = type(default_storage._wrapped)
    real_delete = storage_class.delete

    def flaky(storage, name):
        if name.endswith(".a"):
            raise PermissionError("read-only")
        real_delete(storage, name)

    monkeypatch.setattr(storage_class, "delete", flaky)

    delete_files(names)

    assert default_storage.exists(names[0])
    assert not default_storage.exists(names[1])
    assert names[0] in caplog.text


def test_delete_files_ignores_files_already_gone():
    delete_files([f"{HASH[:2]}/{HASH[2:4]}/{HASH}.pdf"])


def test_stored_blob_names_lists_only_blob_shaped_names():
    other = hashlib.sha256(b"other").hexdigest()
    blobs = [f"{HASH[:2]}/{HASH[2:4]}/{HASH}.pdf", f"{other[:2]}/{other[2:4]}/{other}"]
    not_blobs = [
        ".incoming/tmpabc.upload.pdf",
        "README.txt",
        f"{HASH[:2]}/{HASH}.pdf",  # one level only
        f"{HASH[:2]}/{HASH[2:4]}/{HASH[:63]}.pdf",  # 63 hex digits
        f"{HASH[:2]}/{HASH[2:4]}/{HASH.upper()}.pdf",  # not lower-case hex
        f"{HASH[:2]}/{HASH[2:4]}/notes.txt",
        f"{HASH[:2]}/{HASH[2:4]}/x/{HASH}.pdf",  # too deep
    ]
    for name in blobs + not_blobs:
        default_storage.save(name, ContentFile(b"x"))

    assert sorted(stored_blob_names()) == sorted(blobs)


def test_stored_blob_names_of_an_empty_store_is_empty(settings):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)

    assert stored_blob_names() == []
