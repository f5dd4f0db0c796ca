from backups.jobs import jobs_fail_abandoned
from kernel.commands import SpendsCommand
from purchases.blobs import incoming_prune


class Command(SpendsCommand):
    help = (
        "Tidy up after crashes: mark failed the backup and restore jobs whose worker died, and "
        "delete uploads' temporary files older than a day. Safe to run at any time, and as "
        "often as you like (the scheduler runs it every hour)."
    )

    def handle(self, *args, **options):
        jobs = jobs_fail_abandoned()
        files = incoming_prune()
        self.stdout.write(
            f"Upkeep: {jobs} abandoned job(s) marked failed, "
            f"{files} stale upload temporary file(s) deleted."
        )
