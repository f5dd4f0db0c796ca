import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Location(models.TextChoices):
    LOCAL = "local", _("Local folder")
    OFFSITE = "offsite", _("Offsite object store")


class Frequency(models.TextChoices):
    DAILY = "daily", pgettext_lazy("backup", "Daily")
    WEEKLY = "weekly", pgettext_lazy("backup", "Weekly")
    MONTHLY = "monthly", pgettext_lazy("backup", "Monthly")


class BackupConfig(models.Model):
    """The backup schedule (docs/api.md §9.15): one row, edited in the admin or through the API."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    enabled = models.BooleanField(
        "scheduled backups", default=False, help_text="Run backups on the schedule below."
    )
    frequency = models.CharField(max_length=7, choices=Frequency.choices, default=Frequency.DAILY)
    retention = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How many backups to keep; older ones are deleted after each scheduled backup.",
    )
    location = models.CharField(max_length=7, choices=Location.choices, default=Location.LOCAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "backup schedule"

    def __str__(self):
        if not self.enabled:
            return "Scheduled backups are off"
        return f"{self.get_frequency_display()} to {self.get_location_display().lower()}"

    @classmethod
    def current(cls) -> "BackupConfig":
        return cls.objects.get_or_create(pk=1)[0]


class BackupStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("backup", "Pending")
    RUNNING = "running", pgettext_lazy("backup", "Running")
    COMPLETED = "completed", pgettext_lazy("backup", "Completed")
    FAILED = "failed", pgettext_lazy("backup", "Failed")


class BackupKind(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("backup", "Manual")
    SCHEDULED = "scheduled", pgettext_lazy("backup", "Scheduled")
    RESTORE_POINT = "restore_point", pgettext_lazy("backup", "Restore point")


class BackupRecord(models.Model):
    """One backup archive (docs/api.md §4.7): where it is, what it holds, its checksum.

    The id is the UTC time it was taken (`20250314T092107Z`), which also names the file.
    """

    id = models.CharField(primary_key=True, max_length=40, editable=False)
    filename = models.CharField(max_length=100)
    kind = models.CharField(max_length=13, choices=BackupKind.choices, default=BackupKind.MANUAL)
    location = models.CharField(max_length=7, choices=Location.choices, default=Location.LOCAL)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=9, choices=BackupStatus.choices, default=BackupStatus.PENDING
    )
    error = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0, help_text="Attachment files inside.")
    record_counts = models.JSONField(default=dict, blank=True)
    # The stored archive's checksum (verify and restore check it), and the checksum of the
    # standalone archive a download returns, which is the one people are shown: an incremental
    # backup keeps its attachment files apart, so the two files differ.
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    download_sha256 = models.CharField("SHA-256 of the download", max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="backup_status_created_idx")]

    def __str__(self):
        return self.filename


class JobKind(models.TextChoices):
    BACKUP = "backup", "Backup"
    RESTORE = "restore", "Restore"
    IMPORT = "import", "Import"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A backup or restore running outside the web request (docs/api.md §9.14, §4.8).

    State and progress live here, so they survive restarts. `active` is true while the job is
    pending or running and null afterwards: a unique constraint on it lets only one backup or
    restore be under way at a time, on SQLite and PostgreSQL alike. A running job reports a
    heartbeat; one whose heartbeat stopped (its worker died) is marked failed
    (`backups.jobs.jobs_fail_abandoned`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=7, choices=JobKind.choices)
    status = models.CharField(max_length=9, choices=JobStatus.choices, default=JobStatus.PENDING)
    active = models.BooleanField(null=True, default=True, editable=False)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    backup = models.ForeignKey(
        BackupRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                name="backups_job_one_active",
                violation_error_message="Another backup or restore is under way.",
            ),
            models.CheckConstraint(
                condition=Q(active=True) | Q(active__isnull=True), name="backups_job_active_true"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.status}"
