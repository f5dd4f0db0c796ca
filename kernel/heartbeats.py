"""Heartbeats of the background processes, so that the pages and /api/health can tell when one
stopped: the scheduler (spends_tracker/scheduler.py) and the job worker (spends_tracker/worker.py)
each beat every INTERVALS seconds; one silent for two intervals is late.
"""

import datetime
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.models import Heartbeat

logger = logging.getLogger(__name__)

# Seconds between two beats of each process.
INTERVALS = {"scheduler": 60, "worker": 30}
# What each process is called on the pages, and what stops happening while it is late.
DESCRIPTIONS = {
    "scheduler": (
        _("The scheduler"),
        _("scheduled backups and reminder digests are not being made"),
    ),
    "worker": (_("The job worker"), _("backups and restores started here wait and then fail")),
}


@dataclass(frozen=True)
class ProcessHealth:
    process: str
    beat_at: datetime.datetime | None
    age_seconds: int | None
    late: bool

    @property
    def label(self) -> str:
        return str(DESCRIPTIONS[self.process][0])

    @property
    def consequence(self) -> str:
        return str(DESCRIPTIONS[self.process][1])


def heartbeat_beat(process: str, *, file: Path | None = None) -> None:
    """Record that PROCESS is alive now (and touch FILE, for a container's health check)."""
    if file is not None:
        file.touch()
    Heartbeat.objects.update_or_create(process=process, defaults={"beat_at": timezone.now()})


def heartbeat_status(*, now: datetime.datetime | None = None) -> list[ProcessHealth]:
    """Each background process's last beat, its age, and whether it is late; one query."""
    now = now or timezone.now()
    beats = dict(Heartbeat.objects.values_list("process", "beat_at"))
    status = []
    for process, interval in INTERVALS.items():
        beat_at = beats.get(process)
        age = None if beat_at is None else max(int((now - beat_at).total_seconds()), 0)
        status.append(ProcessHealth(process, beat_at, age, age is None or age > 2 * interval))
    return status


def background_context() -> dict:
    """The template context of partials/background_health.html."""
    background = heartbeat_status()
    return {"background": background, "background_late": any(p.late for p in background)}


class HeartbeatThread(threading.Thread):
    """Beats for PROCESS every interval until stopped, on a thread (and connection) of its own,
    so a long job or a held transaction in the main thread does not silence it."""

    def __init__(self, process: str, *, file: Path | None = None):
        super().__init__(name=f"heartbeat-{process}", daemon=True)
        self.process, self.file = process, file
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    heartbeat_beat(self.process, file=self.file)
                except DatabaseError:  # busy or away for a moment: the next beat will do
                    logger.warning("Heartbeat of the %s skipped", self.process, exc_info=True)
                if self.stopped.wait(INTERVALS[self.process]):
                    return
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
