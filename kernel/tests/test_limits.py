"""Heavy reads (exports, backup downloads) take one of a few slots; the rest answer 429."""

import contextlib

import pytest

from backups.jobs import backup_start, job_run
from kernel.limits import NoFreeSlot, export_slot_take
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

EXPORTS = ["/api/export/json", "/api/export/csv", "/api/export/zip"]


@pytest.fixture
def every_slot_taken(settings, tmp_path):
    settings.SPENDS_DATA_DIR = tmp_path
    settings.SPENDS_EXPORT_SLOTS = 2
    with contextlib.ExitStack() as held:
        for _ in range(2):
            held.enter_context(contextlib.closing(export_slot_take()))
        yield held


def test_slots_are_counted_and_freed_when_closed(settings, tmp_path):
    settings.SPENDS_DATA_DIR = tmp_path
    settings.SPENDS_EXPORT_SLOTS = 2
    first, second = export_slot_take(), export_slot_take()
    with pytest.raises(NoFreeSlot):
        export_slot_take()
    first.close()
    export_slot_take().close()
    second.close()


@pytest.mark.parametrize("path", EXPORTS)
def test_an_export_beyond_the_slots_is_refused_at_once_with_retry_after(
    api_client, every_slot_taken, path
):
    response = api_client.get(path)
    assert response.status_code == 429
    assert response["Retry-After"] == "5"
    assert "try again in 5 seconds" in response.json()["detail"]


@pytest.mark.parametrize("path", EXPORTS)
def test_an_export_frees_its_slot_when_it_has_been_sent(api_client, settings, tmp_path, path):
    settings.SPENDS_DATA_DIR = tmp_path
    settings.SPENDS_EXPORT_SLOTS = 1
    PurchaseFactory()
    for _ in range(2):  # the second would be refused if the first kept its slot
        response = api_client.get(path)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # sent to the end: the stream frees its slot


def test_a_backup_download_takes_a_slot_too(api_client, every_slot_taken):
    PurchaseFactory()
    job = job_run(backup_start(enqueue=False).pk)
    response = api_client.get(f"/api/backup/{job.backup_id}/download")
    assert response.status_code == 429 and response["Retry-After"] == "5"

    every_slot_taken.close()
    response = api_client.get(f"/api/backup/{job.backup_id}/download")
    assert response.status_code == 200
