"""Configuration mistakes are reported by `manage.py check`, never as a traceback."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kernel import clock

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _configuration(tmp_path, **environment) -> dict[str, str]:
    """This process's environment without its settings, plus ENVIRONMENT."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "TIME_ZONE", "CONN_MAX_AGE"}
    }
    # The checkout's own .env (made by the set-up) must not leak into these configurations.
    env.update(
        SPENDS_DATA_DIR=str(tmp_path / "data"),
        SPENDS_ENV_FILE=str(tmp_path / "no.env"),
        **environment,
    )
    return env


def run_check(tmp_path, **environment):
    env = _configuration(tmp_path, **environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_a_production_setup_without_secret_key_fails_the_check_with_a_hint(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "spends.E001" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_bad_values_are_each_named_in_the_check_output(tmp_path):
    result = run_check(
        tmp_path,
        SECRET_KEY="x" * 50,
        DATABASE_URL="mysql://root@localhost/spends",
        TIME_ZONE="Mars/Olympus_Mons",
        DEBUG="perhaps",
        SPENDS_REMINDER_HOUR="25",
        SPENDS_IMAP_INTERVAL_MINUTES="90",
        SPENDS_IMAP_URL="pop3://orders:secret@mail.example.org",
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for check_id in ["spends.E003", "spends.E004", "spends.E005", "spends.E011", "spends.E013"]:
        assert check_id in result.stderr
    assert "spends.E014" in result.stderr and "must start with imaps://" in result.stderr
    assert "SPENDS_IMAP_INTERVAL_MINUTES='90' is not a number of minutes." in result.stderr


@pytest.mark.slow
def test_a_complete_configuration_passes_and_creates_the_data_folders(tmp_path):
    result = run_check(tmp_path, SECRET_KEY="x" * 50, TIME_ZONE="Europe/Berlin")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "uploads").is_dir()
    assert (tmp_path / "data" / "backups").is_dir()


@pytest.mark.slow
def test_secret_key_can_be_read_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("y" * 50 + "\n")
    result = run_check(tmp_path, SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_an_unwritable_folder_is_reported(tmp_path, settings):
    from spends_tracker.checks import check_writable_directories

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.SPENDS_WRITABLE_DIRS = {"SPENDS_BACKUPS_DIR": blocker / "backups"}
    [error] = check_writable_directories(None)
    assert error.id == "spends.E006"
    assert "SPENDS_BACKUPS_DIR" in error.msg


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_today_is_the_date_in_the_configured_time_zone(settings):
    import datetime
    import zoneinfo

    from django.utils import timezone

    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    expected = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert clock.today() == expected
    assert clock.add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert clock.add_months(datetime.date(2025, 1, 31), 13) == datetime.date(2026, 2, 28)
    assert clock.add_months(datetime.date(2025, 12, 15), 1) == datetime.date(2026, 1, 15)


def test_open_api_mode_is_off_by_default_and_warned_about_when_on(settings):
    from spends_tracker.checks import check_open_api

    assert settings.SPENDS_API_OPEN is False
    assert check_open_api(None) == []
    settings.SPENDS_API_OPEN = True
    [warning] = check_open_api(None)
    assert warning.id == "spends.W001"


@pytest.mark.django_db
def test_cors_allows_only_the_configured_development_origins(settings, client):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3030"]
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}

    allowed = client.options("/api/purchases", HTTP_ORIGIN="http://localhost:3030", **preflight)
    other = client.options("/api/purchases", HTTP_ORIGIN="http://evil.example", **preflight)
    page = client.options("/admin/", HTTP_ORIGIN="http://localhost:3030", **preflight)

    assert allowed["Access-Control-Allow-Origin"] == "http://localhost:3030"
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.slow
def test_storage_choice_mistakes_are_reported(tmp_path):
    base = {"SECRET_KEY": "x" * 50}
    no_bucket = run_check(tmp_path, SPENDS_STORAGE="s3", **base)
    unknown = run_check(tmp_path, SPENDS_STORAGE="floppy", **base)
    s3 = run_check(tmp_path, SPENDS_STORAGE="s3", SPENDS_S3_BUCKET="receipts", **base)
    assert "spends.E008" in no_bucket.stderr
    assert "spends.E009" in unknown.stderr
    assert s3.returncode == 0, s3.stderr


@pytest.mark.parametrize(
    ("database_url", "kept"),
    [
        ("postgres://spends@db.invalid:5432/spends", 600),
        ("sqlite:////tmp/spends-settings-probe.sqlite3", 600),
    ],
)
@pytest.mark.slow
def test_connections_are_kept_and_checked_on_both_databases(tmp_path, database_url, kept):
    """Settings alone (no connection is made): what each database keeps between requests."""
    env = _configuration(tmp_path, DATABASE_URL=database_url, DEBUG="true")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='spends_tracker.settings';"
            "from django.conf import settings as s; d = s.DATABASES['default'];"
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [str(kept), "True"], result.stderr
