"""Backups, restores, their jobs, and the reset (docs/api.md §5.8, §5.11, §4.8, §9.13 to §9.15).

Operation ids are given explicitly: they are those the routes had when the reset lived beside
the import and export routes and the backups in a module of their own, so the OpenAPI document
(and any client generated from it) did not change when the modules were merged.
"""

import contextlib
import json
import logging
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import get_language, gettext
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from backups import services
from backups.downloads import backup_download
from backups.jobs import (
    JobBusy,
    backup_start,
    data_reset_with_restore_point,
    jobs_fail_abandoned,
    restore_start,
)
from backups.locations import COPY_CHUNK, scratch_dir
from backups.models import BackupConfig, BackupRecord, BackupStatus, Job, JobStatus
from backups.progress import progress_message_said
from backups.schemas import (
    BackupConfigIn,
    BackupConfigOut,
    BackupCreateIn,
    BackupInfoOut,
    BackupRestoreIn,
    BackupStatusOut,
    JobOut,
    ResetOut,
    VerifyOut,
)
from backups.selectors import backup_config_info, backup_last_completed, backup_list
from interchange.archive import Archive
from interchange.documents import ImportRejected
from kernel.limits import NoFreeSlot, export_slot_take, no_free_slot_response
from kernel.schemas import COMMON_ERRORS, ErrorOut, Page, PageQuery, paginate
from preferences.selectors import household_formats
from purchases.blobs import streamed_uploads

logger = logging.getLogger(__name__)
router = Router(tags=["Backups"])

ERRORS = {**COMMON_ERRORS, 404: ErrorOut}


def _said(text: str | None) -> str | None:
    """A message the worker stored in English (its fixed ones are marked with gettext_noop),
    in the language of the request; any other text as it is."""
    return gettext(text) if text else text


def _progress_said(message: str | None) -> str | None:
    """The job's message in the language of the request: a stage's progress ("Purchases:
    1,000 of 5,000", stored in English by the worker) with its numbers in the request's number
    style (backups.progress.progress_message_said), or a fixed message ("Starting")."""
    if message and message[-1].isdigit():
        style = household_formats(language=get_language())["number_style"]
        said = progress_message_said(message, style)
        if said is not None:
            return said
    return _said(message)


def job_out(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": _progress_said(job.message),
        "result": job.result,
        "error": _said(job.error),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": f"/api/jobs/{job.pk}",
        "backup": services.backup_info(job.backup) if job.backup else None,
    }


def _record(backup_id: str) -> BackupRecord:
    record = BackupRecord.objects.filter(pk=backup_id).first()
    if record is None:
        raise HttpError(404, gettext("Backup not found"))
    return record


def _started(start, **kwargs) -> dict:
    """Start a job with START (backup_start or restore_start); its JSON, or 409/400."""
    try:
        job = start(**kwargs)
    except JobBusy as busy:
        raise HttpError(409, str(busy)) from None
    except services.BackupError as error:
        raise HttpError(400, str(error)) from None
    return job_out(Job.objects.select_related("backup").get(pk=job.pk))


@router.post(
    "/data/reset-all",
    response={200: ResetOut, 409: ErrorOut, 500: ErrorOut, **COMMON_ERRORS},
    tags=["Data management"],
    operation_id="backups_api_reset_all",
)
def reset_all(request):
    """Delete all data (not user accounts, tokens or backups), after taking a restore point.

    The restore point is a backup of everything as it was (docs/api.md §9.13); its id is in the
    answer, and restoring it brings the data back. If it cannot be taken, nothing is deleted;
    while another backup or restore is under way, 409 and nothing changes.
    """
    try:
        deleted = data_reset_with_restore_point(actor=request.user)
    except JobBusy as busy:
        raise HttpError(409, str(busy)) from None
    except Exception as error:
        logger.exception("Reset failed")
        raise HttpError(500, gettext("Reset failed: %(error)s") % {"error": error}) from None
    return {
        "success": True,
        "message": "Everything was deleted",
        "details": {"database_cleared": True, "uploads_deleted": deleted["uploads_deleted"]},
        "restore_point_id": deleted["restore_point_id"],
    }


@router.post(
    "/backup/create",
    response={202: JobOut, 409: ErrorOut, **COMMON_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": BackupCreateIn.model_json_schema()}},
        }
    },
    operation_id="backups_backup_api_create_backup",
)
def create_backup(request):
    """Start a backup in the background; 202 with its job (poll the job's `url`).

    The body is optional: `{"note": "…"}` labels the backup.
    """
    note = ""
    if request.content_type == "application/json" and request.body.strip():
        try:
            note = BackupCreateIn.model_validate(json.loads(request.body)).note or ""
        except ValueError:
            raise HttpError(400, gettext('The body must be {"note": "…"} or empty.')) from None
    return Status(202, _started(backup_start, note=note, actor=request.user))


@router.get(
    "/backup/status",
    response={200: BackupStatusOut, **COMMON_ERRORS},
    operation_id="backups_backup_api_backup_status",
)
def backup_status(request):
    """What is under way, the last backup, and how many backups take how much room."""
    jobs_fail_abandoned()
    job = Job.objects.select_related("backup").order_by("-created_at").first()
    completed = BackupRecord.objects.filter(status=BackupStatus.COMPLETED)
    last = backup_last_completed()
    state = "idle"
    if job is not None and job.status != JobStatus.COMPLETED:
        state = job.status
    return {
        "state": state,
        "current": services.backup_info(job.backup)
        if job and job.backup and job.status in (JobStatus.PENDING, JobStatus.RUNNING)
        else None,
        "last_backup": services.backup_info(last) if last else None,
        "backup_count": completed.count(),
        "total_size_bytes": sum(completed.values_list("size_bytes", flat=True)),
        "job": job_out(job) if job and job.status != JobStatus.COMPLETED else None,
    }


@router.get(
    "/backup/list",
    response={200: Page[BackupInfoOut], **COMMON_ERRORS},
    operation_id="backups_backup_api_list_backups",
)
def list_backups(request, page: Query[PageQuery]):
    """Stored backups, newest first."""
    listing = paginate(backup_list(), **page.dict())
    listing["items"] = [services.backup_info(record) for record in listing["items"]]
    return listing


@router.get(
    "/backup/config",
    response={200: BackupConfigOut, **COMMON_ERRORS},
    operation_id="backups_backup_api_get_backup_config",
)
def get_backup_config(request):
    return backup_config_info(BackupConfig.current())


@router.put(
    "/backup/config",
    response={200: BackupConfigOut, **COMMON_ERRORS},
    operation_id="backups_backup_api_update_backup_config",
)
def update_backup_config(request, payload: BackupConfigIn):
    """Change the schedule: only the keys sent (docs/api.md §9.15)."""
    changes = {
        key.removeprefix("backup_"): value
        for key, value in payload.model_dump(exclude_unset=True).items()
        if value is not None
    }
    if changes.get("location") == "offsite" and "backups_offsite" not in settings.STORAGES:
        raise HttpError(
            400, gettext("No offsite backup storage is configured (SPENDS_BACKUP_S3_BUCKET).")
        )
    config = services.backup_config_update(changes, actor=request.user)
    return backup_config_info(config)


RESTORE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BackupRestoreIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "/backup/restore",
    response={202: JobOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, **COMMON_ERRORS},
    openapi_extra=RESTORE_BODY,
    operation_id="backups_backup_api_restore_backup",
)
@decorate_view(streamed_uploads("SPENDS_IMPORT_MAX_BYTES"))
def restore_backup(request: HttpRequest):
    """Replace all data with a backup: `{"backup_id": …}` or an uploaded archive (`file`).

    An uploaded archive is checked completely first (400, nothing changed, if it fails). The
    restore runs in the background (202 with its job); it takes a restore point before it
    changes anything, and its report is the job's `result`.
    """
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise HttpError(400, gettext("Send the archive as the multipart part `file`."))
        if not (upload.name or "").lower().endswith(".zip"):
            raise HttpError(400, gettext("Expected a .zip file"))
        kept = _keep_upload(upload)
        try:
            return Status(
                202,
                _started(restore_start, upload=kept, upload_name=upload.name, actor=request.user),
            )
        except HttpError:
            kept.unlink(missing_ok=True)  # no job will delete it
            raise
    try:
        body = json.loads(request.body or b"null")
        backup_id = BackupRestoreIn.model_validate(body).backup_id
    except ValueError:
        raise HttpError(
            400, gettext('Send {"backup_id": "…"} as JSON, or the archive as multipart `file`.')
        ) from None
    return Status(202, _started(restore_start, backup=_record(backup_id), actor=request.user))


def _keep_upload(upload) -> Path:
    """Check the uploaded archive and keep it where the worker can read it."""
    try:
        with Archive(upload.file):
            pass
    except ImportRejected as error:
        raise HttpError(400, str(error)) from None
    upload.file.seek(0)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the restore job deletes it
        dir=scratch_dir(), prefix="restore-", suffix=".zip", delete=False
    )
    with handle:
        shutil.copyfileobj(upload.file, handle, COPY_CHUNK)
    return Path(handle.name)


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    operation_id="backups_backup_api_get_job",
)
def get_job(request, job_id: str):
    """A backup or restore job: state, progress, and its result once it has finished."""
    jobs_fail_abandoned()
    try:
        return job_out(Job.objects.select_related("backup").get(pk=uuid.UUID(job_id)))
    except (Job.DoesNotExist, ValueError):
        raise HttpError(404, gettext("Job not found")) from None


@router.get(
    "/backup/{backup_id}/download",
    response={200: None, 429: ErrorOut, **ERRORS},
    openapi_extra={
        "responses": {"200": {"description": "The archive", "content": {"application/zip": {}}}}
    },
    operation_id="backups_backup_api_download_backup",
)
def download_backup(request, backup_id: str):
    record = _record(backup_id)
    try:
        slot = export_slot_take()
    except NoFreeSlot as error:
        return no_free_slot_response(error)
    try:
        with contextlib.closing(slot):  # assembling is the heavy part; sending the file is not
            stream = backup_download(record)
    except services.BackupError as error:
        raise HttpError(404, str(error)) from None
    response = FileResponse(stream, content_type="application/zip", filename=record.filename)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    return response


@router.post(
    "/backup/{backup_id}/verify",
    response={200: VerifyOut, **ERRORS},
    operation_id="backups_backup_api_verify_backup",
)
def verify_backup(request, backup_id: str):
    """Check a stored archive without restoring it: 200 when sound, 400 with the problem."""
    record = _record(backup_id)
    try:
        return services.backup_verify_stored(record)
    except (services.BackupError, ImportRejected) as error:
        raise HttpError(400, str(error)) from None


@router.delete(
    "/backup/{backup_id}",
    response={204: None, 409: ErrorOut, **ERRORS},
    operation_id="backups_backup_api_delete_backup",
)
def delete_backup(request, backup_id: str, confirm: bool = False):
    """409 while a job uses the backup, or, without `confirm=true`, when it is the newest
    restore point or the last completed backup (a second confirmation for those two)."""
    record = _record(backup_id)
    try:
        services.backup_delete(record, actor=request.user, confirmed=confirm)
    except services.ConfirmationNeeded as error:
        raise HttpError(
            409, gettext("%(reason)s Send confirm=true to delete it anyway.") % {"reason": error}
        ) from None
    except services.BackupError as error:
        raise HttpError(409, str(error)) from None
    return Status(204, None)
