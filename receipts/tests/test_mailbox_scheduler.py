"""The scheduler reads the mailbox every SPENDS_IMAP_INTERVAL_MINUTES: an order e-mail delivered
becomes a draft within one interval, once, however many schedulers read the mailbox."""

import datetime
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from django.conf import settings as django_settings

from receipts.mailbox import MARK
from receipts.models import Draft, DraftSource, ReadingStatus, ReceiptReading
from spends_tracker import scheduler
from spends_tracker.tests.test_exactly_once import scratch_database  # noqa: F401  (a fixture)

SAMPLES = Path(__file__).parent / "samples"
PROJECT_DIR = Path(__file__).resolve().parents[2]
E_MAILS = [
    "07-email-email-en-gbp.eml",
    "08-email-email-de-eur.eml",
    "11-email-email-de-chf.eml",
    "16-email-email-es-eur.eml",
]


def test_the_mailbox_is_read_every_interval_only_when_one_is_set(settings):
    def mailbox_duties():
        return [duty.cron for duty in scheduler.duties() if duty.command == "receipts_mailbox_poll"]

    settings.SPENDS_IMAP_URL = ""
    assert mailbox_duties() == []
    settings.SPENDS_IMAP_URL = "imaps://u:p@mail.example.org/INBOX"
    settings.SPENDS_IMAP_INTERVAL_MINUTES = 5
    assert mailbox_duties() == ["*/5 * * * *"]
    settings.SPENDS_IMAP_INTERVAL_MINUTES = 60
    assert mailbox_duties() == ["0 * * * *"]


class RunsOf:
    """The runs of one job of a scheduler, as they finish."""

    def __init__(self, job_id: str):
        self.job_id, self.finished, self.failed = job_id, [], []
        self.changed = threading.Condition()

    def __call__(self, event) -> None:
        if event.job_id == self.job_id:
            with self.changed:
                (self.failed if event.exception else self.finished).append(time.monotonic())
                self.changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.finished) >= count, timeout), self.failed


@pytest.mark.django_db(transaction=True)
def test_an_order_e_mail_becomes_a_draft_within_one_scheduler_interval_once(
    mailbox_server, settings, monkeypatch
):
    settings.SPENDS_IMAP_INTERVAL_MINUTES = 1
    every_duty = scheduler.duties
    monkeypatch.setattr(
        scheduler,
        "duties",
        lambda: tuple(d for d in every_duty() if d.command == "receipts_mailbox_poll"),
    )
    mailbox_server.deliver((SAMPLES / E_MAILS[0]).read_bytes())
    delivered = time.monotonic()
    the_scheduler = scheduler.scheduler_build()
    runs = RunsOf("receipts_mailbox_poll")
    the_scheduler.add_listener(runs, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    thread = threading.Thread(target=the_scheduler.start, daemon=True)
    thread.start()
    try:
        runs.wait_for(1, timeout=60)
        # Then it reads the mailbox again, as it does a minute later.
        the_scheduler.modify_job(
            "receipts_mailbox_poll",
            next_run_time=datetime.datetime.now(datetime.UTC),
        )
        runs.wait_for(2, timeout=60)
    finally:
        the_scheduler.shutdown(wait=True)
        thread.join(10)

    assert runs.finished[0] - delivered < 60, "within one interval"
    draft = Draft.objects.get()
    assert draft.source == DraftSource.EMAIL
    reading = ReceiptReading.objects.get(blob=draft.blob)
    assert reading.status == ReadingStatus.DONE
    assert reading.fields["merchant"]["value"] == "Argos"
    assert MARK in mailbox_server.flags()[0]


COUNTS = """
import json
from receipts.models import Draft
print("DRAFTS", json.dumps(sorted(Draft.objects.values_list("message_id", flat=True))))
"""


def test_two_schedulers_reading_one_mailbox_make_each_e_mail_one_draft(
    tmp_path,
    scratch_database,  # noqa: F811
    mailbox_server,
):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "TIME_ZONE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=scratch_database,
        SPENDS_DATA_DIR=str(tmp_path / "data"),
        SPENDS_ENV_FILE=str(tmp_path / "no.env"),
        SPENDS_ECB_RATES_URL="",
        SPENDS_IMAP_URL=django_settings.SPENDS_IMAP_URL,
        SPENDS_IMAP_INTERVAL_MINUTES="1",
        SPENDS_ALLOW_PRIVATE_TARGETS="true",  # the test's mail server is on this machine
        LOG_FORMAT="text",
    )

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def drafts() -> list[str]:
        (line,) = [line for line in manage("shell", "-c", COUNTS).splitlines() if "DRAFTS" in line]
        return json.loads(line.removeprefix("DRAFTS "))

    def wait_until(count: int, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(found := drafts()) < count and time.monotonic() < deadline:
            time.sleep(1)
        return found

    manage("migrate", "--no-input", "-v", "0")
    mailbox_server.deliver(*((SAMPLES / name).read_bytes() for name in E_MAILS[:3]))
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = []
    for index in range(2):
        log = open(logs / f"scheduler-{index}.log", "w")  # noqa: SIM115 - closed below
        processes.append(
            (
                subprocess.Popen(
                    [sys.executable, "manage.py", "spends_scheduler"],
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
    try:
        # Both schedulers read the mailbox as they start...
        first = wait_until(3, timeout=90)
        # ... and both again at the next minute, when a fourth e-mail has come.
        mailbox_server.deliver((SAMPLES / E_MAILS[3]).read_bytes())
        final = wait_until(4, timeout=90)
        time.sleep(3)  # a second draft of any of them would show by now
        final = drafts()
    finally:
        for process, _log in processes:
            process.send_signal(signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
    output = "\n".join(path.read_text() for path in sorted(logs.iterdir()))

    assert len(first) == 3, output
    assert len(final) == 4 == len(set(final)), output
    assert all(MARK in flags for flags in mailbox_server.flags()), output
    assert "receipts_mailbox_poll failed" not in output, output
    assert "receipts/mailbox.py" not in output, output  # no traceback through it
    reports = re.findall(r"Mailbox read: (\d+) new draft", output)
    assert len(reports) >= 4, "each scheduler read the mailbox at start and a minute later"
    assert sum(int(new) for new in reports) == 4, "each e-mail made into a draft by one of them"
