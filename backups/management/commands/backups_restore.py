from pathlib import Path

from django.core.management.base import CommandError

from backups import services
from backups.jobs import JobBusy, job_run, restore_start
from backups.models import BackupRecord, JobStatus
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Replace all data with a backup (by id) or an archive file. The archive is checked "
        "first, and a restore point (a backup of the current data) is taken before anything "
        "changes. Asks for confirmation unless --no-input is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A backup id (see backups_list) or an archive file.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for scripts).",
        )

    def handle(self, *args, backup, interactive, verbosity, **options):
        record = BackupRecord.objects.filter(pk=backup).first()
        if record is None and not Path(backup).is_file():
            raise CommandError(f"{backup}: no backup has this id, and no file has this name.")
        if interactive:
            answer = input(
                "This replaces ALL purchases, warranties, retailers, brands, settings and "
                f"attachments with the contents of {backup}.\n"
                "A restore point is taken first. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            job = restore_start(
                backup=record,
                path=None if record else Path(backup).resolve(),
                enqueue=False,
            )
        except (JobBusy, services.BackupError) as error:
            raise CommandError(f"{backup}: {error}") from None
        with self.progress(log=verbosity > 1) as bars:
            job = job_run(job.pk, progress=bars)
        if job.status != JobStatus.COMPLETED:
            raise CommandError(f"{backup}: {job.error}")
        report = job.result
        for message in report["errors"]:
            self.stderr.write(f"error: {message}")
        for message in report["warnings"]:
            self.stderr.write(f"warning: {message}")
        added = {key: n for key, n in report.items() if key.endswith("_added") and n}
        self.summary(
            "Restored "
            + ", ".join(f"{n:,} {key.removesuffix('_added')}" for key, n in added.items())
            + f". Restore point: {report['restore_point_id']} "
            f"(backups_restore {report['restore_point_id']} undoes this)."
        )
