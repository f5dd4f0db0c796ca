from django.core.management.base import CommandError

from backups import services
from backups.models import BackupConfig
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Delete old backups, keeping the newest N completed ones (default: the schedule's "
        "retention) and no failed attempt older than those."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, help="How many backups to keep.")

    def handle(self, *args, keep, **options):
        keep = keep if keep is not None else BackupConfig.current().retention
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            deleted = services.backups_prune(keep=keep)
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Deleted {len(deleted)} backup(s)"
            + (f": {', '.join(deleted)}" if deleted else "")
            + f"; keeping the newest {keep}."
        )
