import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backups.models import BackupConfig, BackupKind, BackupRecord, BackupStatus, Job, JobKind
from kernel.models import Heartbeat

pytestmark = pytest.mark.django_db


def _backup(backup_id, *, days_ago, **fields):
    return BackupRecord.objects.create(
        id=backup_id,
        filename=f"backup_{backup_id}.zip",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        **{"status": BackupStatus.COMPLETED, **fields},
    )


def test_the_page_needs_a_login(client):
    response = client.get(reverse("backups:data"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_first_visit_says_there_is_no_backup_yet(owner_client):
    response = owner_client.get(reverse("backups:data"))

    assert response.status_code == 200
    assert "No backup yet." in response.text
    assert "No backups stored yet." in response.text


def test_the_backups_and_the_last_one_are_on_the_page_at_first_paint(owner_client):
    _backup(
        "20250301T100000Z",
        days_ago=2,
        size_bytes=12 * 1024 * 1024,
        file_count=45,
        record_counts={"purchases": 31},
    )
    _backup("20250101T100000Z", days_ago=60, kind=BackupKind.SCHEDULED, size_bytes=2048)
    _backup("20250302T100000Z", days_ago=1, status=BackupStatus.FAILED, error="Disk full")

    response = owner_client.get(reverse("backups:data"))

    text = " ".join(response.text.split())
    # The failed attempt is newer but not a backup to count on.
    assert "Last backup: <strong>2 days ago</strong>, 45 files, 12.0 MB" in text
    assert [backup.id for backup in response.context["backups"]] == [
        "20250302T100000Z",
        "20250301T100000Z",
        "20250101T100000Z",
    ]
    assert "Disk full" in text
    assert "31 purchases" in text
    assert 'href="/api/backup/20250301T100000Z/download"' in text
    assert "/api/backup/20250302T100000Z/download" not in text


def test_the_schedule_is_given_to_the_page_as_the_api_shows_it(owner_client, api_client):
    config = BackupConfig.current()
    config.enabled, config.frequency, config.retention = True, "weekly", 12
    config.save()

    response = owner_client.get(reverse("backups:data"))

    page_config = response.context["page_data"]["config"]
    api_config = api_client.get("/api/backup/config").json()
    assert page_config["backup_retention"] == api_config["backup_retention"] == 12
    assert {key: value for key, value in page_config.items() if key != "next_backup_due"} == {
        key: value for key, value in api_config.items() if key != "next_backup_due"
    }
    assert '<option value="weekly" selected>' in response.text


def test_a_job_under_way_is_handed_to_the_page_to_follow(owner_client):
    job = Job.objects.create(kind=JobKind.BACKUP)

    response = owner_client.get(reverse("backups:data"))

    assert response.context["page_data"]["active_job"] == {"id": str(job.pk), "kind": "backup"}


def test_the_page_runs_a_fixed_number_of_queries(owner_client, django_assert_num_queries):
    BackupConfig.current()
    for day in range(1, 20):
        _backup(f"202501{day:02d}T100000Z", days_ago=day, file_count=day)
    # Session, user, their role, preferences, abandoned jobs (two), the active job, the list,
    # the last backup, the background processes' heartbeats, the schedule.
    with django_assert_num_queries(11):
        response = owner_client.get(reverse("backups:data"))
    assert len(response.context["backups"]) == 19


def test_the_page_warns_plainly_when_the_scheduler_or_the_worker_is_late(owner_client):
    now = timezone.now()
    Heartbeat.objects.create(process="worker", beat_at=now - datetime.timedelta(seconds=10))
    Heartbeat.objects.create(process="scheduler", beat_at=now - datetime.timedelta(minutes=15))

    page = owner_client.get(reverse("backups:data")).text

    assert 'data-process="worker" data-late="false"' in page
    assert 'data-process="scheduler" data-late="true"' in page
    assert "The scheduler has not run for 15" in page
    assert "scheduled backups and reminder digests are not being made" in page
    assert "The job worker has" not in page

    Heartbeat.objects.filter(process="scheduler").update(beat_at=now)
    page = owner_client.get(reverse("backups:data")).text
    assert 'data-testid="background-warning"' not in page
