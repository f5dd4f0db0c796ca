from django.template.defaultfilters import filesizeformat

from backups.models import BackupRecord
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = "List the backups, newest first: id, status, size, contents, location."

    def handle(self, *args, **options):
        records = BackupRecord.objects.order_by("-created_at", "-id")
        if not records:
            self.stdout.write("No backups yet.")
            return
        for record in records:
            counts = record.record_counts or {}
            line = (
                f"{record.id:20} {record.status:9} {filesizeformat(record.size_bytes):>10}  "
                f"{counts.get('purchases', 0):>7,} purchases {record.file_count:>6,} files  "
                f"{record.location:7} {record.get_kind_display()}"
            )
            if record.note:
                line += f" ({record.note})"
            if record.error:
                line += f" - {record.error}"
            self.stdout.write(line)
