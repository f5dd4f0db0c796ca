"""A purchase is also found by its warranty claims' numbers (claim or RMA numbers).

Migration 0015 made the search text of a purchase from its own columns and the related tables
of its `SOURCES`; this adds the claims table, which reaches the purchase through its warranty.
`create_search` makes the column, the table, the functions and every trigger again from the
new list, on both databases. The tests compare the stored text with one computed from `SOURCES`
of this module (purchases/tests/search_helpers.py): a later source goes into a later migration,
which that helper then reads instead.
"""

from importlib import import_module

from django.db import migrations

related_text = import_module("purchases.migrations.0015_search_related_text")

CLAIMS = related_text.Source(
    "warranties_claim",
    ("number",),
    purchase_of="(SELECT w.purchase_id FROM warranties_warranty w WHERE w.id = {row}.warranty_id)",
    rows_of="{table} s JOIN warranties_warranty w ON w.id = s.warranty_id "
    "WHERE w.purchase_id = {purchase}",
)
SOURCES = [*related_text.SOURCES, CLAIMS]


def forwards(apps, schema_editor):
    related_text.create_search(schema_editor, SOURCES, dropped=related_text.SOURCES)


def backwards(apps, schema_editor):
    related_text.create_search(schema_editor, related_text.SOURCES, dropped=SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0016_attachment_claim_documents"),
        ("warranties", "0005_claims"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
