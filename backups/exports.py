"""Exports of everything (JSON, ZIP) or of the purchases (CSV), streamed (docs/api.md §5.9, §6).

Each export reads one consistent snapshot of the database and holds at most one batch of rows in
memory, so 100,000 purchases export with flat memory; the HTTP API streams the chunks, the
management command writes them to a file or standard output.
"""

import contextlib
import csv
import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import AuditEvent
from backups.formats import (
    CSV_COLUMNS,
    FORMAT_VERSION,
    attachment_record,
    audit_record_of,
    brand_record,
    iso_datetime,
    purchase_csv_row,
    purchase_record,
    retailer_record,
    warranty_record,
)
from catalog.models import Brand, Retailer
from preferences.selectors import preferences_get
from purchases.models import Attachment, Blob, Purchase
from warranties.models import Warranty

BATCH = 2000
COPY_CHUNK = 1024 * 1024


@contextlib.contextmanager
def consistent_snapshot():
    """Run the reads inside one transaction that sees the database as of its start.

    SQLite (in WAL mode) gives a transaction one snapshot already; PostgreSQL's default level
    would let each query see newer commits, so ask it for REPEATABLE READ. Either way the
    transaction only reads: on SQLite it begins DEFERRED rather than with the write lock that
    the settings' IMMEDIATE mode takes for writers, so an export never blocks a save.
    """
    if connection.in_atomic_block:  # the caller's transaction decides what it sees
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()  # sets transaction_mode from the settings
        writers_mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = writers_mode
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _record_batches(queryset, to_record) -> Iterator[list[dict]]:
    """Yield the records of QUERYSET's rows, BATCH at a time."""
    rows = queryset.iterator(chunk_size=BATCH)
    while batch := [to_record(row) for row in itertools.islice(rows, BATCH)]:
        yield batch


def _rows(queryset, *annotations: str):
    """QUERYSET's rows as named tuples of the model's fields and ANNOTATIONS.

    A record reads the same attributes from these as from a model instance, which would cost
    several times more to build than the record itself.
    """
    fields = [field.attname for field in queryset.model._meta.concrete_fields]
    return queryset.values_list(*fields, *annotations, named=True)


# Who added and who last changed a purchase or warranty, by username (ids mean nothing elsewhere).
PEOPLE = ("created_by_name", "updated_by_name")


def _with_people(queryset):
    return queryset.annotate(
        created_by_name=F("created_by__username"), updated_by_name=F("updated_by__username")
    )


def _sections():
    return [
        ("retailers", _rows(Retailer.objects.order_by("created_at", "id")), retailer_record),
        ("brands", _rows(Brand.objects.order_by("created_at", "id")), brand_record),
        (
            "purchases",
            _rows(_with_people(Purchase.objects.order_by("created_at", "id")), *PEOPLE),
            purchase_record,
        ),
        (
            "warranties",
            _rows(
                _with_people(Warranty.objects.with_status().order_by("created_at", "id")),
                "effective_status",
                *PEOPLE,
            ),
            warranty_record,
        ),
        (
            "files",
            Attachment.objects.select_related("blob").order_by("created_at", "id"),
            attachment_record,
        ),
    ]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def export_json_chunks(progress=None) -> Iterator[str]:
    """Yield the JSON export (format version 2) piece by piece.

    PROGRESS, if given, is called as progress(section, records written, records in all).
    """
    progress = progress or _no_progress
    with consistent_snapshot():
        header = {
            "format_version": FORMAT_VERSION,
            "exported_at": iso_datetime(timezone.now()),
            "settings": preferences_get(),
        }
        yield json.dumps(header, ensure_ascii=False)[:-1]
        for key, queryset, to_record in _sections():
            yield f', "{key}": ['
            total = queryset.count() if progress is not _no_progress else None
            separator, done = "", 0
            for batch in _record_batches(queryset, to_record):
                # The records of a list, written as json.dumps writes each with ", " between.
                yield separator + json.dumps(batch, ensure_ascii=False)[1:-1]
                separator = ", "
                done += len(batch)
                if len(batch) == BATCH:
                    progress(key.capitalize(), done, total)
            progress(key.capitalize(), total or 0, total)
            yield "]"
        # The audit trail: read by owners, restored alongside the current one, ignored by
        # imports (backups.imports.audit_merge).
        yield ', "audit": ['
        separator = ""
        for batch in _record_batches(_audit_rows(), audit_record_of):
            yield separator + json.dumps(batch, ensure_ascii=False)[1:-1]
            separator = ", "
        yield "]"
        yield "}\n"


def _audit_rows():
    return AuditEvent.objects.order_by("at", "id").values_list(
        "at", "actor_name", "action", "target", "details", named=True
    )


def purchase_csv_rows(purchases=None) -> Iterator[list[str]]:
    """Yield the CSV row of each purchase of the queryset PURCHASES (all by default), oldest
    first; call it in a transaction (`consistent_snapshot`) for a consistent export."""
    purchases = Purchase.objects.all() if purchases is None else purchases
    purchases = (
        purchases.with_primary_warranty()
        .annotate(retailer_name=F("retailer__name"), brand_name=F("brand__name"))
        .order_by("created_at", "id")
    )
    rows = _rows(purchases, "retailer_name", "brand_name", "primary_warranty_end")
    for row in rows.iterator(chunk_size=BATCH):
        yield purchase_csv_row(row)


def export_csv_chunks(progress=None) -> Iterator[str]:
    """Yield the purchases as CSV (UTF-8, CRLF, header row), a batch of rows at a time."""
    progress = progress or _no_progress
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    with consistent_snapshot():
        total = Purchase.objects.count() if progress is not _no_progress else None
        rows = purchase_csv_rows()
        done = 0
        while batch := list(itertools.islice(rows, BATCH)):
            writer.writerows(batch)
            done += len(batch)
            if len(batch) == BATCH:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                progress("Purchases", done, total)
        progress("Purchases", total or 0, total)
    yield buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def export_zip(target, *, app_version: str = "1", progress=None, blob_store=None) -> dict:
    """Write the full archive (data.json, uploads/…, manifest.json) to the binary file TARGET.

    Returns the manifest: format and app versions, record counts, and the SHA-256 and size of
    data.json and of every blob; `missing_blobs` names the files the store has lost (their
    attachments stay in data.json and come back marked unavailable).

    With BLOB_STORE (a storage: a backup location), attachment files are not put in the archive
    but in that storage's `blobs/` folder, once per content for every backup there (incremental
    backups); the manifest names each one's place in `store`.
    """
    counts: dict[str, int] = {}
    blobs = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        digest = hashlib.sha256()
        with consistent_snapshot():
            with archive.open(_entry("data.json"), "w", force_zip64=True) as member:
                for chunk in export_json_chunks(progress):
                    data = chunk.encode()
                    digest.update(data)
                    member.write(data)
            for key, queryset, _ in _sections():
                counts[key] = queryset.count()
            audit_events = AuditEvent.objects.count()
            stored = list(
                Blob.objects.filter(reference_count__gt=0)
                .only("sha256", "extension", "size")
                .order_by("sha256")
            )
        # Files are copied after the snapshot's transaction, so that the job can report its
        # progress meanwhile. They never change; one deleted since is reported as missing.
        total = len(stored)
        missing = []
        for done, blob in enumerate(stored, 1):
            path = f"uploads/{blob.name}"
            try:
                if blob_store is None:
                    entry = _blob_into_archive(blob, archive, path)
                else:
                    entry = _blob_into_store(blob, blob_store, path)
            except OSError:  # lost from the store: the archive says so rather than failing
                missing.append(path)
                continue
            blobs.append(entry)
            if progress:
                progress("Stored files", done, total)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": iso_datetime(timezone.now()),
            "app_version": app_version,
            "data_sha256": digest.hexdigest(),
            "record_counts": counts,
            "blobs": blobs,
            "missing_blobs": missing,
            "audit_events": audit_events,
        }
        archive.writestr(_entry("manifest.json"), json.dumps(manifest, indent=2))
    return manifest


def _copy(source, target) -> tuple[str, int]:
    """Copy SOURCE to TARGET (binary files) chunk by chunk; return the SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(COPY_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def _blob_into_archive(blob, archive: zipfile.ZipFile, path: str) -> dict:
    with (
        default_storage.open(blob.name, "rb") as source,
        archive.open(path, "w", force_zip64=True) as member,
    ):
        sha256, size = _copy(source, member)
    return {"path": path, "sha256": sha256, "size": size}


def shared_blob_name(blob_name: str) -> str:
    """Where a backup location keeps the file of a blob for every backup there."""
    return f"blobs/{blob_name}"


def _blob_into_store(blob, blob_store, path: str) -> dict:
    """Put BLOB's file in BLOB_STORE unless an earlier backup did; return its manifest entry.

    The copy is checked against the blob's SHA-256 whenever the backup is verified or restored.
    """
    shared = shared_blob_name(blob.name)
    present = blob_store.exists(shared)
    if present and blob_store.size(shared) != blob.size:
        blob_store.delete(shared)  # cut short by a backup that was killed: copy it again
        present = False
    if not present:
        with default_storage.open(blob.name, "rb") as source:
            saved = blob_store.save(shared, File(source, name=shared))
        if saved != shared:  # written meanwhile by another backup: the same content
            blob_store.delete(saved)
    return {"path": path, "sha256": blob.sha256, "size": blob.size, "store": shared}
