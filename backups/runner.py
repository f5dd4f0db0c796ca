"""Running a job to its end: claimed, kept alive by a heartbeat, its service run, its end written.

The worker's task (backups/tasks.py) and the commands that run a job in their own process
(`backups.jobs`) call `job_run`; the services it runs never import it, so there is no cycle
(docs/architecture.md §4).
"""

import logging
import threading

from django.db import DatabaseError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from backups import services
from backups.models import Job, JobKind, JobStatus
from backups.progress import HEARTBEAT_SECONDS
from interchange.documents import ImportRejected

# Job outcomes are logged under the name they always had, which log filters may rely on.
logger = logging.getLogger("backups.jobs")


def _handlers():
    return {
        JobKind.BACKUP: services.backup_job,
        JobKind.RESTORE: services.restore_job,
    }


# The errors whose message is the whole story: logged without a traceback.
_REFUSALS = (ImportRejected, services.BackupError)


def job_run(job_id, *, progress=None) -> Job | None:
    """Run a pending job to its end; return it, or None if it was not pending any more.

    PROGRESS, if given, is told of the job's progress too (a command's progress bars).
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, message=gettext_noop("Starting")
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        # In the language the job was asked in (backups.jobs.job_create): its refusals name a
        # file or a size, so they cannot be translated once stored. The stages and the fixed
        # messages are stored in English and translated when shown (backups/api.py).
        with translation.override(job.params.get("language")):
            result = _handlers()[job.kind](job, progress)
    except Exception as error:
        if isinstance(error, _REFUSALS):  # a damaged archive, a missing backup: not a bug
            logger.warning("The %s job %s failed: %s", job.kind, job.pk, error)
        else:
            logger.exception("The %s job %s failed", job.kind, job.pk)
        _finish(job, JobStatus.FAILED, error=str(error) or type(error).__name__)
    else:
        _finish(job, JobStatus.COMPLETED, result=result)
    finally:
        heartbeat.stop()
    job.refresh_from_db()
    return job


class _Heartbeat(threading.Thread):
    """Tells the database every few seconds that the job's process is alive.

    A thread of its own has a connection of its own: its writes commit at once, even while the
    job holds a long transaction (a restore's import), so a job is declared dead only when its
    process is. (On SQLite a write waits while another transaction writes; the job's own lock
    then also keeps anyone from marking it failed.)
    """

    def __init__(self, job_id):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # busy: the next beat will do
                    logger.debug("Heartbeat of job %s skipped", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _finish(job: Job, status: str, *, result=None, error: str | None = None) -> None:
    completed = status == JobStatus.COMPLETED
    Job.objects.filter(pk=job.pk).update(
        status=status,
        active=None,
        **({"progress": 100} if completed else {}),
        message=gettext_noop("Finished") if completed else gettext_noop("Failed"),
        result=result,
        error=error,
        finished_at=timezone.now(),
    )
