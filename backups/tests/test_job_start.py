"""Starting backups and restores: one implementation (backups.jobs) behind every front door."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

# Loaded before any test patches backups.jobs.job_active: a URL configuration first loaded by a
# request made under the patch would keep the patch in the views that import job_active by name.
import backups.urls  # noqa: F401
from backups.jobs import JobBusy, backup_start, job_create, restore_start
from backups.models import BackupKind, BackupRecord, BackupStatus, Job, JobKind
from backups.services import BackupError
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

RESET = "/api/data/reset-all"


@pytest.fixture
def restore_under_way():
    """A restore job that is pending (it holds the one-job-at-a-time place)."""
    return job_create(JobKind.RESTORE, params={"path": "/nowhere.zip"}, enqueue=False)


def test_a_backup_start_creates_its_record_and_job_together():
    job = backup_start(kind=BackupKind.SCHEDULED, note="nightly", enqueue=False)
    assert job.kind == JobKind.BACKUP and job.status == "pending"
    assert job.backup.kind == BackupKind.SCHEDULED and job.backup.note == "nightly"
    assert job.backup.status == BackupStatus.PENDING


def test_a_backup_start_while_a_restore_runs_is_refused_and_leaves_nothing(restore_under_way):
    with pytest.raises(JobBusy):
        backup_start()
    assert not BackupRecord.objects.exists()


def test_a_backup_start_that_loses_the_race_leaves_no_pending_record(restore_under_way):
    # Both callers saw no active job; the database's one-active-job constraint decides.
    with mock.patch("backups.jobs.job_active", return_value=None), pytest.raises(JobBusy):
        backup_start()
    assert not BackupRecord.objects.exists()
    assert Job.objects.count() == 1


def test_the_admin_button_that_loses_the_race_leaves_no_pending_record(
    admin_client, restore_under_way
):
    with mock.patch("backups.jobs.job_active", return_value=None):
        response = admin_client.post("/admin/backups/backuprecord/back-up-now/", follow=True)
    assert "Another backup or restore is under way" in response.content.decode()
    assert not BackupRecord.objects.exists()


def test_a_restore_of_a_backup_that_did_not_complete_is_refused():
    failed = backup_start(enqueue=False).backup
    Job.objects.update(active=None, status="failed")
    BackupRecord.objects.update(status=BackupStatus.FAILED)
    failed.refresh_from_db()

    with pytest.raises(BackupError, match="is failed: it cannot be restored"):
        restore_start(backup=failed)


def test_the_commands_and_the_api_refuse_while_another_job_runs(api_client, restore_under_way):
    with pytest.raises(CommandError, match="Another backup or restore is under way"):
        call_command("backups_create")
    assert api_client.post("/api/backup/create").status_code == 409
    assert not BackupRecord.objects.exists()


def test_a_reset_waits_its_turn_behind_a_running_restore(api_client, restore_under_way):
    PurchaseFactory()
    response = api_client.post(RESET)
    assert response.status_code == 409
    assert "Another backup or restore is under way" in response.json()["detail"]
    assert Purchase.objects.count() == 1
    assert not BackupRecord.objects.exists()


def test_a_backup_started_in_the_same_second_as_another_is_busy_not_an_error():
    # Two schedulers on PostgreSQL: both found the name free, the other one committed it first.
    with (
        mock.patch(
            "backups.services.backup_record_new",
            side_effect=IntegrityError('duplicate key value violates "backups_backuprecord_pkey"'),
        ),
        pytest.raises(JobBusy),
    ):
        backup_start()
    assert not Job.objects.exists()
