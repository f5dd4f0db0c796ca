"""Trigram indexes for the other text columns the purchase search looks at (PostgreSQL only).

See 0002 for why the indexed expression is UPPER(column::text).
"""

from django.db import migrations

COLUMNS = ["model_number", "serial_number", "retailer_order_number", "notes", "tags"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS purchase_{column}_trgm ON purchases_purchase "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS purchase_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0002_product_name_trigram_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
