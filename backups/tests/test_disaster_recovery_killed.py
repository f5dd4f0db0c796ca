"""Disaster recovery when a restore (e) or a backup (f) is killed midway: nothing changes, no
half archive is kept, and once the job is stale the next backup succeeds (see
docs/disaster-recovery.md).

The process killed is `manage.py` in a real installation (disaster_sites.py), filled with many
purchases and files so that it can be caught halfway.
"""

import os
import re
import signal
import subprocess

import pytest

from backups.tests.disaster_data import AFTER_A, _blob_name
from backups.tests.disaster_sites import archives, kill_when

STALE_JOB_ERROR = "The worker running this job stopped before it finished."
BUSY = "Another backup or restore is under way"


# -- e. A restore is killed midway -----------------------------------------------------------------


def test_a_restore_killed_midway_changes_nothing(installations, suite_kind):
    site = installations.copy(installations.template("many", suite_kind))
    [(backup_a,)] = site.rows("SELECT id FROM backups_backuprecord WHERE note = 'A'")

    restore = site.start(
        "backups_restore", backup_a, "--no-input", "-v", "2", stderr=subprocess.PIPE
    )
    output = kill_when(
        restore,
        restore.stderr.fileno(),
        # The import's Purchases stage: the second one, after the restore point's stored files.
        lambda output: output.count("Purchases...\n") == 2 and "Stored files...\n" in output,
    )
    restore.stderr.close()

    assert restore.returncode == -signal.SIGKILL, output
    lines = output.splitlines()
    assert lines[lines.index("Stored files...") :] == [
        "Stored files...",
        "Checking files...",  # the restore point is read back: it has been taken
        "Retailers...",
        "Brands...",
        "Purchases...",
    ]
    assert site.dump() == site.before  # every record, setting and stored file as it was
    points = site.rows("SELECT status FROM backups_backuprecord WHERE kind = 'restore_point'")
    assert points == [("completed",)]
    assert site.rows("SELECT status FROM backups_job WHERE kind = 'restore'") == [("running",)]
    # Until the job is stale (SPENDS_JOB_STALE_SECONDS, 5 minutes by default) nothing can start.
    assert BUSY in site.manage("backups_create", status=1).stderr

    # Once it is, it is marked failed and the next backup runs.
    site.manage("backups_create", env={"SPENDS_JOB_STALE_SECONDS": "0"})
    assert site.rows("SELECT status, error, active FROM backups_job WHERE kind = 'restore'") == [
        ("failed", STALE_JOB_ERROR, None)
    ]
    assert site.rows("SELECT kind, status FROM backups_backuprecord ORDER BY created_at") == [
        ("manual", "completed"),  # A
        ("restore_point", "completed"),
        ("manual", "completed"),  # the backup after the stale restore
    ], "a backup refused while the restore was under way leaves no record behind"


# -- f. A backup is killed midway ------------------------------------------------------------------


def test_a_backup_killed_midway_leaves_no_archive_and_the_next_one_succeeds(
    installations, suite_kind
):
    site = installations.copy(installations.template("many", suite_kind))
    kept = archives(site)
    terminal, worker_side = os.openpty()  # the command draws its progress on a terminal only
    try:
        backup = site.start("backups_create", "--note", "killed", stderr=worker_side)
        os.close(worker_side)
        # Killed while it writes the warranties: the files and the manifest are still to come.
        # (At its last stage, "Stored files", a loaded machine let the backup finish first.)
        output = kill_when(backup, terminal, lambda output: "Warranties" in output)
    finally:
        os.close(terminal)

    assert backup.returncode == -signal.SIGKILL, output
    [(killed, filename, status)] = site.rows(
        "SELECT id, filename, status FROM backups_backuprecord WHERE note = 'killed'"
    )
    assert status == "running"
    assert archives(site) == kept, "no archive appears under a backup's name before it is done"
    assert {path.name for path in site.backups.iterdir()} - {path.name for path in kept} <= {
        ".partial",  # the scratch folder
        "blobs",  # the attachment files all backups in the folder share
    }

    created = site.manage("backups_create", env={"SPENDS_JOB_STALE_SECONDS": "0"}).stdout
    [(new, new_filename)] = re.findall(r"Backup (\S+) written: (\S+\.zip)", created)
    listing = site.manage("backups_list").stdout
    assert re.search(rf"^{killed} +failed .* - {re.escape(STALE_JOB_ERROR)}$", listing, re.M)
    assert re.search(rf"^{new} +completed ", listing, re.M)
    assert site.rows(f"SELECT status, error FROM backups_job WHERE backup_id = '{killed}'") == [
        ("failed", STALE_JOB_ERROR)
    ]
    assert archives(site) == sorted([*kept, site.backups / new_filename])
    assert not (site.backups / filename).exists()


def test_half_a_file_left_by_a_killed_backup_does_not_break_the_next_one(installations, suite_kind):
    """A backup folder that keeps each attachment file once for all its backups (`blobs/`) gets
    the files new since the last backup as a backup runs. One killed while copying such a file
    leaves part of it under its final name: the next backup must still succeed, whole."""
    site = installations.copy(installations.template("many", suite_kind))
    if not (site.backups / "blobs").is_dir():
        pytest.skip("backups keep their attachment files inside the archive")
    half = site.backups / "blobs" / _blob_name(AFTER_A, ".pdf")  # new since backup A
    assert not half.exists()
    half.parent.mkdir(parents=True, exist_ok=True)
    half.write_bytes(AFTER_A[: len(AFTER_A) // 2])

    created = site.manage("backups_create", status=None)

    assert created.returncode == 0, created.stderr  # a backup is verified before it is kept
