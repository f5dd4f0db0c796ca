"""Exports of everything (JSON) or of the purchases (CSV), streamed (docs/api.md §5.9, §6).

The ZIP export wraps the JSON one with the files (interchange/archive.py, `export_zip`).

Each export reads one consistent snapshot of the database and holds at most one batch of rows in
memory, so 100,000 purchases export with flat memory; the HTTP API streams the chunks, the
management command writes them to a file or standard output.
"""

import contextlib
import csv
import io
import itertools
import json
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AuditEvent
from catalog.models import Brand, Retailer
from currencies.selectors import manual_rate_list
from interchange.formats import (
    CSV_COLUMNS,
    FORMAT_VERSION,
    attachment_record,
    audit_record_of,
    brand_record,
    claim_record,
    exchange_rate_record,
    iso_datetime,
    purchase_csv_row,
    purchase_record,
    retailer_record,
    warranty_record,
)
from preferences.selectors import preferences_get
from purchases.models import Attachment, Purchase
from warranties.models import OPEN_CLAIM_STATUSES, Claim, Warranty

BATCH = 2000


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
            "claims",
            _rows(_with_people(Claim.objects.order_by("created_at", "id")), *PEOPLE),
            claim_record,
        ),
        (
            "files",
            Attachment.objects.select_related("blob").order_by("created_at", "id"),
            attachment_record,
        ),
    ]


def section_counts() -> dict[str, int]:
    """Return how many records each section of an export holds (a manifest's record counts)."""
    return {key: queryset.count() for key, queryset, _ in _sections()}


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def export_json_chunks(progress=None) -> Iterator[str]:
    """Yield the JSON export (format version 4) piece by piece.

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
        # The manual exchange rates (format version 3): a few rows, the kept conversions' own.
        rates = [exchange_rate_record(rate) for rate in manual_rate_list().order_by("day", "id")]
        yield ', "exchange_rates": ' + json.dumps(rates, ensure_ascii=False)
        # The audit trail: read by owners, restored alongside the current one, ignored by
        # imports (backups.restores.audit_merge).
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
    open_claims = (
        Claim.objects.filter(warranty__purchase=OuterRef("pk"), status__in=OPEN_CLAIM_STATUSES)
        .order_by()
        .values("warranty__purchase")
        .annotate(count=Count("id"))
        .values("count")
    )
    purchases = (
        purchases.with_primary_warranty()
        .annotate(
            retailer_name=F("retailer__name"),
            brand_name=F("brand__name"),
            open_claims=Coalesce(Subquery(open_claims), 0),
        )
        .order_by("created_at", "id")
    )
    rows = _rows(purchases, "retailer_name", "brand_name", "primary_warranty_end", "open_claims")
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
