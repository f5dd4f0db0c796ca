from pathlib import Path

from django.core.management.base import CommandError

from backups import services
from backups.models import BackupRecord
from interchange.documents import ImportRejected
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Check a backup (by id) or an archive file without restoring it: its structure, every "
        "checksum, and that data.json reads. Exit status 1 when it is not sound."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A backup id (see backups_list) or an archive file.")

    def handle(self, *args, backup, **options):
        try:
            with self.progress() as bars:
                result, name = verify(backup, bars)
        except (services.BackupError, ImportRejected, OSError) as error:
            raise CommandError(f"{backup}: {error}") from None
        counts = ", ".join(f"{n:,} {key}" for key, n in result["record_counts"].items())
        self.summary(
            f"{name} is sound: format {result['format_version']}; records: {counts}; "
            f"{result['file_count']:,} stored files"
            + ("" if result["has_manifest"] else " (legacy archive without a manifest)")
        )


def verify(backup: str, progress):
    record = BackupRecord.objects.filter(pk=backup).first()
    if record is not None:
        return services.backup_verify_stored(record, progress=progress), record.filename
    path = Path(backup)
    if not path.is_file():
        raise services.BackupError("no backup has this id, and no file has this name")
    with path.open("rb") as stream:
        blob_store = services.sibling_blob_store(path.resolve())
        return services.archive_verify(stream, blob_store=blob_store, progress=progress), path.name
