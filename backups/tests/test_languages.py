"""The job API says a running job's stage in the language of the request (docs/i18n.md §2): the
worker stores it in English, with no person's language, and the API translates it when shown,
its numbers in the request's number style."""

import zipfile

import pytest
from django.utils import timezone, translation

from backups.jobs import restore_start
from backups.models import Job, JobKind, JobStatus
from backups.progress import progress_message
from backups.runner import job_run

pytestmark = pytest.mark.django_db


def _running(message: str) -> Job:
    now = timezone.now()
    return Job.objects.create(
        kind=JobKind.RESTORE,
        status=JobStatus.RUNNING,
        progress=40,
        message=message,
        started_at=now,
        heartbeat_at=now,
    )


def test_a_running_job_s_stage_is_said_in_german(api_client):
    job = _running(progress_message("Purchases", 1000, 5000))

    response = api_client.get(f"/api/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    assert response.json()["message"] == "Käufe: 1.000 von 5.000"


def test_a_stage_without_a_total_and_the_stored_english(api_client):
    job = _running(progress_message("Checking files", 12, None))

    german = api_client.get(f"/api/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="de").json()
    english = api_client.get(f"/api/jobs/{job.pk}").json()

    assert german["message"] == "Dateien werden geprüft: 12"
    assert english["message"] == "Checking files: 12"
    job.refresh_from_db()
    assert job.message == "Checking files: 12"


def test_the_english_stage_reads_as_the_worker_wrote_it(api_client):
    job = _running(progress_message("Stored files", 1234, 5678))

    assert api_client.get(f"/api/jobs/{job.pk}").json()["message"] == "Stored files: 1,234 of 5,678"


def test_a_fixed_message_is_translated_too(api_client):
    job = _running("Starting")

    response = api_client.get("/api/backup/status", HTTP_ACCEPT_LANGUAGE="de")

    assert response.json()["job"]["message"] == "Wird gestartet"
    assert response.json()["job"]["id"] == str(job.pk)


def test_a_restore_refused_in_the_worker_is_written_in_the_language_it_was_asked_in(tmp_path):
    """The refusal names the entry, so it cannot be translated once stored: the worker writes
    it in the language of the person who asked for the restore (backups.runner)."""
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w") as damaged:
        damaged.writestr("../outside.txt", "x")
    with translation.override("de"):
        job = restore_start(path=archive, enqueue=False)

    job = job_run(job.pk)  # the worker: no language of its own

    assert job.status == JobStatus.FAILED
    assert job.error == (
        "Der Archiveintrag '../outside.txt' zeigt aus dem Archiv heraus; es wurde nichts "
        "importiert."
    )
    assert job.message == "Failed"  # a fixed message stays English, said when shown
