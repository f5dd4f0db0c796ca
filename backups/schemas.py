import datetime
import uuid
from typing import Literal

from pydantic import Field, StrictBool, StrictInt

from kernel.schemas import BodySchema, Schema


class ResetDetails(Schema):
    database_cleared: bool
    uploads_deleted: int


class ResetOut(Schema):
    success: bool
    message: str
    details: ResetDetails
    restore_point_id: str | None = Field(
        description="Id of the backup taken just before the reset (docs/api.md §9.13)."
    )


class BackupInfoOut(Schema):
    """A backup archive (docs/api.md §4.7)."""

    id: str = Field(description='The UTC time it was taken, e.g. "20250314T092107Z".')
    filename: str
    created_at: datetime.datetime
    size_bytes: int
    file_count: int = Field(description="Attachment files inside.")
    record_counts: dict[str, int]
    sha256: str = Field(description="Checksum of the archive (empty until it is complete).")
    status: Literal["pending", "running", "completed", "failed"]
    error: str | None
    kind: Literal["manual", "scheduled", "restore_point"]
    location: Literal["local", "offsite"]
    note: str


class JobOut(Schema):
    """A background job (docs/api.md §4.8)."""

    id: uuid.UUID
    kind: Literal["backup", "restore", "import"]
    status: Literal["pending", "running", "completed", "failed"]
    progress: int = Field(description="0 to 100.")
    message: str
    result: dict | None = Field(description="The BackupInfo or the restore report, once done.")
    error: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    url: str
    backup: BackupInfoOut | None = Field(description="The backup this job makes or restores.")


class BackupStatusOut(Schema):
    state: Literal["idle", "pending", "running", "failed"]
    current: BackupInfoOut | None
    last_backup: BackupInfoOut | None
    backup_count: int
    total_size_bytes: int
    job: JobOut | None = Field(description="The job under way, or the last one if it failed.")


class BackupCreateIn(BodySchema):
    note: str | None = Field(None, max_length=200)


class BackupRestoreIn(BodySchema):
    backup_id: str = Field(max_length=40)


class BackupConfigOut(Schema):
    backup_enabled: bool
    backup_frequency: Literal["daily", "weekly", "monthly"]
    backup_retention: int
    backup_location: Literal["local", "offsite"]
    offsite_available: bool = Field(description="Whether an offsite storage is configured.")
    next_backup_due: datetime.datetime | None


class BackupConfigIn(BodySchema):
    """Partial: keys left out keep their value (docs/api.md §9.15)."""

    # Strict: 0, "yes" or "7" are not what the schema says, and are refused (422).
    backup_enabled: StrictBool | None = None
    backup_frequency: Literal["daily", "weekly", "monthly"] | None = None
    backup_retention: StrictInt | None = Field(None, ge=1, le=365)
    backup_location: Literal["local", "offsite"] | None = None


class VerifyOut(Schema):
    valid: bool
    format_version: int
    has_manifest: bool
    record_counts: dict[str, int]
    file_count: int
    warnings: list[str]
