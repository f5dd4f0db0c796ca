from pathlib import Path

from django.core.management.base import CommandError

from kernel.commands import SpendsCommand
from spends_tracker.scheduler import duties, duties_run_once, scheduler_run


class Command(SpendsCommand):
    help = (
        "Run the app's periodic duties (scheduled backups, reminder digests, upkeep) on time "
        "until stopped: at start each one whose time has come today, then on its schedule. "
        "With --once, run every duty once now and exit (for cron): status 1 when one failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every duty once, then exit.")
        parser.add_argument(
            "--heartbeat-file",
            type=Path,
            help="Touch this file every minute while running (for a container health check).",
        )

    def handle(self, *args, once, heartbeat_file, **options):
        if not once:
            scheduler_run(heartbeat_file=heartbeat_file)
            return
        if not duties_run_once():
            names = ", ".join(duty.command for duty in duties())
            raise CommandError(f"A periodic duty failed ({names}); its output says why.")
