"""The search text of a purchase also holds its warranties' and attachments' words.

A search finds a purchase by its warranties' provider and notes and by its attachments' file
names (purchases/search.py). Those live in other tables, which neither copy of the search text
could read before: PostgreSQL's generated column reads its own row only, and SQLite's triggers
(0011) fired on purchases alone. Now:

- PostgreSQL: `search_extra`, a text column on the purchase that the model does not know, holds
  the related words; triggers on each related table (one per statement, with its transition
  tables, so a bulk import of 5,000 warranties is one UPDATE of their purchases) write it, and
  `search_text` (0012) is generated from the purchase's columns and `search_extra`.
- SQLite: the document in `purchases_search` is the purchase's columns and the related words;
  triggers on the purchases table and on each related table rebuild the purchase's row.

Triggers, not services, keep it: every write path (services, imports, restores, the admin, bulk
writes, a shell) changes these tables through SQL, and the triggers see every one.

The related tables are `SOURCES`. To add one (a warranty claim's number), give its `Source` and,
in a new migration, run `create_search(schema_editor, [*SOURCES, NEW_SOURCE])` (and its reverse
with SOURCES): it makes the column, the table, the functions and every trigger again from the
list. A later migration that makes Django rebuild purchases_purchase on SQLite must run
`create_search` again too, as 0013 ran 0011's `create_search_table`.
"""

from dataclasses import dataclass
from importlib import import_module

from django.db import migrations

sqlite_table = import_module("purchases.migrations.0011_sqlite_search_table")
postgresql_column = import_module("purchases.migrations.0012_postgresql_search_column")

PURCHASES = "purchases_purchase"
FTS = sqlite_table.TABLE
OWN_COLUMNS = sqlite_table.COLUMNS
INDEX = postgresql_column.INDEX


@dataclass(frozen=True)
class Source:
    """A table whose rows add words to their purchase's search text.

    PURCHASE_OF is the SQL of the purchase id of a row named {row}; ROWS_OF the FROM clause of
    the rows (named `s`) of the purchase whose id is {purchase}. Both default to a table with
    its own `purchase_id`; a table that reaches the purchase through another one joins it.
    """

    table: str
    columns: tuple[str, ...]
    purchase_of: str = "{row}.purchase_id"
    rows_of: str = "{table} s WHERE s.purchase_id = {purchase}"

    def text_of_rows(self, purchase: str, vendor: str) -> str:
        joined = " || ' ' || ".join(f"COALESCE(s.{column}, '')" for column in self.columns)
        aggregate = f"group_concat({joined}, ' ')"
        if vendor == "postgresql":
            # In a fixed order: without one, the order follows the plan (a sequential or an
            # index scan, which statistics can switch), and the same words would be stored in
            # another order than a later computation gives.
            aggregate = f"string_agg({joined}, ' ' ORDER BY s.id)"
        rows = self.rows_of.format(table=self.table, purchase=purchase)
        return f"(SELECT {aggregate} FROM {rows})"


SOURCES = [
    Source("warranties_warranty", ("provider", "notes")),
    Source("purchases_attachment", ("filename",)),
]
# The claims' numbers are added by migration 0017.


def related_text(purchase: str, sources: list[Source], vendor: str) -> str:
    """The SQL of the related words of the purchase whose id is the SQL PURCHASE."""
    parts = (f"COALESCE({source.text_of_rows(purchase, vendor)}, '')" for source in sources)
    return " || ' ' || ".join(parts)


def own_text(row: str | None = None) -> str:
    """The SQL of the purchase's own columns joined (of ROW, or unqualified)."""
    prefix = f"{row}." if row else ""
    return " || ' ' || ".join(f"COALESCE({prefix}{column}, '')" for column in OWN_COLUMNS)


def document(row: str, sources: list[Source]) -> str:
    """SQLite: the whole search document of the purchase ROW."""
    return f"{own_text(row)} || ' ' || {related_text(f'{row}.id', sources, 'sqlite')}"


# -- SQLite ---------------------------------------------------------------------------------


def _sqlite_refresh(purchase_id: str, sources: list[Source]) -> str:
    """Statements that write the search row of the purchase whose id is PURCHASE_ID again."""
    return (
        f"DELETE FROM {FTS} WHERE rowid = (SELECT rowid FROM {PURCHASES} WHERE id = {purchase_id}); "
        f"INSERT INTO {FTS} (rowid, purchase_id, document) "
        f"SELECT p.rowid, p.id, {document('p', sources)} FROM {PURCHASES} p "
        f"WHERE p.id = {purchase_id}; "
    )


def sqlite_triggers(sources: list[Source]) -> dict[str, str]:
    own = ", ".join(OWN_COLUMNS)
    triggers = {
        f"{FTS}_insert": f"AFTER INSERT ON {PURCHASES} BEGIN "
        f"{_sqlite_refresh('new.id', sources)}END",
        f"{FTS}_update": f"AFTER UPDATE OF {own} ON {PURCHASES} BEGIN "
        f"{_sqlite_refresh('new.id', sources)}END",
        f"{FTS}_delete": f"AFTER DELETE ON {PURCHASES} BEGIN "
        f"DELETE FROM {FTS} WHERE rowid = old.rowid; END",
    }
    for source in sources:
        new, old = source.purchase_of.format(row="new"), source.purchase_of.format(row="old")
        name = f"{FTS}_{source.table}"
        triggers[f"{name}_insert"] = (
            f"AFTER INSERT ON {source.table} BEGIN {_sqlite_refresh(new, sources)}END"
        )
        triggers[f"{name}_update"] = (
            f"AFTER UPDATE ON {source.table} BEGIN "
            f"{_sqlite_refresh(old, sources)}{_sqlite_refresh(new, sources)}END"
        )
        triggers[f"{name}_delete"] = (
            f"AFTER DELETE ON {source.table} BEGIN {_sqlite_refresh(old, sources)}END"
        )
    return triggers


def _sqlite_drop(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{FTS}_%"]
        )
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


def _sqlite_create(schema_editor, sources: list[Source]) -> None:
    _sqlite_drop(schema_editor)
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(purchase_id UNINDEXED, document, "
        "tokenize='trigram')"
    )
    schema_editor.execute(
        f"INSERT INTO {FTS} (rowid, purchase_id, document) "
        f"SELECT p.rowid, p.id, {document('p', sources)} FROM {PURCHASES} p"
    )
    for name, body in sqlite_triggers(sources).items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")


# -- PostgreSQL -----------------------------------------------------------------------------


def _postgresql_function(source: Source, sources: list[Source]) -> str:
    text = related_text("p.id", sources, "postgresql")

    def refresh(rows: str) -> str:
        purchase_of = source.purchase_of.format(row="r")
        return (
            f"UPDATE {PURCHASES} p SET search_extra = {text} "
            f"WHERE p.id IN (SELECT {purchase_of} FROM {rows} r) "
            f"AND p.search_extra IS DISTINCT FROM {text};"
        )

    return (
        f"CREATE OR REPLACE FUNCTION {_function_name(source)}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {refresh('new_rows')} END IF; "
        f"IF TG_OP IN ('DELETE', 'UPDATE') THEN {refresh('old_rows')} END IF; "
        "RETURN NULL; END $$"
    )


def _function_name(source: Source) -> str:
    return f"purchases_search_extra_{source.table}"


TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _postgresql_drop(schema_editor, sources: list[Source]) -> None:
    for source in sources:
        for event in TRANSITIONS:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {_function_name(source)}_{event.lower()} "
                f"ON {source.table}"
            )
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {_function_name(source)}()")


def _postgresql_create(schema_editor, sources: list[Source], dropped: list[Source]) -> None:
    _postgresql_drop(schema_editor, dropped)
    schema_editor.execute(f"ALTER TABLE {PURCHASES} DROP COLUMN IF EXISTS search_text")
    schema_editor.execute(f"ALTER TABLE {PURCHASES} ADD COLUMN IF NOT EXISTS search_extra text")
    schema_editor.execute(
        f"UPDATE {PURCHASES} p SET search_extra = {related_text('p.id', sources, 'postgresql')}"
    )
    schema_editor.execute(
        f"ALTER TABLE {PURCHASES} ADD COLUMN search_text text GENERATED ALWAYS AS "
        f"(UPPER({own_text()} || ' ' || COALESCE(search_extra, ''))) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {PURCHASES} "
        # Writes go into the index at once, not into a pending list (migration 0021).
        f"USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
    )
    for source in sources:
        schema_editor.execute(_postgresql_function(source, sources))
        for event, transition in TRANSITIONS.items():
            schema_editor.execute(
                f"CREATE TRIGGER {_function_name(source)}_{event.lower()} AFTER {event} "
                f"ON {source.table} REFERENCING {transition} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {_function_name(source)}()"
            )
    schema_editor.execute(f"ANALYZE {PURCHASES}")


def create_search(schema_editor, sources: list[Source], dropped: list[Source] = ()) -> None:
    """Make the search text of every purchase from its columns and SOURCES, and the triggers
    that keep it (those of DROPPED, the previous list, are removed first on PostgreSQL)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_create(schema_editor, sources)
    elif vendor == "postgresql":
        _postgresql_create(schema_editor, sources, [*dropped, *sources])


def forwards(apps, schema_editor):
    create_search(schema_editor, SOURCES)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_drop(schema_editor)
        sqlite_table.create_search_table(apps, schema_editor)
    elif vendor == "postgresql":
        _postgresql_drop(schema_editor, SOURCES)
        schema_editor.execute(f"ALTER TABLE {PURCHASES} DROP COLUMN IF EXISTS search_text")
        schema_editor.execute(f"ALTER TABLE {PURCHASES} DROP COLUMN IF EXISTS search_extra")
        postgresql_column.add_column(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0014_rollup_base_currency_sums"),
        ("warranties", "0004_rollups"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
