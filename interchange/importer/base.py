"""The record importer's shared state and helpers (the parts: catalog, purchases, warranties,
files, settings; interchange/importer/__init__.py puts them together)."""

import functools
import uuid
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from interchange.documents import SECTIONS
from interchange.reports import ImportReport, Progress, no_progress, skipped_because
from kernel import clock
from preferences.selectors import preferred_currency_code

BATCH = 1000


# How a report names a record of the file: by its kind and place, and its id when it has one.
# One sentence per kind, as each language puts the number and the id in its own order.
_LABELS = {
    "retailer": (
        gettext_noop("retailer %(index)s"),
        gettext_noop("retailer %(index)s (id %(id)s)"),
    ),
    "brand": (gettext_noop("brand %(index)s"), gettext_noop("brand %(index)s (id %(id)s)")),
    "purchase": (
        gettext_noop("purchase %(index)s"),
        gettext_noop("purchase %(index)s (id %(id)s)"),
    ),
    "warranty": (
        gettext_noop("warranty %(index)s"),
        gettext_noop("warranty %(index)s (id %(id)s)"),
    ),
    "claim": (gettext_noop("claim %(index)s"), gettext_noop("claim %(index)s (id %(id)s)")),
    "file": (gettext_noop("file %(index)s"), gettext_noop("file %(index)s (id %(id)s)")),
}


def label_of(noun: str, index: int, record) -> str:
    """ "purchase 3 (id x)": the record at INDEX of the file's list of NOUNs, in the active
    language."""
    raw = record.get("id") if isinstance(record, dict) else None
    plain, with_id = _LABELS[noun]
    if raw in (None, ""):
        return gettext(plain) % {"index": index}
    return gettext(with_id) % {"index": index, "id": shown(raw)}


def shown(value) -> str:
    """VALUE as it can be quoted in a one-line message: short, control characters escaped."""
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return text if text.isprintable() else repr(text)


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@functools.cache
def _concrete_fields(model) -> list:
    return [(field.attname, field) for field in model._meta.concrete_fields]


def new_instance(model, values: dict):
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


class TableStatistics:
    """Keeps PostgreSQL's statistics of the tables an import fills up to date as it goes.

    An import is one transaction, so autovacuum never sees its rows: a table that held nothing
    before keeps statistics that say "empty" until the end. The search triggers (purchases
    migration 0015) then read warranties, claims and files by sequential scans, once per
    purchase of every batch, and an import of 100,000 rows into an empty database slowed down
    batch after batch. ANALYZE in the transaction sees its rows; it runs when a table has taken
    1,000 rows from this import, then 4 times as many each time (a few runs of 0.1 s).
    """

    FIRST = 1000
    GROWTH = 4

    def __init__(self):
        self.inserted: dict[str, int] = {}
        self.next_analyze: dict[str, int] = {}

    def added(self, model, count: int) -> None:
        table = model._meta.db_table
        self.inserted[table] = self.inserted.get(table, 0) + count
        if self.inserted[table] >= self.next_analyze.get(table, self.FIRST):
            self.next_analyze[table] = self.inserted[table] * self.GROWTH
            db = transaction.get_connection()
            with db.cursor() as cursor:
                cursor.execute(f"ANALYZE {db.ops.quote_name(table)}")


def insert_rows(model, objs: list, statistics: TableStatistics | None = None) -> None:
    """Insert the new MODEL instances OBJS: through COPY on PostgreSQL, bulk_create elsewhere.

    For 100,000 purchases, Django compiling bulk INSERTs and psycopg quoting their parameters
    cost seconds of Python time; COPY streams the same values, each field's `get_db_prep_save`
    as the ORM would send it. (The data version is replaced once, by `interchange.imports`.)
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
    if statistics is not None:
        statistics.added(model, len(objs))


class ImportBase:
    """What the parts of the record importer share: the report, and what is known of the ids.

    `ids` maps each kind's ids as written in the file to the ids in the database (kept, new,
    or those of existing records a retailer or brand was merged into). Everything is written in
    batches of bulk inserts, inside the caller's transaction.
    """

    def __init__(self, report: ImportReport, *, lossless: bool, blobs, progress: Progress | None):
        self.report = report
        self.blobs = blobs
        self.counts = report.counts
        self.update = report.mode == "update"
        self.lossless = lossless
        self.progress = progress or no_progress
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
        self.statistics = TableStatistics()
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
        for chunk in chunks(unknown):
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
            self.report.error(skipped_because(label, gettext("the id appears twice in the file")))
            return True
        self.seen[kind].add(key)
        return False

    def _new_id(self, key: str | None, label: str) -> uuid.UUID:
        new = uuid.uuid4()
        if key is not None:
            self.report.warn(
                gettext("%(record)s: the id %(id)s is not a UUID; imported with the id %(new)s")
                % {"record": label, "id": repr(shown(key)), "new": new}
            )
        return new
