"""A trigram index for case-insensitive substring search on product names (PostgreSQL only).

Django runs `product_name__icontains` as `UPPER(product_name::text) LIKE UPPER(%s)` on PostgreSQL;
a B-tree cannot serve a pattern with a leading wildcard, a trigram GIN index on that very expression
can. SQLite has no such index type: there the operations do nothing and a scan stays fast enough
for a household-sized database.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX_NAME = "purchase_product_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON purchases_purchase "
            "USING gin ((UPPER(product_name::text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
