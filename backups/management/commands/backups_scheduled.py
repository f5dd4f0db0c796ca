from django.core.management.base import BaseCommand
from django.utils import timezone

from backups import services
from backups.jobs import job_active
from backups.management.commands.backups_create import run_backup
from backups.models import BackupConfig, BackupKind


class Command(BaseCommand):
    help = (
        "Run the scheduled backup if one is due, then delete backups beyond the retention. "
        "Safe to run from cron every hour: it does nothing (exit status 0) when no backup is "
        "due, when scheduled backups are off, or while another backup or restore is running."
    )

    def handle(self, *args, **options):
        config = BackupConfig.current()
        due = services.backup_next_due(config)
        if due is None:
            self.stdout.write("Scheduled backups are off.")
            return
        if due - services.SCHEDULE_SLACK > timezone.now():
            self.stdout.write(f"Nothing to do: the next backup is due at {due:%Y-%m-%d %H:%M %Z}.")
            return
        running = job_active()
        if running is not None:
            self.stdout.write(f"Nothing to do: a {running.kind} is under way.")
            return
        backup = run_backup(self, kind=BackupKind.SCHEDULED, location=config.location)
        deleted = services.backups_prune(keep=config.retention)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {backup.id} written ({backup.size_bytes:,} bytes); "
                f"{len(deleted)} old backup(s) deleted, keeping {config.retention}."
            )
        )
