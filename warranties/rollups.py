"""Warranties counted per end date and voided flag (WarrantyRollup), for the dashboard.

The write services report each warranty as it was before and after (`warranties_changed`) inside
`summaries_kept_in_step()`; see kernel.summaries for how the rows stay trustworthy.
"""

from collections import defaultdict

from django.db import connection

from kernel.summaries import SummaryChanges, counters_add
from warranties.models import Warranty, WarrantyRollup

KEY_FIELDS = ["warranty_end", "voided"]


def figures_stored(warranties) -> list[tuple]:
    """(end, voided) of WARRANTIES (a queryset) as the database holds them now (one query)."""
    return list(warranties.values_list(*KEY_FIELDS))


def warranties_changed(changes: SummaryChanges, *, before: list[tuple], after: list[tuple]):
    """Report warranties that were BEFORE and are now AFTER, as (end, voided) pairs."""
    deltas = defaultdict(lambda: {"warranty_count": 0})
    for sign, keys in [(-1, before), (1, after)]:
        for key in keys:
            deltas[key]["warranty_count"] += sign
    if deltas:
        changes.add(lambda: counters_add(WarrantyRollup, KEY_FIELDS, dict(deltas)))


def warranty_rollup_rebuild() -> None:
    """Compute every WarrantyRollup row again from the warranties (one INSERT ... SELECT)."""
    WarrantyRollup.objects.all().delete()
    rollup, warranty = WarrantyRollup._meta.db_table, Warranty._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rollup} (warranty_end, voided, warranty_count) "
            f"SELECT warranty_end, voided, COUNT(*) FROM {warranty} GROUP BY warranty_end, voided"
        )
