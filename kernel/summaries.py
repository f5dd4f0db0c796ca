"""Summaries of the data kept in step by the write services, and rebuilt when a write went around.

The dashboard's figures are sums and counts over every purchase and warranty. Right after a write
every cached figure is stale, and computing them all again from 100,000 purchases took longer than
a page may. So the purchases and warranties apps keep small summary tables (purchases.rollups,
warranties.rollups): a write service changes a few of their rows in the same transaction as the
data, and the figures are read from them.

Whether the summaries can be trusted is decided with the data version (`DataVersion`), which every
write service replaces (`kernel.versioning`): `DataVersion.summarised` holds the token the summaries
were last brought up to. A write service runs inside `summaries_kept_in_step()`, which locks the
version row first (so writers take turns), notes whether the summaries were in step, collects the
services' changes, and at the end replaces the token (`data_changed()`, once for the whole block),
applies the changes and records the new token. Any write that replaces the token without going
through it (an import, a restore, the admin's forms and bulk actions) leaves the token and the mark
apart, and the next reader rebuilds the summaries from the data (`summaries_brought_in_step`). So a
write around the summaries costs one rebuild, never a wrong figure.

Once the mark is set, the token counts as settled (`version_settled()`): a later write in the same
transaction replaces it again, which takes the summaries out of step unless that write runs in a
`summaries_kept_in_step()` block of its own.
"""

import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F

from kernel.models import DataVersion
from kernel.versioning import (
    data_changed,
    version_row,
    version_row_forget,
    version_settled,
)

_active = threading.local()


class SummaryChanges:
    """The summary changes of one transaction, applied together when it ends in step."""

    def __init__(self, in_step: bool):
        self.in_step = in_step
        self._pending: list[Callable[[], None]] = []

    def add(self, apply: Callable[[], None]) -> None:
        """Run APPLY at the end of the transaction, if the summaries were in step at its start."""
        if self.in_step:
            self._pending.append(apply)


def _version_row_locked() -> tuple[str, str] | None:
    """(token, summarised) of the data version, its row locked until the transaction ends."""
    return (
        DataVersion.objects.select_for_update()
        .filter(pk=1)
        .values_list("token", "summarised")
        .first()
    )


@contextmanager
def summaries_kept_in_step():
    """Run a write service's work with its summary changes collected (yields SummaryChanges).

    Nested uses (a service calling another) share the outermost one's transaction and changes.
    """
    outer = getattr(_active, "changes", None)
    if outer is not None:
        yield outer
        return
    with transaction.atomic():
        row = _version_row_locked()
        changes = SummaryChanges(in_step=row is not None and row[0] == row[1])
        _active.changes = changes
        try:
            yield changes
        finally:
            _active.changes = None
        # Before the mark: the mark must name the token the data now has.
        data_changed()
        if changes.in_step:
            for apply in changes._pending:
                apply()
            _mark_summarised()


@contextmanager
def rows_reported(rows, *, figures, report):
    """Report the figures of ROWS (a queryset) before and after the block.

    FIGURES(rows) reads what the summaries depend on; REPORT(changes, before=, after=) turns the
    two readings into summary changes. Both readings are taken under the version lock.
    """
    with summaries_kept_in_step() as changes:
        before = figures(rows)
        yield
        report(changes, before=before, after=figures(rows))


def summaries_in_step() -> bool:
    """Whether the summaries reflect every write (one indexed read, shared with the request's
    `data_version()`: a figure cached under that version asks right after it)."""
    token, summarised = version_row()
    return token == summarised


def summaries_brought_in_step(rebuild: Callable[[], None]) -> bool:
    """Make sure the summaries reflect the data, calling REBUILD when they do not.

    Returns whether a rebuild was needed. The rebuild holds the version row, so writers wait for
    it and a second reader finds the work done.
    """
    if summaries_in_step():
        return False
    with transaction.atomic():
        row = _version_row_locked()
        if row is None:
            DataVersion.objects.get_or_create(pk=1, defaults={"token": "none"})
        elif row[0] == row[1]:
            return False
        rebuild()
        _mark_summarised()
    return True


def _mark_summarised() -> None:
    """Record that the summaries reflect the current token (its row is locked by the caller)."""
    DataVersion.objects.filter(pk=1).update(summarised=F("token"))
    version_settled()
    version_row_forget()


def counters_add(model, key_fields: list[str], deltas: dict[tuple, dict[str, int]]) -> None:
    """Add DELTAS to MODEL's counter rows, one row per key of KEY_FIELDS' values.

    A missing row is created; a row whose first counter falls to zero is deleted, so that a
    summary holds only what exists. Writers take turns (summaries_kept_in_step), so a row
    cannot appear between the update and the create.
    """
    for key, changes in deltas.items():
        if not any(changes.values()):
            continue
        lookup = dict(zip(key_fields, key, strict=True))
        rows = model.objects.filter(**lookup)
        if not rows.update(**{field: F(field) + value for field, value in changes.items()}):
            model.objects.create(**lookup, **changes)
        else:
            first = next(iter(changes))
            rows.filter(**{f"{first}__lte": 0}).delete()
