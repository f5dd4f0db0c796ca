"""One trigram index for the whole purchase search, instead of one per column (PostgreSQL only).

`purchases.search` looks for each word in the purchase's columns joined into one text; the index is
on exactly what the search compares, `UPPER(search_document())`, built from the same expression so
that the two cannot drift apart. The per-column indexes of 0002 and 0003 served a search that
OR-ed six columns; only the one on tags still has a use (the tag filter) and stays.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

from purchases.search import search_document

# Named here, not imported: 0012 replaced this index with one under another name.
SEARCH_INDEX_NAME = "purchase_search_trgm"

OLD_COLUMN_INDEXES = ["product_name", "model_number", "serial_number", "retailer_order_number", "notes"]


def _search_index():
    return GinIndex(OpClass(Upper(search_document()), name="gin_trgm_ops"), name=SEARCH_INDEX_NAME)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("purchases", "Purchase"), _search_index())
    for column in OLD_COLUMN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS purchase_{column}_trgm")
    # The planner's estimate of how many purchases a word matches comes from statistics on the
    # indexed expression, which only ANALYZE gathers; without them it guesses, and may walk every
    # purchase for a page of a rare word. A sample-based ANALYZE of one table takes moments.
    schema_editor.execute("ANALYZE purchases_purchase")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("purchases", "Purchase"), _search_index())
    for column in OLD_COLUMN_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS purchase_{column}_trgm ON purchases_purchase "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("purchases", "0008_who_added_and_changed")]

    operations = [migrations.RunPython(create_search_index, drop_search_index, elidable=False)]
