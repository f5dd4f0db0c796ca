"""The search text of every purchase in an FTS5 trigram table, kept by triggers (SQLite only).

See purchases/search.py: SQLite has no trigram index type, so the text that PostgreSQL's
`purchase_search_trgm` index covers is copied into `purchases_search` (under the purchase's rowid,
with its id), and triggers keep the copy current on every insert, update and delete, however the
purchase is written. Django rebuilds a SQLite table for many schema changes and that drops its
triggers: a later migration that alters purchases_purchase must run `create_search_table` again
(a test fails until it does).
"""

from django.db import migrations

TABLE = "purchases_search"
SOURCE = "purchases_purchase"
COLUMNS = ["product_name", "model_number", "serial_number", "retailer_order_number", "tags", "notes"]


def _document(row: str) -> str:
    """The joined text of ROW (`new`, `old` or the table), as purchases.search.search_document."""
    return " || ' ' || ".join(f"COALESCE({row}.{column}, '')" for column in COLUMNS)


TRIGGERS = {
    f"{TABLE}_insert": f"AFTER INSERT ON {SOURCE} BEGIN "
    f"INSERT INTO {TABLE} (rowid, purchase_id, document) "
    f"VALUES (new.rowid, new.id, {_document('new')}); END",
    f"{TABLE}_update": f"AFTER UPDATE OF {', '.join(COLUMNS)} ON {SOURCE} BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.rowid; "
    f"INSERT INTO {TABLE} (rowid, purchase_id, document) "
    f"VALUES (new.rowid, new.id, {_document('new')}); END",
    f"{TABLE}_delete": f"AFTER DELETE ON {SOURCE} BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.rowid; END",
}


def create_search_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    drop_search_table(apps, schema_editor)
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(purchase_id UNINDEXED, document, "
        "tokenize='trigram')"
    )
    schema_editor.execute(
        f"INSERT INTO {TABLE} (rowid, purchase_id, document) "
        f"SELECT rowid, id, {_document(SOURCE)} FROM {SOURCE}"
    )
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")


def drop_search_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0010_rollups")]

    operations = [migrations.RunPython(create_search_table, drop_search_table, elidable=False)]
