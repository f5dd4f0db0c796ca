"""What an import did (docs/api.md §6.4): the counts by kind of file, then the problems it skipped.

The counts of each kind are also the fields of the API's report schemas (interchange/schemas.py).
"""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext

MAX_MESSAGES = 500  # per list in a report; the rest are counted
# progress(stage, done, total): how importers, exports and archives report as they go.
Progress = Callable[[str, int, int], None]

JSON_COUNTS = [
    "purchases_added",
    "purchases_updated",
    "purchases_skipped_existing",
    "purchases_skipped_future_date",
    "warranties_added",
    "warranties_updated",
    "warranties_skipped_existing",
    "claims_added",
    "claims_updated",
    "claims_skipped_existing",
    "retailers_added",
    "retailers_updated",
    "retailers_merged",
    "brands_added",
    "brands_updated",
    "brands_merged",
    "files_added",
    "files_updated",
    "files_skipped_existing",
]
ZIP_COUNTS = [*JSON_COUNTS, "files_extracted", "files_missing"]
CSV_COUNTS = [
    "rows_total",
    "rows_skipped",
    "purchases_added",
    "purchases_updated",
    "purchases_skipped_existing",
    "purchases_skipped_future_date",
    "warranties_added",
    "retailers_added",
    "brands_added",
]


def skipped_because(label: str, problem) -> str:
    """ "line 3: Price “abc” is not an amount; skipped": a record left out, and why."""
    return gettext("%(record)s: %(problem)s; skipped") % {"record": label, "problem": problem}


def ignored_because(label: str, problem) -> str:
    """ "rate 2: is not an object; ignored": a part of the file not taken, and why."""
    return gettext("%(record)s: %(problem)s; ignored") % {"record": label, "problem": problem}


_COUNTS = {"json": JSON_COUNTS, "zip": ZIP_COUNTS, "csv": CSV_COUNTS}


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): counts, then the problems it skipped."""

    kind: str
    mode: str = "skip"
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors_total: int = 0
    warnings_total: int = 0
    settings_applied: list[str] = field(default_factory=list)
    data_imported: bool = False
    # Filled only when asked for (the admin's preview): label -> (new/update/skip, database id).
    outcomes: dict[str, tuple[str, uuid.UUID | None]] | None = None

    def outcome(self, label: str, kind: str, pk: uuid.UUID | None) -> None:
        if self.outcomes is not None:
            self.outcomes[label] = (kind, pk)

    def error(self, message: str) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(message)

    @property
    def changed(self) -> int:
        """How many records (and settings) were added or updated."""
        written = sum(n for key, n in self.counts.items() if key.endswith(("_added", "_updated")))
        return written + len(self.settings_applied)

    def _messages(self, messages: list[str], total: int) -> list[str]:
        if total > len(messages):
            return [*messages, gettext("… and %(count)s more") % {"count": total - len(messages)}]
        return list(messages)

    def as_dict(self) -> dict:
        report = {key: self.counts[key] for key in _COUNTS[self.kind]}
        if self.kind == "zip":
            report["data_imported"] = self.data_imported
        if self.kind != "csv":
            report["settings_applied"] = list(self.settings_applied)
        report["errors"] = self._messages(self.errors, self.errors_total)
        report["warnings"] = self._messages(self.warnings, self.warnings_total)
        report["mode"] = self.mode
        report["dry_run"] = self.dry_run
        return report

    def summary(self) -> str:
        """One line of the counts that are not zero."""
        counts = [
            f"{key.replace('_', ' ')}: {self.counts[key]:,}"
            for key in _COUNTS[self.kind]
            if self.counts[key]
        ]
        counts += [f"errors: {self.errors_total:,}"] if self.errors_total else []
        counts += [f"warnings: {self.warnings_total:,}"] if self.warnings_total else []
        return "; ".join(counts) or "nothing to import"


def no_progress(stage: str, done: int, total: int | None) -> None:
    """Report nothing (no one is watching)."""
