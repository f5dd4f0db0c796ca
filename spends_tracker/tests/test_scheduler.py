"""The scheduler (`spends_scheduler`) and the all-in-one `make run` process (`spends_run`)."""

import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import requests
from apscheduler.triggers.cron import CronTrigger
from django.core.management import CommandError, call_command, get_commands
from django.db import connection

from backups.jobs import job_create
from backups.models import BackupConfig, BackupKind, BackupRecord, Job, JobKind
from kernel.testing import json_post_recorder, smtp_inbox
from spends_tracker import scheduler
from spends_tracker.scheduler import Duty, due_at_start, duties

PROJECT_DIR = Path(__file__).resolve().parents[2]


def enable_daily_backups():
    config = BackupConfig.current()
    config.enabled = True
    config.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_shipped_history")
def test_running_the_duties_once_makes_the_due_backup_and_a_second_run_does_nothing():
    enable_daily_backups()
    call_command("spends_scheduler", "--once", stdout=StringIO())
    assert BackupRecord.objects.filter(kind=BackupKind.SCHEDULED).count() == 1

    call_command("spends_scheduler", "--once", stdout=StringIO())
    assert BackupRecord.objects.filter(kind=BackupKind.SCHEDULED).count() == 1


@pytest.mark.django_db
def test_a_failing_duty_is_logged_and_the_next_duties_still_run(monkeypatch, caplog):
    ran = []
    monkeypatch.setattr(
        scheduler,
        "duties",
        lambda: (Duty("no_such_command", "0 * * * *"), Duty("reminders_send", "5 * * * *")),
    )
    monkeypatch.setattr(
        scheduler, "call_command", lambda name: ran.append(name) or call_command(name)
    )
    with pytest.raises(CommandError, match="A periodic duty failed"):
        call_command("spends_scheduler", "--once")
    assert ran == ["no_such_command", "reminders_send"]
    assert "no_such_command failed: Unknown command" in caplog.text


def test_the_scheduler_runs_each_duty_at_start_if_its_time_came_today(settings, monkeypatch):
    settings.SPENDS_REMINDER_HOUR = 8
    at = {"now": None}
    real_datetime = datetime.datetime

    class Clock(real_datetime):
        @classmethod
        def now(cls, tz=None):
            return at["now"].astimezone(tz)

    monkeypatch.setattr(scheduler.datetime, "datetime", Clock)
    utc = datetime.UTC

    at["now"] = real_datetime(2026, 12, 6, 3, 12, tzinfo=utc)  # before the reminder hour
    jobs = {job.id: job for job in scheduler.scheduler_build().get_jobs()}
    assert set(jobs) == {duty.name for duty in duties()}
    started = {name for name, job in jobs.items() if getattr(job, "next_run_time", None)}
    assert started == {"backups_scheduled", "spends_upkeep"}, "the digests wait for 08:00"

    at["now"] = real_datetime(2026, 12, 6, 9, 0, tzinfo=utc)  # started late: catch up
    jobs = {job.id: job for job in scheduler.scheduler_build().get_jobs()}
    assert {name for name, job in jobs.items() if getattr(job, "next_run_time", None)} == {
        "backups_scheduled",
        "reminders_send --no-retry",
        "reminders_send",
        "spends_upkeep",
    }
    for duty in duties():
        assert str(jobs[duty.name].trigger) == str(CronTrigger.from_crontab(duty.cron))


def test_a_duty_is_due_at_start_when_its_cron_fired_earlier_today():
    utc = datetime.UTC
    daily_at_eight = CronTrigger.from_crontab("5 8-23 * * *", timezone=utc)
    assert not due_at_start(daily_at_eight, datetime.datetime(2026, 12, 6, 8, 4, tzinfo=utc))
    assert due_at_start(daily_at_eight, datetime.datetime(2026, 12, 6, 8, 5, tzinfo=utc))
    assert due_at_start(daily_at_eight, datetime.datetime(2026, 12, 6, 23, 59, tzinfo=utc))
    hourly = CronTrigger.from_crontab("0 * * * *", timezone=utc)
    assert due_at_start(hourly, datetime.datetime(2026, 12, 6, 0, 1, tzinfo=utc))


def test_digests_go_out_within_a_minute_from_the_configured_hour_and_retries_hourly(settings):
    settings.SPENDS_REMINDER_HOUR = 19
    reminders = {duty.name: duty.cron for duty in duties() if duty.command == "reminders_send"}
    assert reminders == {
        "reminders_send --no-retry": "* 19-23 * * *",
        "reminders_send": "5 19-23 * * *",
    }
    (backups,) = [duty for duty in duties() if duty.command == "backups_scheduled"]
    assert backups.cron == "* * * * *", "a backup turned on is made within a minute"


def test_every_duty_names_a_command_of_the_app():
    commands = get_commands()
    for duty in duties():
        assert duty.command in commands
        CronTrigger.from_crontab(duty.cron)  # a valid cron line


@pytest.mark.django_db
def test_upkeep_fails_abandoned_jobs_and_removes_stale_upload_leftovers(settings):
    incoming = Path(settings.FILE_UPLOAD_TEMP_DIR)
    incoming.mkdir(parents=True, exist_ok=True)
    stale, fresh = incoming / "stale.upload", incoming / "fresh.upload"
    stale.write_bytes(b"left by a crash")
    fresh.write_bytes(b"an upload under way")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    job = job_create(JobKind.BACKUP, enqueue=False)
    Job.objects.filter(pk=job.pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )

    output = StringIO()
    call_command("spends_upkeep", stdout=output)

    assert "1 abandoned job(s) marked failed, 1 stale upload temporary file(s)" in output.getvalue()
    assert not stale.exists() and fresh.exists()
    assert Job.objects.get(pk=job.pk).status == "failed"


# --- make run: spends_run as a process ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """Return the processes whose parent is PID, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class MakeRun:
    """`manage.py spends_run` (what `make run` runs) on a fresh data folder, until closed."""

    def __init__(self, tmp_path, **environment):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}
        }
        env.update(
            DEBUG="true",
            SPENDS_DATA_DIR=str(tmp_path / "data"),
            SPENDS_ENV_FILE=str(tmp_path / "no.env"),
            SPENDS_ECB_RATES_URL="",  # the suite never downloads the ECB's rates
            **environment,
        )
        self.data = tmp_path / "data"
        self.output = tmp_path / "output.txt"
        with self.output.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "spends_run", "--port", str(self.port)],
                cwd=PROJECT_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.banner = _wait_for(
            lambda: "Press Ctrl-C" in self.output.read_text() and self.output.read_text(),
            what="the banner",
        )

    def sign_in(self) -> requests.Session:
        """Sign in with the printed credentials; the session sends the CSRF header."""
        password = re.findall(r"password: (\S+)", self.banner)[-1]
        session = requests.Session()
        assert session.get(f"{self.base}/accounts/login/").status_code == 200
        signed_in = session.post(
            f"{self.base}/accounts/login/",
            data={
                "login": "admin",
                "password": password,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
        )
        assert signed_in.url == f"{self.base}/", "signed in with the printed password"
        session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
        return session

    def close(self) -> None:
        """Stop it as Ctrl-C does, so that it stops its server, worker and scheduler too (a
        SIGKILL would leave them running)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def make_run(tmp_path):
    started = []

    def start(**environment) -> MakeRun:
        started.append(MakeRun(tmp_path, **environment))
        return started[-1]

    yield start
    for run in started:
        run.close()


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table from /proc")
def test_make_run_serves_with_worker_and_scheduler_restarts_the_worker_and_stops_all(make_run):
    run = make_run()
    process, port, banner = run.process, run.port, run.banner
    # The address is the app's own page, and the first run repeats the credentials last.
    assert f"Spends Tracker is running at http://127.0.0.1:{port}/\n" in banner
    assert "/admin/" not in banner
    passwords = re.findall(r"password: (\S+)", banner)
    assert len(passwords) == 2 and passwords[0] == passwords[1]
    assert banner.rindex("password:") > banner.index("running at")
    run.sign_in()

    health = _wait_for(
        lambda: (body := requests.get(f"{run.base}/api/health").json())["late"] == [] and body,
        what="the worker's and the scheduler's first heartbeats",
    )
    assert set(health["background"]) == {"scheduler", "worker"}

    children = _children(process.pid)
    kinds = sorted(re.search(r"manage\.py (\w+)", cmd)[1] for cmd in children.values())
    assert kinds == ["runserver", "spends_scheduler", "spends_worker"]
    (worker,) = [pid for pid, cmd in children.items() if "spends_worker" in cmd]
    os.kill(worker, signal.SIGKILL)
    _wait_for(
        lambda: (
            [pid for pid, cmd in _children(process.pid).items() if "spends_worker" in cmd]
            not in ([], [worker])
        ),
        what="a new worker",
    )
    assert "The worker stopped" in run.output.read_text()

    grandchildren = {pid for child in _children(process.pid) for pid in _children(child)} | set(
        _children(process.pid)
    )
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=40) == 0
    for pid in grandchildren:
        _wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), 10, f"{pid} to exit")


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="make run is the SQLite set-up; the SQLite run covers it"
)
def test_make_run_makes_a_due_backup_and_delivers_a_digest_by_mail_and_apprise_once(make_run):
    with smtp_inbox() as inbox, json_post_recorder() as apprise_target:
        run = make_run(
            EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}",
            SPENDS_ALLOW_PRIVATE_TARGETS="true",  # the household's own notification server
            SPENDS_REMINDER_HOUR="0",
        )
        session = run.sign_in()
        started = time.monotonic()
        # What a person does on the Data and Profile pages, through the same API.
        purchase = session.post(
            f"{run.base}/api/purchases",
            json={
                "product_name": "Espresso machine",
                "price": "249.00",
                "purchase_date": "2025-01-10",
            },
        ).json()
        ends = (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=7)).isoformat()
        warranty = session.post(
            f"{run.base}/api/warranties",
            json={
                "purchase_id": purchase["id"],
                "warranty_start": "2025-01-10",
                "warranty_end": ends,
            },
        )
        assert warranty.status_code == 201, warranty.text
        assert session.put(f"{run.base}/api/backup/config", json={"backup_enabled": True}).ok
        preferences = session.put(
            f"{run.base}/api/reminders/preferences",
            json={
                "email": "household@example.org",
                "apprise_urls": [f"json://127.0.0.1:{apprise_target.port}/digest"],
            },
        )
        assert preferences.json()["channels"] == ["email", "apprise"], preferences.text

        def done():
            backups = session.get(f"{run.base}/api/backup/list").json()["items"]
            completed = [b for b in backups if b["status"] == "completed"]
            return completed and inbox.messages and apprise_target.received and completed

        backups = _wait_for(done, timeout=120, what="the backup and the digest")
        elapsed = time.monotonic() - started
        time.sleep(5)  # a second backup or digest would show by now

        assert elapsed < 120
        (backup,) = session.get(f"{run.base}/api/backup/list").json()["items"]
        assert backup["kind"] == "scheduled" and backup == backups[0]
        assert (run.data / "backups" / backup["filename"]).is_file()
        assert len(inbox.messages) == 1 and len(apprise_target.received) == 1
        assert "Espresso machine" in inbox.messages[0].as_string()
        assert "Espresso machine" in apprise_target.received[0]["message"]
