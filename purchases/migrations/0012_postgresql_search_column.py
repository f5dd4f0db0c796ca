"""The search text as a stored generated column with its trigram index (PostgreSQL only).

0009 indexed the expression `UPPER(search_document())`; a search still had to compute that
expression again for every row the index proposed (the index is lossy), which at 100,000
purchases was 10 of the 14 ms of counting the 12,000 that contain a common word. PostgreSQL now
stores the upper-cased text in `search_text`, computed by the database on every insert and update
however the row is written, and the index covers the column: the recheck reads it as it is.

The column is not a field of the model: Django never reads or writes it, so exports, imports and
restores are unaffected. PostgreSQL refuses to change the type of a column a generated column
reads: a migration that does must drop `search_text` first and run `add_column` again.
"""

from django.db import migrations

COLUMNS = ["product_name", "model_number", "serial_number", "retailer_order_number", "tags", "notes"]
DOCUMENT = " || ' ' || ".join(f"COALESCE({column}, '')" for column in COLUMNS)
OLD_INDEX = "purchase_search_trgm"
INDEX = "purchase_search_text_trgm"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE purchases_purchase ADD COLUMN IF NOT EXISTS search_text text "
        f"GENERATED ALWAYS AS (UPPER({DOCUMENT})) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON purchases_purchase "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    # Statistics on the column tell the planner how many purchases a word matches.
    schema_editor.execute("ANALYZE purchases_purchase")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON purchases_purchase "
        f"USING gin ((UPPER({DOCUMENT})) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ALTER TABLE purchases_purchase DROP COLUMN IF EXISTS search_text")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0011_sqlite_search_table")]

    operations = [migrations.RunPython(add_column, drop_column, elidable=False)]
