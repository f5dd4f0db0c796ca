"""A job's progress: what the services report, written to the job's row for the pages to poll.

Its own module so that the services (which report) and the job runner (which passes it in)
both use it without importing each other (docs/architecture.md §4).
"""

import time

from django.db import connection
from django.utils import timezone

from backups.models import Job

HEARTBEAT_SECONDS = 2  # progress is written at most this often, the heartbeat this often


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
        message = f"{stage}: {done:,}" + (f" of {total:,}" if total else "")
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
