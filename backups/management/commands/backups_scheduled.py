from django.utils import timezone

from backups import services
from backups.jobs import JobBusy, backup_start, job_discard
from backups.management.commands.backups_create import run_backup
from backups.models import BackupConfig, BackupKind
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Run the scheduled backup if one is due, then delete backups beyond the retention. "
        "Safe to run from cron every hour: it does nothing (exit status 0) when no backup is "
        "due, when scheduled backups are off, or while another backup or restore is running."
    )

    def handle(self, *args, **options):
        config = BackupConfig.current()
        if not self._due(config):
            return
        try:
            job = backup_start(kind=BackupKind.SCHEDULED, location=config.location, enqueue=False)
        except JobBusy as busy:
            self.stdout.write(
                f"Nothing to do: a {busy.job.kind if busy.job else 'job'} is under way."
            )
            return
        # Asked again holding the one-job place: another scheduler may have made this backup
        # between the first question and now. So a due backup is made once, however many run.
        if not self._due(BackupConfig.current()):
            job_discard(job)
            return
        backup = run_backup(self, job)
        deleted = services.backups_prune(keep=config.retention)
        self.summary(
            f"Backup {backup.id} written ({backup.size_bytes:,} bytes); "
            f"{len(deleted)} old backup(s) deleted, keeping {config.retention}."
        )

    def _due(self, config) -> bool:
        """Whether a scheduled backup is due now; say why not when it is not."""
        due = services.backup_next_due(config)
        if due is None:
            self.stdout.write("Scheduled backups are off.")
            return False
        if due - services.SCHEDULE_SLACK > timezone.now():
            self.stdout.write(f"Nothing to do: the next backup is due at {due:%Y-%m-%d %H:%M %Z}.")
            return False
        return True
