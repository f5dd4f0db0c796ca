"""Imports of JSON, CSV and ZIP files (docs/api.md §5.10, §6): checked, then committed at once.

One implementation behind three front doors: `POST /api/import/*`, `manage.py backups_import` and
the admin's import buttons. A file with a fatal problem (unreadable, not the format, a damaged or
hostile archive) raises ImportRejected and changes nothing. Problems with single records
(docs/api.md §6.5: a price of zero, a warranty whose purchase is missing, …) skip those records and
are listed in the report; everything else is written in **one transaction**, so a crash midway
changes nothing either (docs/api.md §9.16), and the report's counts are what was committed. A dry
run does all of it and rolls back.

Decisions behind the rules of docs/api.md §5.10, §6.3 and §6.5:
- A missing `currency_code` takes the preferred currency (docs/api.md §9.7), like a new purchase.
- Settings in a version 2 file fill in the settings that are not stored yet; `mode=update` also
  overwrites stored ones.
- A ZIP entry that tries to leave the archive (absolute path, `..`, a symbolic link) rejects the
  whole archive; other names outside the format (docs/api.md §6.3) are ignored and listed in the
  warnings.
- A blob whose content does not match its name, or an archive that disagrees with its manifest,
  rejects the archive.
- When every record failed and nothing was imported, the import is rejected with the first errors
  as the message (docs/api.md §5.10).
"""

import codecs
import csv
import functools
import hashlib
import json
import re
import uuid
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record
from backups import records
from backups.documents import (
    SECTIONS,
    Document,
    ImportRejected,
    StreamedDocument,
    rewound,
)
from backups.formats import CSV_COLUMNS, csv_text
from backups.parsing import parse_datetime, parse_id
from backups.records import RecordError, record_id, record_key
from catalog.models import Brand, CatalogEntry, Retailer
from kernel import clock
from kernel.models import VersionedQuerySet
from kernel.versioning import data_changed
from preferences.models import Preference
from preferences.selectors import PREFERENCE_DEFAULTS, preferred_currency_code
from purchases.blobs import delete_files, store_file
from purchases.models import Attachment, Blob, Purchase
from purchases.rollups import rollups_brought_in_step
from warranties.models import Warranty
from warranties.services import CREATED_FROM_PURCHASE, warranty_set_primary_end

MODES = ("skip", "update")
CSV_REQUIRED_COLUMNS = ("product_name", "price", "purchase_date")
BATCH = 1000
MAX_MESSAGES = 500  # per list in a report; the rest are counted

Progress = Callable[[str, int, int], None]


# -- Reports (docs/api.md §6.4) --------------------------------------------------------------------

JSON_COUNTS = [
    "purchases_added",
    "purchases_updated",
    "purchases_skipped_existing",
    "purchases_skipped_future_date",
    "warranties_added",
    "warranties_updated",
    "warranties_skipped_existing",
    "retailers_added",
    "retailers_updated",
    "retailers_merged",
    "brands_added",
    "brands_updated",
    "brands_merged",
    "files_added",
    "files_updated",
    "files_skipped_existing",
]
ZIP_COUNTS = [*JSON_COUNTS, "files_extracted", "files_missing"]
CSV_COUNTS = [
    "rows_total",
    "rows_skipped",
    "purchases_added",
    "purchases_updated",
    "purchases_skipped_existing",
    "purchases_skipped_future_date",
    "warranties_added",
    "retailers_added",
    "brands_added",
]
_COUNTS = {"json": JSON_COUNTS, "zip": ZIP_COUNTS, "csv": CSV_COUNTS}


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): counts, then the problems it skipped."""

    kind: str
    mode: str = "skip"
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors_total: int = 0
    warnings_total: int = 0
    settings_applied: list[str] = field(default_factory=list)
    data_imported: bool = False
    # Filled only when asked for (the admin's preview): label -> (new/update/skip, database id).
    outcomes: dict[str, tuple[str, uuid.UUID | None]] | None = None

    def outcome(self, label: str, kind: str, pk: uuid.UUID | None) -> None:
        if self.outcomes is not None:
            self.outcomes[label] = (kind, pk)

    def error(self, message: str) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(message)

    @property
    def changed(self) -> int:
        """How many records (and settings) were added or updated."""
        written = sum(n for key, n in self.counts.items() if key.endswith(("_added", "_updated")))
        return written + len(self.settings_applied)

    def _messages(self, messages: list[str], total: int) -> list[str]:
        if total > len(messages):
            return [*messages, f"… and {total - len(messages)} more"]
        return list(messages)

    def as_dict(self) -> dict:
        report = {key: self.counts[key] for key in _COUNTS[self.kind]}
        if self.kind == "zip":
            report["data_imported"] = self.data_imported
        if self.kind != "csv":
            report["settings_applied"] = list(self.settings_applied)
        report["errors"] = self._messages(self.errors, self.errors_total)
        report["warnings"] = self._messages(self.warnings, self.warnings_total)
        report["mode"] = self.mode
        report["dry_run"] = self.dry_run
        return report

    def summary(self) -> str:
        """One line of the counts that are not zero."""
        counts = [
            f"{key.replace('_', ' ')}: {self.counts[key]:,}"
            for key in _COUNTS[self.kind]
            if self.counts[key]
        ]
        counts += [f"errors: {self.errors_total:,}"] if self.errors_total else []
        counts += [f"warnings: {self.warnings_total:,}"] if self.warnings_total else []
        return "; ".join(counts) or "nothing to import"


# -- Entry points ----------------------------------------------------------------------------------


# Every import below takes ACTOR (the person importing; None: the command line) and SOURCE (the
# file's name, in words): an import that changes data is written to the audit trail with its
# counts, inside its transaction. Dry runs and imports that change nothing are not.


def import_json(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import a JSON export (version 1 or 2) from the binary FILE; return the ImportReport.

    The file's `audit` section, if any, is ignored: an import adds records, not history.
    """
    report = ImportReport("json", mode=_mode(mode), dry_run=dry_run)
    document = StreamedDocument(lambda: rewound(file))
    _run(
        report,
        _sections_loader(document),
        _StoreBlobs(),
        progress,
        lossless=_lossless(document),
        audit=_ImportAudit(actor, "import.json", source),
    )
    return report


def import_zip(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import a ZIP archive (data.json, uploads/…, optional manifest.json) from the binary FILE.

    Like a JSON import, it ignores the archive's audit trail (a restore merges it).
    """
    report = ImportReport("zip", mode=_mode(mode), dry_run=dry_run)
    with Archive(file, progress=progress) as archive:
        for message in archive.warnings:
            report.warn(message)
        document = archive.data
        _run(
            report,
            _sections_loader(document),
            archive,
            progress,
            lossless=_lossless(document),
            audit=_ImportAudit(actor, "import.zip", source),
        )
    report.data_imported = not dry_run
    return report


def import_csv(
    file, *, mode: str = "skip", dry_run: bool = False, progress=None, actor=None, source=""
):
    """Import purchases from a CSV file (header row required; docs/api.md §6.2 columns by name)."""
    report = ImportReport("csv", mode=_mode(mode), dry_run=dry_run)
    reader = csv.reader(_utf8_lines(file))
    try:
        rows = _csv_records(reader, report)
        _run(
            report,
            lambda importer: importer.purchases(rows, total=None),
            _StoreBlobs(),
            progress,
            lossless=False,
            audit=_ImportAudit(actor, "import.csv", source),
        )
    except csv.Error as error:
        raise ImportRejected(
            f"The CSV file is malformed at line {reader.line_num}: {error}."
        ) from None
    counts = report.counts
    counts["rows_skipped"] = (
        counts["rows_total"] - counts["purchases_added"] - counts["purchases_updated"]
    )
    return report


def _utf8_lines(file) -> Iterator[str]:
    """Decode a binary file line by line (a leading BOM dropped), naming the line of a bad byte."""
    for number, line in enumerate(file, 1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportRejected(
                f"The file is not UTF-8 text (line {number}, byte {error.start + 1} of the line)."
            ) from None


def import_records(
    kind: str, rows: Iterable[tuple[str, dict]], *, mode: str = "skip", dry_run: bool = False
) -> ImportReport:
    """Import rows of one kind ("purchases", "retailers" or "brands") read elsewhere.

    ROWS yields (label, record) with records keyed like the CSV columns or JSON fields; this is
    how the admin's import buttons (django-import-export) reach the same importer. The report's
    `outcomes` tell, per label, whether that row was new, updated or skipped.
    """
    report = ImportReport("csv" if kind == "purchases" else "json", mode=_mode(mode))
    report.dry_run = dry_run
    report.outcomes = {}
    rows = list(rows)

    def load(importer: "_RecordImport") -> None:
        if kind == "purchases":
            report.counts["rows_total"] = len(rows)
            importer.purchases(rows, total=len(rows))
        else:
            importer.catalog(Retailer if kind == "retailers" else Brand, rows)

    _run(report, load, _StoreBlobs(), None, lossless=False)
    if kind == "purchases":
        report.counts["rows_skipped"] = (
            len(rows) - report.counts["purchases_added"] - report.counts["purchases_updated"]
        )
    return report


def restore_archive(
    archive: "Archive", *, progress=None, actor=None, target: str = "", details=None
) -> ImportReport:
    """Replace all data with the checked ARCHIVE's (the restore of docs/api.md §5.11).

    One transaction deletes every row and imports the archive; the files in the store stay
    until it commits (the caller then removes those no row refers to). A version 2 archive comes
    back exactly, future dates included (docs/api.md §9.17); a legacy one by the importer's rules.

    The audit trail is not replaced: the archive's events are added to it (`audit_merge`), and
    the restore itself is recorded as ACTOR's, of TARGET, with DETAILS, in the same transaction.
    Who added and changed each purchase and warranty comes back for the usernames that still
    have an account here (the others are left unknown).
    """
    report = ImportReport("zip", mode="replace")
    for message in archive.warnings:
        report.warn(message)
    document = archive.data
    lossless = _lossless(document)

    def load(importer: "_RecordImport") -> None:
        _delete_all_rows()
        importer.keep_future = lossless
        importer.people = dict(
            get_user_model().objects.values_list(get_user_model().USERNAME_FIELD, "pk")
        )
        _sections_loader(document)(importer)
        merged = audit_merge(document.records("audit"))
        audit_record(
            actor=actor,
            action="backup.restore",
            target=target,
            **(details or {}),
            audit_events_added=merged,
            counts={key: n for key, n in report.counts.items() if n},
        )

    _run(report, load, archive, progress, lossless=lossless)
    report.data_imported = True
    return report


def audit_merge(events: Iterable) -> int:
    """Add the audit EVENTS (records of an export's `audit` section) that the trail lacks.

    An event is the same when its time, actor name, action and target are; events that are not
    well-formed are left out. Returns how many were added. The accounts are not linked: an
    event keeps its actor's name only.
    """
    present = set(AuditEvent.objects.values_list("at", "actor_name", "action", "target"))
    name_length = AuditEvent._meta.get_field("actor_name").max_length
    action_length = AuditEvent._meta.get_field("action").max_length
    target_length = AuditEvent._meta.get_field("target").max_length
    new = []
    for record in events:
        if not isinstance(record, dict):
            continue
        try:
            at = parse_datetime(record.get("at"))
        except ValueError:
            continue
        actor_name, action, target = (
            record.get("actor_name"),
            record.get("action"),
            record.get("target") or "",
        )
        if (
            at is None
            or not all(isinstance(text, str) for text in (actor_name, action, target))
            or not action
            or len(actor_name) > name_length
            or len(action) > action_length
            or len(target) > target_length
        ):
            continue
        key = (at, actor_name, action, target)
        if key in present:
            continue
        present.add(key)
        details = record.get("details")
        new.append(
            AuditEvent(
                at=at,
                actor_name=actor_name,
                action=action,
                target=target,
                details=_json_plain(details) if isinstance(details, dict) else {},
            )
        )
    AuditEvent.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _json_plain(value):
    """VALUE with the stream parser's Decimals made JSON numbers again (ints when whole)."""
    if isinstance(value, dict):
        return {str(key): _json_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _delete_all_rows() -> None:
    """Delete the household's rows, leaving the blob files in the store."""
    VersionedQuerySet.delete(Attachment.objects.all())  # not through the blob store: files stay
    Blob.objects.all().delete()
    for model in (Warranty, Purchase, Retailer, Brand, Preference):
        model.objects.all().delete_in_batches()


def _lossless(document: Document) -> bool:
    """Version 2 files were written by this application: their text is kept exactly."""
    return document.version >= 2


def _sections_loader(document: Document) -> Callable:
    def load(importer: "_RecordImport") -> None:
        counts = document.counts
        importer.catalog(Retailer, list(document.records("retailers")))
        importer.catalog(Brand, list(document.records("brands")))
        importer.purchases(document.records("purchases"), total=counts["purchases"])
        importer.warranties(document.records("warranties"), total=counts["warranties"])
        importer.files(list(document.records("files")))
        if _lossless(document):
            importer.settings(document.settings)

    return load


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise ImportRejected(f"Unknown mode {mode!r}: use skip or update.")
    return mode


@dataclass
class _ImportAudit:
    """How an import is written to the audit trail: who, which kind, which file."""

    actor: object
    action: str
    source: str

    def record(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action=self.action,
            target=self.source or "an uploaded file",
            mode=report.mode,
            counts={key: n for key, n in report.counts.items() if n},
            settings_applied=list(report.settings_applied),
            errors=report.errors_total,
        )


def _run(
    report: ImportReport,
    load: Callable,
    blobs,
    progress,
    *,
    lossless: bool,
    audit: _ImportAudit | None = None,
) -> None:
    """Run LOAD(importer) in one transaction, then reject, roll back (dry run) or store blobs.

    Blob files are put in place before the rows commit (a file already there is left alone);
    the ones this import wrote are removed again if the transaction does not commit, so neither
    a row without its file nor a stray file is left behind. AUDIT, when given, records an
    import that changed something, in the same transaction.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            importer = _RecordImport(report, lossless=lossless, blobs=blobs, progress=progress)
            load(importer)
            if report.errors_total and not report.changed:
                shown = report.errors[:3]
                more = report.errors_total - len(shown)
                raise ImportRejected(
                    "Nothing was imported: "
                    + "; ".join(shown)
                    + (f" (and {more:,} more problems)." if more else ".")
                )
            if report.dry_run:
                transaction.set_rollback(True)
            else:
                if audit is not None and report.changed:
                    audit.record(report)
                # The rows went in around the write services: give the data its new version, then
                # bring the dashboard's rollups up to it now, in this transaction, rather than make
                # the next visitor wait.
                data_changed()
                rollups_brought_in_step()
                blobs.store(importer.blobs_to_store, written, importer.progress)
    except BaseException:
        delete_files(written)
        raise


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def _label(noun: str, index: int, record) -> str:
    raw = record.get("id") if isinstance(record, dict) else None
    return f"{noun} {index}" + (f" (id {_shown(raw)})" if raw not in (None, "") else "")


def _shown(value) -> str:
    """VALUE as it can be quoted in a one-line message: short, control characters escaped."""
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return text if text.isprintable() else repr(text)


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_UNSEEN = object()


@functools.cache
def _concrete_fields(model) -> list:
    return [(field.attname, field) for field in model._meta.concrete_fields]


def _instance(model, values: dict):
    """A new MODEL with VALUES by attribute name, its fields' defaults for the others.

    Built from positional arguments, which Django's constructor takes several times faster
    than keyword arguments: it matters for 100,000 rows.
    """
    return model(
        *[
            values[name] if name in values else field.get_default()
            for name, field in _concrete_fields(model)
        ]
    )


def _insert_rows(model, objs: list) -> None:
    """Insert the new MODEL instances OBJS: through COPY on PostgreSQL, bulk_create elsewhere.

    For 100,000 purchases, Django compiling bulk INSERTs and psycopg quoting their parameters
    cost seconds of Python time; COPY streams the same values, each field's `get_db_prep_save`
    as the ORM would send it. (The data version is replaced once, by `_run`.)
    """
    db = transaction.get_connection()  # not the proxy: it is asked once per value
    if db.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    if not objs:
        return
    fields = [(field.pre_save, field.get_db_prep_save) for field in model._meta.concrete_fields]
    columns = ", ".join(db.ops.quote_name(field.column) for field in model._meta.concrete_fields)
    sql = f"COPY {db.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with db.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([prepare(value(obj, True), db) for value, prepare in fields])
            obj._state.adding, obj._state.db = False, db.alias


@dataclass
class _PurchaseRow:
    label: str
    key: str | None
    uid: uuid.UUID | None
    values: dict
    retailer: tuple[str | None, str | None]  # (id as written, name) — names come from CSV files
    brand: tuple[str | None, str | None]
    warranty_end: object = None  # CSV files carry the primary warranty's end


class _RecordImport:
    """Imports records section by section (docs/api.md §6.5), resolving the file's references.

    `ids` maps each kind's ids as written in the file to the ids in the database (kept, new,
    or those of existing records a retailer or brand was merged into). Everything is written in
    batches of bulk inserts, inside the caller's transaction.
    """

    UPDATED_PURCHASE_FIELDS = [
        "product_name",
        "price",
        "currency_code",
        "retailer_id",
        "brand_id",
        "purchase_date",
        "tax_deductible",
        "quantity",
        "return_deadline",
        "status",
        *records.PURCHASE_TEXT_FIELDS,
        "link",
        "created_at",
        "updated_at",
    ]
    UPDATED_WARRANTY_FIELDS = [
        "purchase_id",
        "warranty_start",
        "warranty_end",
        "warranty_type",
        "provider",
        "notes",
        "voided",
        "created_at",
        "updated_at",
    ]

    def __init__(self, report: ImportReport, *, lossless: bool, blobs, progress: Progress | None):
        self.report = report
        self.blobs = blobs
        self.counts = report.counts
        self.update = report.mode == "update"
        self.lossless = lossless
        self.progress = progress or _no_progress
        self.today = clock.today()
        self.ids: dict[str, dict[str, uuid.UUID]] = {kind: {} for kind in SECTIONS}
        self.seen: dict[str, set[str]] = {kind: set() for kind in SECTIONS}
        self.present: dict[type, set[uuid.UUID]] = {}
        self.absent: dict[type, set[uuid.UUID]] = {}
        self.names: dict[type, dict[str, uuid.UUID]] = {}
        self.future_purchases: set[str] = set()
        self.failed_purchases: set[str] = set()
        self.blobs_to_store: dict[str, str] = {}  # sha256 -> blob name
        self.keep_future = False  # a restore of a version 2 archive keeps every purchase
        self.default_currency = preferred_currency_code()  # docs/api.md §9.7, read once
        self.references: dict[str, str | None] = {}  # see _reference
        # username -> user id, for a restore to link who added and changed each record; imports
        # leave them unknown (None: not looked up).
        self.people: dict[str, int] | None = None

    def _people_ids(self, record: dict) -> dict:
        if self.people is None:
            return {}
        return {
            f"{relation}_id": self.people.get(name) if isinstance(name, str) else None
            for relation in ("created_by", "updated_by")
            for name in [record.get(relation)]
        }

    # -- what is in the database already

    def _load_existing(self, model, uids: Iterable[uuid.UUID | None]) -> None:
        present = self.present.setdefault(model, set())
        absent = self.absent.setdefault(model, set())
        unknown = list({uid for uid in uids if uid} - present - absent)
        for chunk in _chunks(unknown):
            found = set(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            present |= found
            absent |= set(chunk) - found

    def _exists(self, model, uid: uuid.UUID | None) -> bool:
        if uid is None:
            return False
        self._load_existing(model, [uid])
        return uid in self.present[model]

    def _claimed(self, kind: str, key: str | None, label: str) -> bool:
        """Report a second record with the same id in the file (it is skipped)."""
        if key is None:
            return False
        if key in self.seen[kind]:
            self.report.error(f"{label}: the id appears twice in the file; skipped")
            return True
        self.seen[kind].add(key)
        return False

    def _new_id(self, key: str | None, label: str) -> uuid.UUID:
        new = uuid.uuid4()
        if key is not None:
            self.report.warn(
                f"{label}: the id {_shown(key)!r} is not a UUID; imported with the id {new}"
            )
        return new

    # -- retailers and brands

    def _name_map(self, model) -> dict[str, uuid.UUID]:
        if model not in self.names:
            self.names[model] = {
                name.lower(): pk for pk, name in model.objects.values_list("pk", "name")
            }
        return self.names[model]

    def _entry_named(self, model, name: str) -> uuid.UUID | None:
        """The id of the entry called NAME, ignoring case as the database's constraint does."""
        names = self._name_map(model)
        key = name.strip().lower()
        if key not in names:
            match = model.objects.named(name).values_list("pk", flat=True).first()
            if match is None:
                return None
            names[key] = match
        return names[key]

    def catalog(self, model: type[CatalogEntry], items: list) -> None:
        kind = "retailers" if model is Retailer else "brands"
        noun = model._meta.verbose_name
        items = [
            item if isinstance(item, tuple) else (_label(noun, index, item), item)
            for index, item in enumerate(items, 1)
        ]
        self._load_existing(model, (parse_id(r.get("id")) for _, r in items if isinstance(r, dict)))
        new = []
        for label, record in items:
            if not isinstance(record, dict):
                self.report.error(f"{label}: is not an object; skipped")
                continue
            key, uid = record_key(record.get("id"))
            try:
                values = records.catalog_entry_fields(record, lossless=self.lossless)
            except RecordError as error:
                self.report.error(f"{label}: {error}; skipped")
                continue
            if self._claimed(kind, key, label):
                continue
            if uid in self.present[model]:
                self.ids[kind][key] = uid
                if self.update:
                    self._update_entry(model, uid, values, label)
                else:
                    self.counts[f"{kind}_skipped_existing"] += 1
                self.report.outcome(label, "update" if self.update else "skip", uid)
                continue
            match = self._entry_named(model, values["name"])
            if match is not None:
                if key is not None:
                    self.ids[kind][key] = match
                self.counts[f"{kind}_merged"] += 1
                self.report.outcome(label, "skip", match)
                self.report.warn(
                    f"{label}: the name {values['name']!r} matches the {noun} {match}; "
                    "merged into it"
                )
                continue
            uid = uid or self._new_id(key, label)
            if key is not None:
                self.ids[kind][key] = uid
            self._name_map(model)[values["name"].lower()] = uid
            new.append(model(id=uid, **values))
            self.report.outcome(label, "new", uid)
        model.objects.bulk_create(new, batch_size=BATCH)
        self.counts[f"{kind}_added"] += len(new)
        self.progress(noun.capitalize() + "s", len(items), len(items))

    def _update_entry(self, model, uid: uuid.UUID, values: dict, label: str) -> None:
        owner = self._entry_named(model, values["name"])
        if owner not in (None, uid):
            self.report.warn(
                f"{label}: not renamed to {values['name']!r}, which another "
                f"{model._meta.verbose_name} has"
            )
            del values["name"]
        values["updated_at"] = values["updated_at"] or timezone.now()
        model.objects.filter(pk=uid).update(**values)
        kind = "retailers" if model is Retailer else "brands"
        self.counts[f"{kind}_updated"] += 1

    def _catalog_ref(self, model, key: str | None, name, label: str) -> uuid.UUID | None:
        """Resolve a purchase's retailer or brand: by the file's id, else by name (created)."""
        kind = "retailers" if model is Retailer else "brands"
        if key is not None:
            if key in self.ids[kind]:
                return self.ids[kind][key]
            if self._exists(model, parse_id(key)):
                self.ids[kind][key] = parse_id(key)
                return self.ids[kind][key]
        if (
            isinstance(name, str)
            and name.strip()
            and len(name.strip()) <= 255
            and "\x00" not in name
        ):
            match = self._entry_named(model, name)
            if match is None:
                uid = parse_id(key) or uuid.uuid4()
                model.objects.create(id=uid, name=name.strip())
                self.present.setdefault(model, set()).add(uid)
                self._name_map(model)[name.strip().lower()] = uid
                self.counts[f"{kind}_added"] += 1
                match = uid
            if key is not None:
                self.ids[kind][key] = match
            return match
        if key is not None:
            self.report.warn(
                f"{label}: {model._meta.model_name}_id {_shown(key)} refers to no "
                f"{model._meta.verbose_name}; left empty"
            )
        return None

    # -- purchases

    def purchases(self, rows: Iterable, *, total: int | None) -> None:
        """Import purchase records: ROWS yields (label, record) or bare records."""
        batch: list[_PurchaseRow] = []
        for index, row in enumerate(rows, 1):
            label, record = row if isinstance(row, tuple) else (_label("purchase", index, row), row)
            item = self._purchase_row(label, record)
            if item is not None:
                batch.append(item)
            if len(batch) >= BATCH:
                self._write_purchases(batch)
                batch = []
            if index % BATCH == 0:
                self.progress("Purchases", index, total)
        self._write_purchases(batch)
        if total:
            self.progress("Purchases", total, total)

    def _purchase_row(self, label: str, record) -> _PurchaseRow | None:
        if not isinstance(record, dict):
            self.report.error(f"{label}: is not an object; skipped")
            return None
        key, uid = record_key(record.get("id"))
        try:
            values = records.purchase_fields(
                record, lossless=self.lossless, default_currency=self.default_currency
            )
            warranty_end = records.optional_date(record, "warranty_end")
        except RecordError as error:
            self.report.error(f"{label}: {error}; skipped")
            if key is not None:
                self.failed_purchases.add(key)
            return None
        if self._claimed("purchases", key, label):
            return None
        if values["purchase_date"] > self.today and not self.keep_future:
            self.counts["purchases_skipped_future_date"] += 1
            self.report.outcome(label, "skip", None)
            if key is not None:
                self.future_purchases.add(key)
            return None
        return _PurchaseRow(
            label=label,
            key=key,
            uid=uid,
            values={**values, **self._people_ids(record)},
            retailer=(self._reference(record.get("retailer_id")), record.get("retailer_name")),
            brand=(self._reference(record.get("brand_id")), record.get("brand_name")),
            warranty_end=warranty_end,
        )

    def _reference(self, value) -> str | None:
        """`record_id(VALUE)`, remembered for text: a file names the same few retailers and
        brands in row after row."""
        if not isinstance(value, str):
            return record_id(value)
        key = self.references.get(value, _UNSEEN)
        if key is _UNSEEN:
            key = self.references[value] = record_id(value)
        return key

    def _write_purchases(self, batch: list[_PurchaseRow]) -> None:
        if not batch:
            return
        self._load_existing(Purchase, (item.uid for item in batch))
        new, updated, warranties, warranty_ends = [], [], [], []
        for item in batch:
            exists = item.uid in self.present[Purchase]
            if exists:
                self.ids["purchases"][item.key] = item.uid
                self.report.outcome(item.label, "update" if self.update else "skip", item.uid)
                if not self.update:
                    self.counts["purchases_skipped_existing"] += 1
                    continue
            values = {
                **item.values,
                "retailer_id": self._catalog_ref(Retailer, *item.retailer, item.label),
                "brand_id": self._catalog_ref(Brand, *item.brand, item.label),
            }
            if exists:
                values["updated_at"] = values["updated_at"] or timezone.now()
                purchase = _instance(Purchase, {"id": item.uid, **values})
                updated.append(purchase)
                if item.warranty_end:
                    warranty_ends.append((purchase, item))
                continue
            uid = item.uid or self._new_id(item.key, item.label)
            if item.key is not None:
                self.ids["purchases"][item.key] = uid
            values["id"] = uid
            purchase = _instance(Purchase, values)
            new.append(purchase)
            self.report.outcome(item.label, "new", uid)
            if item.warranty_end and item.warranty_end >= purchase.purchase_date:
                warranties.append(
                    _instance(
                        Warranty,
                        {
                            "purchase_id": uid,
                            "warranty_start": purchase.purchase_date,
                            "warranty_end": item.warranty_end,
                            "notes": CREATED_FROM_PURCHASE,
                            "created_at": purchase.created_at,
                        },
                    )
                )
            elif item.warranty_end:
                self.report.warn(
                    f"{item.label}: warranty_end {item.warranty_end} is before the purchase date;"
                    " no warranty recorded"
                )
        _insert_rows(Purchase, new)
        if updated:
            fields = self.UPDATED_PURCHASE_FIELDS
            Purchase.objects.update_each(
                (purchase.pk, {name: getattr(purchase, name) for name in fields})
                for purchase in updated
            )
        _insert_rows(Warranty, warranties)
        self.present[Purchase].update(purchase.id for purchase in new)
        self.counts["purchases_added"] += len(new)
        self.counts["purchases_updated"] += len(updated)
        self.counts["warranties_added"] += len(warranties)
        for purchase, item in warranty_ends:
            try:
                warranty_set_primary_end(purchase=purchase, end=item.warranty_end)
            except ValidationError:
                self.report.warn(
                    f"{item.label}: warranty_end {item.warranty_end} is before the warranty's "
                    "start; the warranty was left as it was"
                )

    def _purchase_ref(self, key: str | None, label: str) -> uuid.UUID | None:
        """The purchase a warranty or file belongs to; None (reported) when it is skipped."""
        if key is None:
            self.report.error(f"{label}: purchase_id is missing; skipped")
        elif key in self.ids["purchases"]:
            return self.ids["purchases"][key]
        elif key in self.future_purchases:
            self.report.warn(
                f"{label}: its purchase {_shown(key)} is dated in the future and was not imported; "
                "skipped too"
            )
        elif key in self.failed_purchases:
            self.report.error(f"{label}: its purchase {_shown(key)} was not imported; skipped")
        elif self._exists(Purchase, parse_id(key)):
            return parse_id(key)
        else:
            self.report.error(f"{label}: purchase_id {_shown(key)} refers to no purchase; skipped")
        return None

    # -- warranties

    def warranties(self, items: Iterable, *, total: int) -> None:
        batch = []
        for index, record in enumerate(items, 1):
            label = _label("warranty", index, record)
            if not isinstance(record, dict):
                self.report.error(f"{label}: is not an object; skipped")
                continue
            try:
                values = {
                    **records.warranty_fields(record, lossless=self.lossless),
                    **self._people_ids(record),
                }
            except RecordError as error:
                self.report.error(f"{label}: {error}; skipped")
                continue
            key, uid = record_key(record.get("id"))
            if self._claimed("warranties", key, label):
                continue
            batch.append((label, key, uid, values, record_id(record.get("purchase_id"))))
            if len(batch) >= BATCH:
                self._write_warranties(batch)
                batch = []
                self.progress("Warranties", index, total)
        self._write_warranties(batch)
        self.progress("Warranties", total, total)

    def _write_warranties(self, batch: list) -> None:
        self._load_existing(Purchase, (parse_id(item[4]) for item in batch))
        self._load_existing(Warranty, (item[2] for item in batch))
        new, updated = [], []
        for label, key, uid, values, purchase_key in batch:
            purchase_id = self._purchase_ref(purchase_key, label)
            if purchase_id is None:
                continue
            if uid in self.present[Warranty]:
                if self.update:
                    values["updated_at"] = values["updated_at"] or timezone.now()
                    updated.append(
                        _instance(Warranty, {"id": uid, "purchase_id": purchase_id, **values})
                    )
                else:
                    self.counts["warranties_skipped_existing"] += 1
                continue
            uid = uid or self._new_id(key, label)
            new.append(_instance(Warranty, {"id": uid, "purchase_id": purchase_id, **values}))
        _insert_rows(Warranty, new)
        Warranty.objects.update_each(
            (warranty.pk, {name: getattr(warranty, name) for name in self.UPDATED_WARRANTY_FIELDS})
            for warranty in updated
        )
        self.counts["warranties_added"] += len(new)
        self.counts["warranties_updated"] += len(updated)

    # -- attachment records and their blobs

    def files(self, items: list) -> None:
        blobs = self.blobs
        parsed = []
        for index, record in enumerate(items, 1):
            label = _label("file", index, record)
            if not isinstance(record, dict):
                self.report.error(f"{label}: is not an object; skipped")
                continue
            try:
                values = records.attachment_fields(record, lossless=self.lossless)
            except RecordError as error:
                self.report.error(f"{label}: {error}; skipped")
                continue
            key, uid = record_key(record.get("id"))
            if self._claimed("files", key, label):
                continue
            parsed.append((label, key, uid, values, record_id(record.get("purchase_id"))))
        self._load_existing(Purchase, (parse_id(item[4]) for item in parsed))
        self._load_existing(Attachment, (item[2] for item in parsed))
        hashes = list({item[3]["sha256"] for item in parsed})
        known_blobs = {}
        pairs = set()
        for chunk in _chunks(hashes):
            for blob in Blob.objects.filter(sha256__in=chunk):
                known_blobs[blob.sha256] = blob
            pairs.update(
                Attachment.objects.filter(blob__sha256__in=chunk).values_list(
                    "purchase_id", "blob__sha256"
                )
            )
        new_blobs: dict[str, Blob] = {}
        new, added_per_blob, first_label = [], Counter(), {}
        for label, key, uid, values, purchase_key in parsed:
            purchase_id = self._purchase_ref(purchase_key, label)
            if purchase_id is None:
                continue
            sha256 = values.pop("sha256")
            extension, size = values.pop("extension"), values.pop("size")
            if uid in self.present[Attachment]:
                if self.update:
                    values["updated_at"] = values["updated_at"] or timezone.now()
                    Attachment.objects.filter(pk=uid).update(**values)
                    self.counts["files_updated"] += 1
                else:
                    self.counts["files_skipped_existing"] += 1
                continue
            if (purchase_id, sha256) in pairs:
                self.report.warn(f"{label}: the purchase already has this file; skipped")
                continue
            pairs.add((purchase_id, sha256))
            blob = known_blobs.get(sha256) or new_blobs.get(sha256)
            if blob is None:
                if blobs.has(sha256):
                    size = blobs.size(sha256)
                    if records.is_blob_extension(blobs.extension(sha256)):
                        extension = blobs.extension(sha256)
                blob = Blob(
                    sha256=sha256,
                    extension=extension,
                    size=size or 0,
                    created_at=values["created_at"],
                )
                new_blobs[sha256] = blob
            uid = uid or self._new_id(key, label)
            new.append(Attachment(id=uid, purchase_id=purchase_id, blob=blob, **values))
            added_per_blob[sha256] += 1
            first_label.setdefault(sha256, label)
        for sha256, count in added_per_blob.items():
            blob = known_blobs.get(sha256) or new_blobs[sha256]
            self._place_blob(blob, blobs, sha256 in new_blobs, count, first_label[sha256])
        Blob.objects.bulk_create(new_blobs.values(), batch_size=BATCH)
        Attachment.objects.bulk_create(new, batch_size=BATCH)
        for sha256, count in added_per_blob.items():
            if sha256 not in new_blobs:
                blob = known_blobs[sha256]
                Blob.objects.filter(pk=blob.pk).update(
                    reference_count=F("reference_count") + count, missing=blob.missing
                )
        self.counts["files_added"] += len(new)
        self.progress("Files", len(items), len(items))

    def _place_blob(self, blob: Blob, blobs, is_new: bool, count: int, label: str) -> None:
        """Decide where BLOB's content comes from: the store, the archive, or nowhere."""
        if is_new:
            blob.reference_count = count
        in_store = (not is_new and not blob.missing) or default_storage.exists(blob.name)
        if in_store:
            blob.missing = False
            self.counts["files_extracted"] += 1
        elif blobs.has(blob.sha256):
            blob.missing = False
            self.blobs_to_store[blob.sha256] = blob.name
            self.counts["files_extracted"] += 1
        else:
            blob.missing = True
            self.counts["files_missing"] += count
            self.report.warn(
                f"{label}: the file's content ({blob.name}) is neither in the archive nor in the "
                "store; the attachment is kept and marked unavailable"
            )

    # -- settings

    def settings(self, values) -> None:
        """Apply the file's settings that are not stored yet (all of them in update mode)."""
        if values is None:
            return
        if not isinstance(values, dict):
            self.report.warn("settings: is not an object; ignored")
            return
        stored = dict(Preference.objects.values_list("key", "value"))
        for key in PREFERENCE_DEFAULTS:
            value = values.get(key)
            if value is None:
                continue
            if (
                not isinstance(value, str)
                or not value.strip()
                or len(value) > 500
                or "\x00" in value
            ):
                self.report.warn(f"settings: {key} {value!r} is not a valid value; ignored")
                continue
            if stored.get(key) == value or (key in stored and not self.update):
                continue
            Preference.objects.update_or_create(key=key, defaults={"value": value})
            self.report.settings_applied.append(key)


# -- Where blob contents come from -----------------------------------------------------------------


class _StoreBlobs:
    """A JSON or CSV import brings no file contents: only what the store has already counts."""

    def has(self, sha256: str) -> bool:
        return False

    def store(self, names: dict[str, str], written: list[str], progress: Progress) -> None:
        pass


UPLOAD_ENTRY = re.compile(r"uploads/[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})([^/]*)")
_ALLOWED_FILES = ("data.json", "manifest.json")
_FILE_TYPE_BITS, _SYMLINK = 0o170000, 0o120000
_READ_CHUNK = 1024 * 1024


def _leaves_archive(name: str) -> bool:
    """Whether an entry name points outside the folder it is extracted to."""
    parts = re.split(r"[/\\]", name)
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"[A-Za-z]:", name))
        or ".." in parts
        or "\x00" in name
    )


class Archive:
    """A ZIP archive (docs/api.md §6.3) checked completely on opening; ImportRejected if it fails.

    Checks: that it is a ZIP; no entry leaves the archive, is a link, or is encrypted; the total
    unpacked size is within SPENDS_IMPORT_MAX_UNPACKED_BYTES; data.json exists at the root, is
    within SPENDS_IMPORT_MAX_BYTES and parses; every blob's SHA-256 equals its name; and, when a
    manifest is present, that data.json and every blob match it and it lists every blob.
    """

    def __init__(self, file, *, progress: Progress | None = None, blob_store=None, read_data=True):
        """READ_DATA False checks data.json against the manifest's checksum without parsing it
        (a backup checking the archive it just wrote, whose data it made itself)."""
        self.progress = progress or _no_progress
        self.read_data = read_data
        self.warnings: list[str] = []
        # A stored backup keeps its files in its location's shared folder (incremental backups):
        # the manifest names them, BLOB_STORE is that location's storage.
        self.blob_store = blob_store
        self.external: dict[str, str] = {}  # sha256 -> name in blob_store
        try:
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
            raise ImportRejected("The file is not a ZIP archive.") from None
        try:
            self._check()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            self.zip.close()
            raise ImportRejected(f"The archive is damaged: {error}.") from None
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.zip.close()

    def _check(self) -> None:
        self.blobs: dict[str, zipfile.ZipInfo] = {}
        entries, ignored, unpacked = {}, [], 0
        for info in self.zip.infolist():
            name = info.filename
            if _leaves_archive(name):
                raise ImportRejected(
                    f"The archive entry {name!r} points outside the archive; nothing was imported."
                )
            if (info.external_attr >> 16) & _FILE_TYPE_BITS == _SYMLINK:
                raise ImportRejected(f"The archive entry {name!r} is a symbolic link.")
            if info.flag_bits & 0x1:
                raise ImportRejected(f"The archive entry {name!r} is encrypted.")
            if info.is_dir():
                continue
            if name in entries:
                raise ImportRejected(f"The archive holds {name!r} twice.")
            entries[name] = info
            unpacked += info.file_size
            match = UPLOAD_ENTRY.fullmatch(name)
            if match:
                self.blobs.setdefault(match[1], info)
            elif name not in _ALLOWED_FILES:
                ignored.append(name)
        limit = settings.SPENDS_IMPORT_MAX_UNPACKED_BYTES
        if unpacked > limit:
            raise ImportRejected(
                f"The archive unpacks to {unpacked:,} bytes, more than the limit of {limit:,} "
                "bytes (SPENDS_IMPORT_MAX_UNPACKED_BYTES)."
            )
        if ignored:
            more = f" and {len(ignored) - 10} more" if len(ignored) > 10 else ""
            self.warnings.append(
                f"Ignored archive entries that are not part of the format: "
                f"{', '.join(ignored[:10])}{more}"
            )
        if "data.json" not in entries:
            raise ImportRejected("The archive has no data.json at its root.")
        data_info = entries["data.json"]
        if data_info.file_size > settings.SPENDS_IMPORT_MAX_BYTES:
            raise ImportRejected(
                f"data.json is {data_info.file_size:,} bytes, more than the import limit of "
                f"{settings.SPENDS_IMPORT_MAX_BYTES:,} bytes (SPENDS_IMPORT_MAX_BYTES)."
            )
        raw_sha256 = self._sha256_of(data_info)
        self.data = None
        if self.read_data:
            try:
                self.data = StreamedDocument(lambda: self.zip.open(data_info))
            except ImportRejected as error:
                raise ImportRejected(f"data.json: {error}") from None
        elif "manifest.json" not in entries:
            raise ImportRejected("The archive has no manifest.json to check data.json against.")
        self.has_manifest = "manifest.json" in entries
        listed = self._manifest(entries, raw_sha256) if self.has_manifest else None
        self._verify_blobs(entries, listed)

    def _sha256_of(self, info: zipfile.ZipInfo) -> str:
        digest = hashlib.sha256()
        with self.zip.open(info) as member:
            while chunk := member.read(_READ_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def _manifest(self, entries: dict, data_sha256: str) -> dict[str, dict]:
        """Check data.json against manifest.json; return the manifest's blobs by path."""
        info = entries["manifest.json"]
        if info.file_size > settings.SPENDS_IMPORT_MAX_BYTES:
            raise ImportRejected("manifest.json is larger than the import limit.")
        try:
            manifest = json.loads(self.zip.read(info).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ImportRejected("manifest.json is not valid JSON.") from None
        if not isinstance(manifest, dict):
            raise ImportRejected("manifest.json is not an object.")
        if manifest.get("data_sha256") != data_sha256:
            raise ImportRejected(
                "data.json does not match the checksum in manifest.json: the archive is damaged "
                "or was altered."
            )
        counts = manifest.get("record_counts")
        for key, count in (counts if isinstance(counts, dict) and self.data else {}).items():
            if key in SECTIONS and count != self.data.counts[key]:
                raise ImportRejected(
                    f"manifest.json counts {count} {key} but data.json holds "
                    f"{self.data.counts[key]}."
                )
        listed = {}
        blobs = manifest.get("blobs")
        for entry in blobs if isinstance(blobs, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else None
            if isinstance(path, str) and path not in entries and "store" in entry:
                self._external(path, entry)
                continue
            if not isinstance(path, str) or path not in entries:
                raise ImportRejected(f"manifest.json lists {path!r}, which the archive lacks.")
            listed[path] = entry
        for path in entries:
            if UPLOAD_ENTRY.fullmatch(path) and path not in listed:
                raise ImportRejected(f"{path} is in the archive but not in manifest.json.")
        return listed

    def _external(self, path: str, entry: dict) -> None:
        """Note a file the manifest says is kept beside the archive, in its location."""
        match = UPLOAD_ENTRY.fullmatch(path)
        store = entry.get("store")
        if (
            not match
            or entry.get("sha256") != match[1]
            or store != f"blobs/{path.removeprefix('uploads/')}"
        ):
            raise ImportRejected(f"manifest.json names {path!r} in a way this app cannot read.")
        self.external.setdefault(match[1], store)

    def _verify_external(self) -> None:
        """Check the files kept in the backup location against their names."""
        if not self.external:
            return
        if self.blob_store is None:
            self.warnings.append(
                f"{len(self.external)} attachment files are kept with the backups this archive "
                "came from, not inside it; restore it from there to bring them back"
            )
            self.external = {}
            return
        for done, (sha256, name) in enumerate(self.external.items(), 1):
            digest = hashlib.sha256()
            try:
                with self.blob_store.open(name, "rb") as source:
                    while chunk := source.read(_READ_CHUNK):
                        digest.update(chunk)
            except OSError:
                raise ImportRejected(
                    f"{name} is missing from the backup location; this backup needs it."
                ) from None
            if digest.hexdigest() != sha256:
                raise ImportRejected(
                    f"{name} in the backup location does not match its name: it is damaged."
                )
            self.progress("Checking files", done, len(self.external))

    def _verify_blobs(self, entries: dict, listed: dict | None) -> None:
        self._verify_external()
        uploads = [(path, info) for path, info in entries.items() if UPLOAD_ENTRY.fullmatch(path)]
        for done, (path, info) in enumerate(uploads, 1):
            digest, size = hashlib.sha256(), 0
            with self.zip.open(info) as member:
                while chunk := member.read(_READ_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            actual = digest.hexdigest()
            if actual != UPLOAD_ENTRY.fullmatch(path)[1]:
                raise ImportRejected(
                    f"{path}: the content does not match its name (its SHA-256 is {actual}); "
                    "the archive is damaged or was altered."
                )
            if listed is not None and (
                listed[path].get("sha256") != actual or listed[path].get("size") != size
            ):
                raise ImportRejected(f"{path}: the content does not match manifest.json.")
            self.progress("Checking files", done, len(uploads))

    # -- the blob source interface used by the importer

    def has(self, sha256: str) -> bool:
        return sha256 in self.blobs or sha256 in self.external

    def extension(self, sha256: str) -> str:
        if sha256 in self.blobs:
            return UPLOAD_ENTRY.fullmatch(self.blobs[sha256].filename)[2]
        return self.external[sha256].rsplit("/", 1)[-1][64:]

    def size(self, sha256: str) -> int:
        if sha256 in self.blobs:
            return self.blobs[sha256].file_size
        return self.blob_store.size(self.external[sha256])

    def open_blob(self, sha256: str):
        if sha256 in self.blobs:
            return self.zip.open(self.blobs[sha256])
        return self.blob_store.open(self.external[sha256], "rb")

    def store(self, names: dict[str, str], written: list[str], progress: Progress) -> None:
        for done, (sha256, name) in enumerate(names.items(), 1):
            if not default_storage.exists(name):
                with self.open_blob(sha256) as member:
                    store_file(name, File(member, name=name))
                written.append(name)
            progress("Storing files", done, len(names))


# -- CSV -----------------------------------------------------------------------------------------


def _csv_records(reader, report: ImportReport) -> Iterator[tuple[str, dict]]:
    """Check the header row, then yield (label, record) for each row, keyed by column name."""
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRejected(
            "The file is empty: a CSV import needs a header row naming the columns."
        )
    columns = [cell.strip().lower() for cell in header]
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportRejected(
            f"The CSV file has no {', '.join(missing)} column: its header row must name "
            "product_name, price and purchase_date (other columns are optional)."
        )
    unknown = [column for column in columns if column and column not in CSV_COLUMNS]
    if unknown:
        report.warn(f"Columns ignored: {', '.join(unknown)}")

    def rows():
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            report.counts["rows_total"] += 1
            label = f"line {reader.line_num}"
            if len(cells) > len(columns):
                report.error(f"{label}: has more cells than the header row; skipped")
                continue
            named = zip(columns, cells, strict=False)
            # csv_text(cell), called only for the cells it can change (those with a leading ').
            yield (
                label,
                {
                    column: csv_text(cell) if cell[:1] == "'" else cell or None
                    for column, cell in named
                    if column
                },
            )

    return rows()
