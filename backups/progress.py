"""A job's progress: what the services report, written to the job's row for the pages to poll.

Its own module so that the services (which report) and the job runner (which passes it in)
both use it without importing each other (docs/architecture.md §4).
"""

import re
import time

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from backups.models import Job
from preferences.formats import format_number

HEARTBEAT_SECONDS = 2  # progress is written at most this often, the heartbeat this often

# The stages a job reports (the export's sections, the archive's files, the import's records),
# marked for translation: the worker writes them in English, the job API translates them.
STAGE_NAMES = [
    gettext_noop("Retailers"),
    gettext_noop("Brands"),
    gettext_noop("Purchases"),
    gettext_noop("Warranties"),
    gettext_noop("Claims"),
    gettext_noop("Files"),
    gettext_noop("Stored files"),
    gettext_noop("Checking files"),
    gettext_noop("Storing files"),
]
# What `JobProgress` writes: "Purchases: 1,000 of 5,000", or "Files: 12" without a total.
_MESSAGE = re.compile(r"(?P<stage>[^:]+): (?P<done>[0-9,]+)(?: of (?P<total>[0-9,]+))?")


def progress_message(stage: str, done: int, total: int | None) -> str:
    """The job's message for STAGE, in English: what the worker stores (it has no language)."""
    return f"{stage}: {done:,}" + (f" of {total:,}" if total else "")


def progress_message_said(message: str, number_style: str) -> str | None:
    """A message `progress_message` wrote, in the active language, its numbers in NUMBER_STYLE;
    None when MESSAGE is not one (a fixed message: "Starting", "Finished").

    Decision: the worker runs with no person's language, so the stored message stays English
    and is translated when it is shown (as jobs' errors are, backups/api.py), rather than
    stored as a key with counts: no new column, no migration, and the stored text, which the
    logs and the commands' output share, reads as before. Writing and reading the format sit
    side by side here so that they stay in step.
    """
    match = _MESSAGE.fullmatch(message)
    if match is None:
        return None
    values = {
        "stage": gettext(match["stage"]),
        "done": format_number(int(match["done"].replace(",", "")), number_style),
    }
    if match["total"] is None:
        return gettext("%(stage)s: %(done)s") % values
    values["total"] = format_number(int(match["total"].replace(",", "")), number_style)
    return gettext("%(stage)s: %(done)s of %(total)s") % values


class JobProgress:
    """The `progress(stage, done, total)` callback of a job: writes progress and heartbeat.

    Overall progress runs through STAGES in order, each an equal share (a name may come back
    later in the list: the next one from the current position is taken); a stage that is not
    listed only changes the message. Writes are throttled to one every HEARTBEAT_SECONDS.
    """

    def __init__(self, job: Job, stages: list[str]):
        self.job = job
        self.stages = stages
        self.position = 0
        self.percent = 0
        self.written_at = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage in self.stages[self.position :]:
            self.position = self.stages.index(stage, self.position)
            share = 100 / len(self.stages)
            fraction = min(done / total, 1) if total else 1
            self.percent = max(self.percent, int((self.position + fraction) * share))
        message = progress_message(stage, done, total)
        now = time.monotonic()
        # Inside a transaction (a backup's snapshot, a restore's import) a write would be seen
        # by no one until the end, and a read-only snapshot refuses it: report between them.
        if now - self.written_at >= HEARTBEAT_SECONDS and not connection.in_atomic_block:
            self.written_at = now
            Job.objects.filter(pk=self.job.pk).update(
                progress=min(self.percent, 99), message=message[:200], heartbeat_at=timezone.now()
            )


def job_progress(job: Job, stages: list[str], also=None):
    """The progress callback of JOB through STAGES, also telling ALSO (a command's bars), if any."""
    recorded = JobProgress(job, stages)
    if also is None:
        return recorded

    def both(stage: str, done: int, total: int | None) -> None:
        recorded(stage, done, total)
        also(stage, done, total)

    return both
