"""The words of every reading's text in a full-text index, so a search finds a purchase by its
receipts (receipts/search.py, docs/search.md §7).

- PostgreSQL: `search_words`, a stored generated `tsvector` column of the reading that the model
  does not know, with a GIN index. The text configuration is 'simple' (lower case, no stemming,
  no stop words): receipts come in several languages, and a language's configuration would stem
  the words of the others wrongly and drop its own short words. ASCII punctuation is made a
  space first, so that the words are the runs of letters and digits, as SQLite's tokenizer makes
  them: PostgreSQL's parser would otherwise keep `12.99`, `-4411` or `shop.de/a` whole.
- SQLite: `receipts_search`, an FTS5 table (the unicode61 tokenizer, accents kept, as the
  purchases' search keeps them), one row per reading under its rowid with its blob's id, written
  by triggers on the readings table.

Only the first TEXT_INDEXED characters are indexed: PostgreSQL refuses a tsvector over 1 MB, and
a reading must never fail to be stored for its size.
"""

from django.db import migrations

READINGS = "receipts_receiptreading"
FTS = "receipts_search"
COLUMN = "search_words"
INDEX = "receipt_reading_search_words"
TEXT_INDEXED = 200_000
# ASCII whitespace, controls and punctuation; receipts.search splits a search's words on the same.
SEPARATORS = r"[\x01-\x20\x7f!-/:-@\[-`{-~]+"


def _text(row: str) -> str:
    return f"substr({row}.text, 1, {TEXT_INDEXED})"


SQLITE_TRIGGERS = {
    f"{FTS}_insert": f"AFTER INSERT ON {READINGS} BEGIN "
    f"INSERT INTO {FTS} (rowid, blob_id, text) VALUES (new.rowid, new.blob_id, {_text('new')}); "
    "END",
    f"{FTS}_update": f"AFTER UPDATE OF text, blob_id ON {READINGS} BEGIN "
    f"DELETE FROM {FTS} WHERE rowid = old.rowid; "
    f"INSERT INTO {FTS} (rowid, blob_id, text) VALUES (new.rowid, new.blob_id, {_text('new')}); "
    "END",
    f"{FTS}_delete": f"AFTER DELETE ON {READINGS} BEGIN "
    f"DELETE FROM {FTS} WHERE rowid = old.rowid; END",
}


def create_search(schema_editor) -> None:
    """Make the index of every reading's text (and, on SQLite, the triggers that keep it) again.

    Django rebuilds a SQLite table for many schema changes, which drops its triggers and gives
    its rows new rowids: a later migration that alters receipts_receiptreading must run this
    again (receipts/tests/test_search.py checks the index after every migration).
    """
    drop_search(schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # E'' so that the pattern's \x escapes reach the regular expression as they are.
        pattern = SEPARATORS.replace("\\", "\\\\")
        schema_editor.execute(
            f"ALTER TABLE {READINGS} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple', regexp_replace(left(text, {TEXT_INDEXED}), "
            f"E'{pattern}', ' ', 'g'))) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {READINGS} USING gin ({COLUMN})")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(blob_id UNINDEXED, text, "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        schema_editor.execute(
            f"INSERT INTO {FTS} (rowid, blob_id, text) "
            f"SELECT r.rowid, r.blob_id, {_text('r')} FROM {READINGS} r"
        )
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}")


def drop_search(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"ALTER TABLE {READINGS} DROP COLUMN IF EXISTS {COLUMN}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


def forwards(apps, schema_editor):
    create_search(schema_editor)


def backwards(apps, schema_editor):
    drop_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("receipts", "0001_readings_and_drafts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
