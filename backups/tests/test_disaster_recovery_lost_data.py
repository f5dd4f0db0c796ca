"""Disaster recovery when data is lost, and the way back docs/disaster-recovery.md gives: the
database (a), the uploads folder (b), everything (c).

Each test takes the data as it was before the disaster (disaster_data.py) and checks that it is
the same after the recovery. The database and complete losses happen to a real installation
(disaster_sites.py); lost uploads are tested in this process, on the test database.
"""

import io
import re
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from backups.models import BackupRecord, BackupStatus
from backups.tests.disaster_data import _blob_name, seed_household, snapshot, tree
from backups.tests.disaster_sites import archives, kept_somewhere

# -- a. The database is lost or corrupted ----------------------------------------------------------


def test_a_lost_database_comes_back_from_the_archive_in_the_backups_folder(
    installations, suite_kind
):
    site = installations.copy(installations.template("household", suite_kind))
    [archive] = archives(site)
    # A receipt added after the last backup: its file is in the uploads folder, its row is lost.
    late = b"%PDF-1.7 a receipt added after the last backup"
    late_name = _blob_name(late, ".pdf")
    (site.uploads / late_name).parent.mkdir(parents=True, exist_ok=True)
    (site.uploads / late_name).write_bytes(late)
    site.lose_database()

    # The backup's record was in the lost database: the archive FILE is what is left.
    if suite_kind == "sqlite":
        (site.data_dir / "db.sqlite3").rename(site.data_dir / "db.sqlite3.damaged")
    site.manage("migrate", "--no-input")
    restored = site.manage("backups_restore", str(archive), "--no-input").stdout

    assert re.search(r"Restored .*\b2 purchases\b", restored)
    after = site.dump()
    kept_late = after["uploads"].pop(late_name, None)
    assert after == site.before
    assert kept_late == late or kept_somewhere(site, late), (
        "the restore deleted a file that is neither in the backup nor in the restore point"
    )


# -- b. The uploads folder is lost -----------------------------------------------------------------


@pytest.mark.django_db
def test_lost_uploads_come_back_from_the_newest_backup(api_client):
    seed_household()
    call_command("backups_create", stdout=io.StringIO())
    before = snapshot()
    purchases = sorted({record["purchase_id"] for record in before["files"]})

    def available() -> list[bool]:
        return [
            item["available"]
            for purchase in purchases
            for item in api_client.get(f"/api/files/{purchase}/").json()
        ]

    for name in tree(settings.MEDIA_ROOT):
        (settings.MEDIA_ROOT / name).unlink()
    output = io.StringIO()
    with pytest.raises(CommandError, match="The attachment store is damaged"):
        call_command("purchases_check_storage", stdout=output)
    assert "3 missing (4 attachments unavailable)" in output.getvalue()
    assert available() == [False] * 4

    newest = BackupRecord.objects.filter(status=BackupStatus.COMPLETED).first()
    call_command("backups_restore", newest.id, "--no-input", stdout=io.StringIO())

    assert snapshot() == before
    assert available() == [True] * 4
    output = io.StringIO()
    call_command("purchases_check_storage", stdout=output)
    assert "The attachment store is intact." in output.getvalue()


# -- c. Everything is lost: a new installation and an offsite copy ---------------------------------


def test_a_new_installation_restores_everything_from_an_offsite_copy(
    installations, suite_kind, tmp_path
):
    old = installations.copy(installations.template("household", suite_kind))
    # The offsite copy: the backups folder as it is, without the scratch folder.
    offsite = tmp_path / "offsite"
    shutil.copytree(old.backups, offsite, ignore=shutil.ignore_patterns(".partial"))
    [archive] = archives(old)
    copy = offsite / archive.name
    before = old.before
    shutil.rmtree(old.root)  # the machine, its disk, its database: all gone
    if suite_kind == "postgresql":
        old.server.recreate(old.database)

    new = installations.fresh(suite_kind)
    new.manage("migrate", "--no-input")
    assert "is sound" in new.manage("backups_verify", str(copy)).stdout
    new.manage("backups_restore", str(copy), "--no-input")

    assert new.dump() == before
    assert "The attachment store is intact." in new.manage("purchases_check_storage").stdout
