"""Background jobs for backups and restores (docs/api.md §9.14, §4.8).

A job is a row of `Job` (state, progress, result) and a task on Django's task framework that
runs it in the worker (`manage.py spends_worker`); the scheduled-backup command runs its job in its
own process instead. At most one job is active at a time (a unique constraint), and a running job
whose worker stopped reporting is marked failed instead of staying "running" forever.

Starting a job is here; running one is in backups/runner.py (`job_run`, imported here for the
commands and the reset that run a job in their own process), below the task of backups/tasks.py
that this module enqueues: jobs → tasks → runner → services → progress, no cycle.
"""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from accounts.models import AuditEvent
from accounts.services import audit_record
from backups import services
from backups.models import BackupKind, BackupRecord, BackupStatus, Job, JobKind, JobStatus
from backups.runner import job_run
from backups.tasks import run_job

logger = logging.getLogger(__name__)


class JobBusy(Exception):
    """Another backup or restore is pending or running."""

    def __init__(self, job: Job | None = None):
        self.job = job
        super().__init__(
            gettext("Another backup or restore is under way; try again when it has finished.")
        )


def jobs_fail_abandoned() -> int:
    """Mark failed the jobs nobody is working on any more; return how many.

    A running job reports a heartbeat with its progress; one silent for SPENDS_JOB_STALE_SECONDS
    has lost its worker (killed, crashed, restarted). A pending job that no worker picked up in
    that time is failed too, so that it does not block every later backup.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.SPENDS_JOB_STALE_SECONDS)
    failed = 0
    for status, condition, error in [
        (
            JobStatus.RUNNING,
            {"heartbeat_at__lt": stale},
            gettext_noop("The worker running this job stopped before it finished."),
        ),
        (
            JobStatus.PENDING,
            {"created_at__lt": stale},
            gettext_noop("No worker picked this job up; is `manage.py spends_worker` running?"),
        ),
    ]:
        abandoned = list(Job.objects.filter(status=status, **condition).values_list("pk", "backup"))
        if not abandoned:
            continue
        failed += Job.objects.filter(pk__in=[pk for pk, _ in abandoned], status=status).update(
            status=JobStatus.FAILED, active=None, error=error, finished_at=now
        )
        BackupRecord.objects.filter(
            pk__in=[backup for _, backup in abandoned if backup],
            status__in=[BackupStatus.PENDING, BackupStatus.RUNNING],
        ).update(status=BackupStatus.FAILED, error=error, finished_at=now)
    return failed


def job_active() -> Job | None:
    jobs_fail_abandoned()
    return Job.objects.filter(active=True).first()


def job_create(kind: str, *, params: dict | None = None, backup=None, enqueue: bool = True) -> Job:
    """Create a pending job; raise JobBusy when another one is active.

    With ENQUEUE, the job is handed to the task worker once its row is committed; otherwise the
    caller runs it (`job_run`). The job keeps the language it was asked for in (the person's,
    for a page or the API), so that its errors are written in it (backups.runner).
    """
    jobs_fail_abandoned()
    params = {**(params or {}), "language": get_language()}
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, params=params, backup=backup)
    except IntegrityError:
        raise JobBusy(Job.objects.filter(active=True).first()) from None
    if enqueue:
        transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


# -- Starting backups and restores: the one implementation behind the API, the admin, the
# commands and the scheduler, which only translate JobBusy and BackupError into their words.


def backup_start(
    *,
    kind: str = BackupKind.MANUAL,
    note: str = "",
    location: str | None = None,
    enqueue: bool = True,
    actor=None,
) -> Job:
    """Start a backup: its pending record and job, handed to the worker once committed.

    Without ENQUEUE the caller runs the job (`job_run`). Raise JobBusy while another backup or
    restore is under way, and BackupError when LOCATION is not configured; either way nothing
    is left behind (the record and the job are created together or not at all).

    The start is audited (`backup.create`) as ACTOR's, in the same transaction; None is the
    command line or, for a scheduled backup, the scheduler. Restore points are not: the reset
    or restore they are taken for is, and names them.
    """
    if (active := job_active()) is not None:
        raise JobBusy(active)
    try:
        with transaction.atomic():
            record = services.backup_record_new(kind, location=location, note=note)
            if kind != BackupKind.RESTORE_POINT:
                audit_record(
                    actor=actor,
                    action="backup.create",
                    target=record.filename,
                    backup_id=record.id,
                    kind=kind,
                    location=record.location,
                    **({"scheduled": True} if kind == BackupKind.SCHEDULED else {}),
                )
            return job_create(JobKind.BACKUP, backup=record, enqueue=enqueue)
    except IntegrityError:
        # Another backup started in the same second took the record's name (its id is the
        # time): it holds, or is about to hold, the one job's place.
        raise JobBusy(Job.objects.filter(active=True).first()) from None


def job_discard(job: Job) -> None:
    """Remove a pending JOB that will not run, with its pending backup record.

    The start's audit entry goes too: the backup never happened (a scheduler that found another
    one had just made it), so the trail is as if it had never been started.
    """
    with transaction.atomic():
        discarded, _ = Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).delete()
        BackupRecord.objects.filter(pk=job.backup_id, status=BackupStatus.PENDING).delete()
        if discarded and job.backup_id:
            AuditEvent.objects.filter(
                action="backup.create", details__backup_id=job.backup_id
            ).delete()


def restore_start(
    *,
    backup: BackupRecord | None = None,
    path: Path | None = None,
    upload: Path | None = None,
    upload_name: str = "",
    enqueue: bool = True,
    actor=None,
) -> Job:
    """Start replacing all data with one archive; return the pending job.

    The archive is BACKUP (a stored, completed backup), the file PATH, or UPLOAD (an uploaded
    archive kept for the job, which deletes it when done; UPLOAD_NAME is what it was called).
    Raise JobBusy while another backup or restore is under way, BackupError when BACKUP cannot
    be restored. The job remembers ACTOR: the restore is audited as theirs when it commits
    (a restore that fails leaves no entry).
    """
    if (active := job_active()) is not None:
        raise JobBusy(active)
    if backup is not None:
        if backup.status != BackupStatus.COMPLETED:
            raise services.BackupError(
                gettext("The backup %(id)s is %(status)s: it cannot be restored.")
                % {"id": backup.id, "status": backup.status}
            )
        params = {"backup_id": backup.pk}
    elif upload is not None:
        params = {"upload": str(upload)}
    elif path is not None:
        params = {"path": str(path)}
    else:
        raise ValueError("restore_start needs a backup, a path or an upload")
    if upload is not None and upload_name:
        params["upload_name"] = upload_name
    if actor is not None and actor.is_authenticated:
        params["actor_id"] = actor.pk
    return job_create(JobKind.RESTORE, params=params, backup=backup, enqueue=enqueue)


def data_reset_with_restore_point(*, actor=None) -> dict:
    """Take a restore point, then delete everything (docs/api.md §9.13); return both results.

    The restore point is a backup job like any other, so a reset waits its turn: JobBusy while
    another backup or restore is under way. If the restore point fails, nothing is deleted.
    The reset is audited as ACTOR's.
    """
    job = backup_start(
        kind=BackupKind.RESTORE_POINT, note=gettext_noop("Taken before a reset"), enqueue=False
    )
    job = job_run(job.pk)
    if job.status != JobStatus.COMPLETED:
        raise services.BackupError(job.error)
    deleted = services.data_reset_all(actor=actor, restore_point_id=job.backup_id)
    return {**deleted, "restore_point_id": job.backup_id}
