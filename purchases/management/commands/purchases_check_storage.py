from django.core.management.base import CommandError

from kernel.commands import SpendsCommand
from purchases.services import blob_store_check


class Command(SpendsCommand):
    help = (
        "Check that every stored attachment has its file and every file in the store belongs to "
        "an attachment. Lost files are reported and their attachments marked unavailable; files "
        "nothing refers to are reported, and removed with --delete-orphans. Exits with status 1 "
        "when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans", action="store_true", help="Remove files no attachment uses."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report only; mark and remove nothing."
        )

    def handle(self, *args, delete_orphans, dry_run, **options):
        report = blob_store_check(delete_orphans=delete_orphans, dry_run=dry_run)
        verbose = options["verbosity"] >= 2
        for name in report.missing[: None if verbose else 20]:
            self.stdout.write(self.style.ERROR(f"missing file: {name}"))
        for name in report.orphans[: None if verbose else 20]:
            action = "removed" if report.orphans_deleted else "orphan file"
            self.stdout.write(self.style.WARNING(f"{action}: {name}"))
        self.stdout.write(
            f"{report.blobs} stored contents, {report.files} files: "
            f"{len(report.missing)} missing ({report.attachments_unavailable} attachments "
            f"unavailable), {len(report.orphans)} orphan files "
            f"({report.orphans_deleted} removed)."
        )
        if not report.healthy:
            hint = "" if delete_orphans or not report.orphans else " Run with --delete-orphans"
            raise CommandError(
                "The attachment store is damaged." + (hint and hint + " to remove orphans."),
                returncode=1,
            )
        self.summary("The attachment store is intact.")
