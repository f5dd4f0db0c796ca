"""What the tests of search share: whether the stored search text of every purchase is current."""

from importlib import import_module

from django.db import connection

search_migration = import_module("purchases.migrations.0015_search_related_text")
# The newest list of the tables that add words to a purchase's search text.
newest_sources = import_module("purchases.migrations.0017_search_claim_numbers")


def stale_search_texts() -> list[str]:
    """The ids of the purchases whose stored search text differs from one computed afresh from
    their rows and their related rows (migrations 0015 and 0017); every write path must leave
    none."""
    sources = newest_sources.SOURCES
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT p.id FROM purchases_purchase p LEFT JOIN purchases_search s "
                f"ON s.rowid = p.rowid WHERE s.document IS NOT "
                f"{search_migration.document('p', sources)}"
            )
            stale = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT purchase_id FROM purchases_search WHERE rowid NOT IN "
                "(SELECT rowid FROM purchases_purchase)"
            )
            return stale + [f"orphan {row[0]}" for row in cursor.fetchall()]
        related = search_migration.related_text("p.id", sources, "postgresql")
        cursor.execute(
            f"SELECT p.id FROM purchases_purchase p "
            f"WHERE TRIM(COALESCE(p.search_extra, '')) <> TRIM({related})"
        )
        return [str(row[0]) for row in cursor.fetchall()]
