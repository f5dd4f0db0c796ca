"""Heartbeats of the scheduler and the worker, /api/health's report, and a worker that waits."""

import datetime
import signal
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from kernel.heartbeats import INTERVALS, HeartbeatThread, heartbeat_beat, heartbeat_status
from kernel.models import Heartbeat
from spends_tracker.worker import PatientWorker

pytestmark = pytest.mark.django_db


def test_a_process_never_seen_or_silent_for_two_intervals_is_late():
    now = timezone.now()
    Heartbeat.objects.create(process="scheduler", beat_at=now - datetime.timedelta(seconds=119))
    status = {health.process: health for health in heartbeat_status(now=now)}
    assert status["scheduler"].age_seconds == 119 and not status["scheduler"].late
    assert status["worker"].beat_at is None and status["worker"].late

    later = now + datetime.timedelta(seconds=2)
    assert {h.process: h.late for h in heartbeat_status(now=later)}["scheduler"]


def test_the_health_check_reports_the_background_processes_without_failing(client):
    heartbeat_beat("worker")
    response = client.get("/api/health")
    assert response.status_code == 200  # the web part works, whatever the background does
    body = response.json()
    assert body["status"] == "ok" and body["late"] == ["scheduler"]
    assert body["background"]["worker"]["late"] is False
    assert body["background"]["worker"]["age_seconds"] <= 1
    assert body["background"]["scheduler"] == {
        "last_seen": None,
        "age_seconds": None,
        "late": True,
    }


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_at_once_and_touches_its_file(tmp_path):
    file = tmp_path / "beat"
    thread = HeartbeatThread("worker", file=file)
    thread.start()
    # Stopped at once, it still beats first (the test's in-memory SQLite must not be read from
    # here while the thread writes: its shared cache refuses instead of waiting).
    thread.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert file.exists()
    assert Heartbeat.objects.filter(process="worker").exists()
    assert set(INTERVALS) == {"scheduler", "worker"}


def _worker() -> PatientWorker:
    return PatientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_the_worker_waits_while_the_database_is_locked_and_carries_on():
    worker = _worker()
    runs = []

    def run_once(self):
        runs.append(1)
        if len(runs) < 3:
            raise OperationalError("database is locked")

    with (
        mock.patch("django_tasks_db.management.commands.db_worker.Worker.run", run_once),
        mock.patch("spends_tracker.worker.time.sleep") as sleep,
    ):
        worker.run()
    assert len(runs) == 3 and sleep.call_count == 2


def test_the_worker_still_stops_on_any_other_database_error():
    worker = _worker()
    with (
        mock.patch(
            "django_tasks_db.management.commands.db_worker.Worker.run",
            side_effect=OperationalError("no such table: django_tasks_database_dbtaskresult"),
        ),
        pytest.raises(OperationalError, match="no such table"),
    ):
        worker.run()


def test_a_stop_signal_ends_the_worker_after_its_step_and_a_second_one_at_once():
    """Exiting from inside the signal handler could interrupt the commit of the transaction
    that looks for work; the first signal only asks the loop to end."""
    worker = _worker()

    worker.shutdown(signal.SIGTERM, None)  # idle: the library would exit here

    assert worker.running is False
    # (reset_signals would give this test process default handlers.)
    with mock.patch.object(worker, "reset_signals"), pytest.raises(SystemExit):
        worker.shutdown(signal.SIGTERM, None)
