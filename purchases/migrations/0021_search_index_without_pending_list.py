"""PostgreSQL: the trigram index of the search text takes each write at once (fastupdate off).

With fastupdate on, PostgreSQL's default, a GIN index gathers new entries in a pending list
that every scan of the index reads through until a vacuum merges them. At 100,000 purchases,
after a load and a minute of mixed writes, it held 460 pages; the planner counted them in the
index's cost and read the whole table instead for a word's first matches: 30 ms for a word
that no purchase has, against 0.2 ms through the index. A household writes a few purchases and
searches often, so writes pay for the index at once. Migration 0015's `create_search` creates
the index so when it makes it again; this one changes the index that exists and merges what is
pending.
"""

from django.db import migrations

INDEX = "purchase_search_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0020_lists_newest_first_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
