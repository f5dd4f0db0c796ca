"""Exactly once: two schedulers and two workers against one database make each due backup once
and deliver each due reminder once.

The processes are the real commands (`spends_scheduler`, `spends_worker`) on a scratch database
of the engine the suite runs on: a SQLite file, or a database of the PostgreSQL server the suite
uses (each CI run covers one). Mail goes to an SMTP server in this test.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from kernel.testing import smtp_inbox

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Everything the schedulers and the workers do here is done well within this.
SETTLE_SECONDS = 90

SET_UP = """
import datetime
from django.contrib.auth import get_user_model
from backups.models import BackupConfig
from purchases.models import Purchase
from reminders.models import ReminderPreferences
from warranties.models import Warranty

user = get_user_model().objects.create_user("household", "household@example.org", "pw")
ReminderPreferences.objects.create(user=user)
today = datetime.date.today()
purchase = Purchase.objects.create(
    product_name="Espresso machine",
    price="249.00",
    purchase_date=today - datetime.timedelta(days=700),
)
Warranty.objects.create(
    purchase=purchase,
    warranty_start=purchase.purchase_date,
    warranty_end=today + datetime.timedelta(days=7),
)
config = BackupConfig.current()
config.enabled = True
config.save()
"""

COUNTS = """
import json
from backups.models import BackupRecord
from reminders.models import ReminderDelivery, ReminderDigest, ReminderSent
def statuses(kind):
    return list(BackupRecord.objects.filter(kind=kind).values_list("status", flat=True))

print("COUNTS", json.dumps({
    "scheduled": statuses("scheduled"),
    "manual": statuses("manual"),
    "digests": ReminderDigest.objects.count(),
    "thresholds": sorted(ReminderSent.objects.values_list("threshold", flat=True)),
    "deliveries": list(ReminderDelivery.objects.values_list("status", flat=True)),
}))
"""


@pytest.fixture
def scratch_database(tmp_path):
    """The DATABASE_URL of an empty database of the engine the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'household.sqlite3'}"
        return
    server = {**connection.settings_dict}
    name = f"spends_exactly_once_{secrets.token_hex(4)}"
    admin = psycopg.connect(
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    credentials = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    address = f"{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}"
    try:
        yield f"postgres://{credentials}@{address}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def inbox():
    with smtp_inbox() as inbox:
        yield inbox


def test_two_schedulers_and_two_workers_make_each_backup_and_reminder_once(
    tmp_path, scratch_database, inbox
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
        EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}",
        SPENDS_REMINDER_HOUR="0",  # the day's digests are due at once
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

    def counted() -> dict:
        (line,) = [
            line for line in manage("shell", "-c", COUNTS).splitlines() if line[:7] == "COUNTS "
        ]
        return json.loads(line.removeprefix("COUNTS "))

    def wait_until(done) -> None:
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not done(counted()):
            time.sleep(1)

    manage("migrate", "--no-input", "-v", "0")
    manage("shell", "-c", SET_UP)

    logs = tmp_path / "logs"
    logs.mkdir()
    processes = []
    for index, command in enumerate(
        [["spends_scheduler"], ["spends_scheduler"], ["spends_worker"], ["spends_worker"]]
    ):
        log = open(logs / f"{command[0]}-{index}.log", "w")  # noqa: SIM115 - closed below
        processes.append(
            (
                subprocess.Popen(
                    [sys.executable, "manage.py", *command],
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
    try:
        # Both schedulers start at once: the due backup and the day's digest, once.
        wait_until(
            lambda counts: counts["scheduled"] == ["completed"] and counts["deliveries"] == ["sent"]
        )
        # Then a person asks for a backup: one of the two workers runs it.
        manage("shell", "-c", "from backups.jobs import backup_start; backup_start()")
        wait_until(lambda counts: counts["manual"] == ["completed"])
        time.sleep(3)  # anything done twice would show by now
        counts = counted()
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

    assert counts["scheduled"] == ["completed"], output
    assert counts["manual"] == ["completed"], output
    # One digest, sent once; the deadline 7 days away is recorded for the 30- and 7-day
    # thresholds it reached (one entry in the digest).
    assert counts["digests"] == 1 and counts["deliveries"] == ["sent"], output
    assert counts["thresholds"] == [7, 30], output
    assert len(inbox.messages) == 1, output
    assert "Espresso machine" in inbox.messages[0].as_string()
    assert "Traceback" not in output, output
