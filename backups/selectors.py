from django.conf import settings
from django.db.models import QuerySet

from backups import services
from backups.models import BackupConfig, BackupRecord, BackupStatus


def backup_list() -> QuerySet[BackupRecord]:
    """Return every backup record (completed, failed and under way), newest first."""
    return BackupRecord.objects.order_by("-created_at", "-id")


def backup_last_completed() -> BackupRecord | None:
    """Return the newest backup that can be restored, restore points included."""
    return (
        BackupRecord.objects.filter(status=BackupStatus.COMPLETED).order_by("-created_at").first()
    )


def backup_config_info(config: BackupConfig) -> dict:
    """Return the schedule as the API shows it (docs/api.md §9.15), and when the next is due."""
    return {
        "backup_enabled": config.enabled,
        "backup_frequency": config.frequency,
        "backup_retention": config.retention,
        "backup_location": config.location,
        "offsite_available": "backups_offsite" in settings.STORAGES,
        "next_backup_due": services.backup_next_due(config),
    }
