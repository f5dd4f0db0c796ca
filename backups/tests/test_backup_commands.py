"""The backup commands: create, list, verify, restore, prune, and the cron-safe scheduler."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from backups.models import BackupConfig, BackupKind, BackupRecord, Job
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture
def purchases():
    return [PurchaseFactory(product_name=f"Thing {n}", price=Decimal("9.99")) for n in range(3)]


def test_create_list_verify_and_restore(purchases, settings):
    output = run("backups_create", "--note", "before the move")
    record = BackupRecord.objects.get()
    assert record.status == "completed" and record.note == "before the move"
    assert f"Backup {record.id} written" in output
    assert (settings.SPENDS_BACKUPS_DIR / record.filename).is_file()
    assert not list((settings.SPENDS_BACKUPS_DIR / ".partial").iterdir())

    assert record.id in run("backups_list")
    assert "is sound" in run("backups_verify", record.id)

    Purchase.objects.all().delete()
    PurchaseFactory(product_name="Made after the backup")
    output = run("backups_restore", record.id, "--no-input")

    assert sorted(Purchase.objects.values_list("product_name", flat=True)) == [
        "Thing 0",
        "Thing 1",
        "Thing 2",
    ]
    point = BackupRecord.objects.get(kind=BackupKind.RESTORE_POINT)
    assert f"Restore point: {point.id}" in output
    assert point.record_counts["purchases"] == 1  # what was there just before


def test_restore_asks_first_and_a_no_changes_nothing(purchases):
    run("backups_create")
    record = BackupRecord.objects.get()
    Purchase.objects.all().delete()
    with mock.patch("builtins.input", return_value="no"), pytest.raises(CommandError) as error:
        run("backups_restore", record.id)
    assert str(error.value) == "Restore cancelled."
    assert not Purchase.objects.exists()
    with mock.patch("builtins.input", return_value="yes"):
        run("backups_restore", record.id)
    assert Purchase.objects.count() == 3


def test_verify_and_restore_refuse_a_damaged_archive_in_one_line(purchases, settings):
    run("backups_create")
    record = BackupRecord.objects.get()
    path = settings.SPENDS_BACKUPS_DIR / record.filename
    path.write_bytes(path.read_bytes()[:-200])

    with pytest.raises(CommandError) as verify_error:
        run("backups_verify", record.id)
    with pytest.raises(CommandError) as restore_error:
        run("backups_restore", record.id, "--no-input")

    for error in (verify_error, restore_error):
        assert "\n" not in str(error.value) and record.id in str(error.value)
    assert "checksum" in str(verify_error.value)
    assert Purchase.objects.count() == 3
    assert not BackupRecord.objects.filter(kind=BackupKind.RESTORE_POINT).exists()


def test_unknown_backup_is_one_clear_line():
    with pytest.raises(CommandError, match="no backup has this id"):
        run("backups_restore", "20200101T000000Z", "--no-input")


def test_a_second_job_is_refused_while_one_runs(purchases):
    Job.objects.create(kind="backup", status="running", heartbeat_at=timezone.now())
    with pytest.raises(CommandError, match="under way"):
        run("backups_create")


def test_prune_keeps_the_newest(purchases):
    for _ in range(4):
        run("backups_create")
    newest = list(BackupRecord.objects.values_list("id", flat=True))  # newest first
    output = run("backups_prune", "--keep", "2")
    assert "Deleted 2 backup(s)" in output
    assert list(BackupRecord.objects.values_list("id", flat=True)) == newest[:2]


def backdate(record: BackupRecord, **delta) -> None:
    record.refresh_from_db()
    BackupRecord.objects.filter(pk=record.pk).update(
        created_at=record.created_at - datetime.timedelta(**delta)
    )


def test_scheduled_does_nothing_when_off_or_not_due(purchases):
    assert "off" in run("backups_scheduled")
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True, "frequency": "weekly"})
    assert "Backup" in run("backups_scheduled")  # none yet: due at once
    assert "Nothing to do" in run("backups_scheduled")
    record = BackupRecord.objects.get()
    backdate(record, days=6)
    assert "Nothing to do" in run("backups_scheduled")
    backdate(record, days=1)
    assert "written" in run("backups_scheduled")
    assert BackupRecord.objects.filter(kind=BackupKind.SCHEDULED).count() == 2


def test_scheduled_never_overlaps_a_running_job(purchases):
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True})
    Job.objects.create(kind="restore", status="running", heartbeat_at=timezone.now())
    assert "a restore is under way" in run("backups_scheduled")
    assert not BackupRecord.objects.exists()


def test_scheduled_prunes_by_retention(purchases):
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True, "retention": 2})
    for _ in range(3):
        run("backups_scheduled")
        for record in BackupRecord.objects.all():
            backdate(record, days=1, minutes=1)
    assert BackupRecord.objects.count() == 2


def test_monthly_schedule_follows_calendar_months(purchases):
    from backups.services import backup_next_due

    config = BackupConfig.objects.create(pk=1, enabled=True, frequency="monthly")
    run("backups_create")
    record = BackupRecord.objects.get()
    jan31 = datetime.datetime(2025, 1, 31, 3, 0, tzinfo=datetime.UTC)
    BackupRecord.objects.filter(pk=record.pk).update(created_at=jan31)
    assert backup_next_due(config) == datetime.datetime(2025, 2, 28, 3, 0, tzinfo=datetime.UTC)


def test_scheduled_daily_backup_keeps_its_hour_when_cron_runs_a_moment_early(purchases):
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True, "frequency": "daily"})
    run("backups_scheduled")
    record = BackupRecord.objects.get()
    # The next day's run starts 30 seconds earlier in the hour than yesterday's backup was recorded.
    backdate(record, hours=23, minutes=59, seconds=30)
    assert "written" in run("backups_scheduled")
    assert BackupRecord.objects.filter(kind=BackupKind.SCHEDULED).count() == 2


def test_scheduled_daily_backup_is_not_taken_hours_early(purchases):
    BackupConfig.objects.update_or_create(pk=1, defaults={"enabled": True, "frequency": "daily"})
    run("backups_scheduled")
    backdate(BackupRecord.objects.get(), hours=23)
    assert "Nothing to do" in run("backups_scheduled")
    assert BackupRecord.objects.count() == 1


def test_a_refused_restore_is_logged_in_one_line_without_a_traceback(purchases, tmp_path, caplog):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 cut off after four bytes")
    with pytest.raises(CommandError, match="not a ZIP archive"):
        run("backups_restore", str(damaged), "--no-input")
    [logged] = [record for record in caplog.records if record.name == "backups.jobs"]
    assert logged.levelname == "WARNING" and logged.exc_info is None
    assert "The file is not a ZIP archive." in logged.getMessage()
    assert Purchase.objects.count() == 3
