from django.core.management.base import CommandError

from backups import services
from backups.jobs import JobBusy, backup_start, job_run
from backups.models import BackupKind, JobStatus, Location
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Back up everything now (records, settings and attachment files) to the backup "
        "location, as one verified archive. Waits for it to finish; refuses while another "
        "backup or restore is running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", default="", help="A label for this backup.")
        parser.add_argument(
            "--location",
            choices=Location.values,
            help="Where to keep it (default: the schedule's backup location).",
        )

    def handle(self, *args, note, location, **options):
        try:
            job = backup_start(kind=BackupKind.MANUAL, location=location, note=note, enqueue=False)
        except (JobBusy, services.BackupError) as error:
            raise CommandError(str(error)) from None
        backup = run_backup(self, job)
        self.summary(
            f"Backup {backup.id} written: {backup.filename}, {backup.size_bytes:,} bytes, "
            f"{backup.record_counts.get('purchases', 0):,} purchases, "
            f"{backup.file_count:,} files."
        )


def run_backup(command, job):
    """Run the pending backup JOB in this process, with progress bars on the command's
    terminal; return its completed BackupRecord."""
    with command.progress() as bars:
        job = job_run(job.pk, progress=bars)
    if job.status != JobStatus.COMPLETED:
        raise CommandError(f"The backup failed: {job.error}")
    return job.backup
