"""Disaster recovery: each way of losing data, and the way back docs/disaster-recovery.md gives.

Every test takes the data as it was before the disaster (every record and setting, as a JSON export
without its timestamp, and the bytes of every stored file) and checks that it is the same after the
recovery, or after a refused or interrupted restore.

Database losses, complete losses and killed workers happen to a real installation: `manage.py` in
another process, with its own data folder and its own database (an SQLite file in the test's
folder, or a scratch database on the PostgreSQL server when the suite runs on PostgreSQL), the way
test_cross_database.py does it. Installations are migrated and filled once per module and copied
for each test. Lost uploads and damaged archives are tested in this process, on the test database.
"""

import contextlib
import hashlib
import io
import json
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from backups.models import BackupRecord, BackupStatus, Job, JobStatus
from interchange.archive import export_zip
from interchange.exports import export_json_chunks

SECTIONS = ("retailers", "brands", "purchases", "warranties", "files")
STALE_JOB_ERROR = "The worker running this job stopped before it finished."
BUSY = "Another backup or restore is under way"

# -- The data ------------------------------------------------------------------------------------


def seed_household() -> None:
    """A household's data with the awkward parts: settings, text, shared files, voided warranty.

    Also run inside the other installations (`manage.py shell -c`), hence the local imports.
    """
    import datetime

    from catalog.tests.factories import BrandFactory, RetailerFactory
    from preferences.services import preferences_update
    from purchases.services import attachment_add
    from purchases.tests.factories import PurchaseFactory
    from warranties.tests.factories import WarrantyFactory

    preferences_update(currency_code="CHF", date_format="DD.MM.YYYY")
    espresso = PurchaseFactory(
        product_name="Espresso machine ☕",
        price=Decimal("1299.95"),
        currency_code="CHF",
        retailer=RetailerFactory(name="Brocante Ève", url=""),
        brand=BrandFactory(name="Delonghi"),
        purchase_date=datetime.date(2024, 2, 29),
        notes="Line one\nline two",
        tags="kitchen,coffee",
        quantity=2,
    )
    espresso.save()  # updated_at is set by a change after creation
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2026, 2, 28))
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2030, 1, 31), voided=True)
    kettle = PurchaseFactory(product_name="Kettle", retailer=None, brand=None, notes="")
    photo = b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(48 * 1024)
    for purchase, name, content in [
        (espresso, "Reçu.PDF", b"%PDF-1.7 the receipt"),
        (espresso, "manual", b"plain-text manual"),
        (kettle, "kettle.jpg", photo),
        (kettle, "same receipt.pdf", b"%PDF-1.7 the receipt"),  # one stored file, two attachments
    ]:
        attachment_add(
            purchase=purchase, upload=SimpleUploadedFile(name, content), file_type="receipt"
        )


def seed_many(purchases: int, files: int) -> None:
    """The household, PURCHASES demo purchases and FILES scanned receipts, and backup A of them;
    then the data moves on (a setting, a name, a new file), so that A and the data differ."""
    from django.core.management import call_command

    from preferences.services import preferences_update
    from purchases.demo import purchases_load_demo
    from purchases.models import Purchase
    from purchases.services import attachment_add

    seed_household()
    purchases_load_demo(count=purchases, seed=7)
    scans = random.Random(7)
    for number, purchase in enumerate(Purchase.objects.order_by("id")[:files]):
        scan = b"%PDF-1.7\n" + scans.randbytes(96 * 1024)
        attachment_add(
            purchase=purchase,
            upload=SimpleUploadedFile(f"scan {number}.pdf", scan),
            file_type="receipt",
        )
    call_command("backups_create", "--note", "A")
    preferences_update(currency_code="EUR")
    Purchase.objects.filter(product_name="Kettle").update(product_name="Kettle (descaled)")
    attachment_add(
        purchase=Purchase.objects.order_by("id").last(),
        upload=SimpleUploadedFile("added after A.pdf", AFTER_A),
        file_type="manual",
    )


AFTER_A = b"%PDF-1.7 added after backup A" + random.Random(8).randbytes(256 * 1024)


def prepare(name: str, export: str) -> None:
    """Fill an installation (run in it by `manage.py shell -c`), then export what it holds."""
    from django.core.management import call_command

    if name == "household":
        seed_household()
        call_command("backups_create", "--note", "before the disaster")
    else:
        seed_many(5000, 40)
    call_command("backups_export", "--format", "json", "-o", export)


def normalised(export: dict) -> dict:
    """A JSON export without its timestamp, each section in id order.

    The audit trail is left out: a restore keeps it and adds itself to it (see
    `test_audit.py`), so it grows where the data comes back as it was.
    """
    export.pop("exported_at")
    export.pop("audit", None)
    for key in SECTIONS:
        export[key] = sorted(export[key], key=lambda record: record["id"])
    return export


def tree(folder: Path) -> dict[str, bytes]:
    """The files under FOLDER by relative path (hidden scratch folders left out)."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found[relative.as_posix()] = path.read_bytes()
    return found


def _blob_name(content: bytes, extension: str) -> str:
    """Where the attachment store (and a backup folder's blobs/) keeps CONTENT."""
    digest = hashlib.sha256(content).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}{extension}"


def snapshot() -> dict:
    """Everything the household owns in this process's database and uploads folder."""
    export = json.loads("".join(export_json_chunks()))
    return {**normalised(export), "uploads": tree(settings.MEDIA_ROOT)}


# -- Other installations -------------------------------------------------------------------------


class Server:
    """The PostgreSQL server the suite runs on; hands out scratch databases and drops them."""

    def __init__(self):
        database = settings.DATABASES["default"]
        user = quote(database["USER"] or "postgres")
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        host = database["HOST"] or "localhost"
        self.url = f"postgres://{user}{password}@{host}:{database['PORT'] or 5432}"
        self.names: list[str] = []

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True, connect_timeout=5) as db:
            db.execute(sql)

    def create(self, *, template: str | None = None) -> str:
        name = f"spends_dr_{uuid.uuid4().hex[:12]}"
        self._run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.names.append(name)
        return name

    def recreate(self, name: str) -> None:
        """The database is lost: dropped, and an empty one made under the same name."""
        self._run(f'DROP DATABASE "{name}" WITH (FORCE)')
        self._run(f'CREATE DATABASE "{name}"')

    def drop_all(self) -> None:
        for name in self.names:
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Site:
    """One installation: a data folder (uploads, backups, the SQLite file) and a database."""

    def __init__(self, kind: str, root: Path, server: Server | None, database: str | None):
        self.kind, self.root, self.server, self.database = kind, root, server, database
        self.data_dir = root / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.before: dict | None = None  # the data as it was before the disaster

    @property
    def database_url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.data_dir / 'db.sqlite3'}"
        return f"{self.server.url}/{self.database}"

    @property
    def uploads(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("SPENDS_") and key != "DATABASE_URL"
        }
        return {
            **environment,
            "DATABASE_URL": self.database_url,
            "SPENDS_DATA_DIR": str(self.data_dir),
            "SPENDS_ENV_FILE": os.devnull,
            "SECRET_KEY": "disaster-recovery-test",
            "DEBUG": "false",
            **extra,
        }

    def manage(self, *args: str, env: dict | None = None, status: int | None = 0):
        """Run manage.py here; check its exit status (unless STATUS is None)."""
        finished = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.environment(**(env or {})),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert status is None or finished.returncode == status, (
            f"manage.py {' '.join(args)} exited with {finished.returncode}:\n"
            f"{finished.stdout}{finished.stderr}"
        )
        return finished

    def start(self, *args: str, stderr) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )

    def dump(self) -> dict:
        """Every record and setting (`backups_export --format json`) and every stored file."""
        export = json.loads(self.manage("backups_export", "--format", "json").stdout)
        return {**normalised(export), "uploads": tree(self.uploads)}

    def rows(self, sql: str) -> list[tuple]:
        """Read this installation's database directly (job and backup states)."""
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.data_dir / "db.sqlite3")) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as db:
            return db.execute(sql).fetchall()

    def lose_database(self) -> None:
        """The database is gone: the SQLite file overwritten, the PostgreSQL database dropped."""
        if self.kind == "sqlite":
            database = self.data_dir / "db.sqlite3"
            database.write_bytes(b"\0garbage after a disk failure" * 4096)
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
        else:
            self.server.recreate(self.database)


class Installations:
    """Sites for the tests. Templates (migrated; the household; many purchases) are built once
    per module, in the background as soon as the module's first such test starts, and copied."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.server = Server() if connection.vendor == "postgresql" else None
        self.pool = ThreadPoolExecutor(max_workers=8)  # waits on subprocesses, not the CPU
        self.lock = threading.Lock()
        self.builds: dict[tuple[str, str], Future] = {}

    def fresh(self, kind: str) -> Site:
        """A new installation: an empty data folder and an empty database."""
        if kind == "postgresql" and self.server is None:
            pytest.skip("PostgreSQL installations are tested when the suite runs on PostgreSQL")
        database = self.server.create() if kind == "postgresql" else None
        return Site(kind, self.tmp.mktemp(f"site-{kind}"), self.server, database)

    def copy(self, template: Site) -> Site:
        """An installation that is a copy of TEMPLATE (data folder and database)."""
        database = None
        if template.kind == "postgresql":
            database = self.server.create(template=template.database)
        site = Site(template.kind, self.tmp.mktemp(f"site-{template.kind}"), self.server, database)
        shutil.copytree(template.data_dir, site.data_dir, dirs_exist_ok=True)
        site.before = template.before
        return site

    def start(self, name: str, kind: str) -> Future:
        with self.lock:
            if (name, kind) not in self.builds:
                self.builds[name, kind] = self.pool.submit(self._build, name, kind)
            return self.builds[name, kind]

    def template(self, name: str, kind: str) -> Site:
        return self.start(name, kind).result()

    def _build(self, name: str, kind: str) -> Site:
        if name == "migrated":
            site = self.fresh(kind)
            site.manage("migrate", "--no-input")
            return site
        site = self.copy(self.template("migrated", kind))
        export = site.root / "before.json"
        site.manage(
            "shell", "-c", f"from {__name__} import prepare; prepare({name!r}, {str(export)!r})"
        )
        site.before = {**normalised(json.loads(export.read_text())), "uploads": tree(site.uploads)}
        return site

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.server is not None:
            self.server.drop_all()


@pytest.fixture(scope="module")
def installations(tmp_path_factory):
    made = Installations(tmp_path_factory)
    kind = "postgresql" if made.server else "sqlite"
    for template in [("household", kind), ("many", kind), ("many", "sqlite")]:
        made.start(*template)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def suite_kind():
    """The kind of database the suite runs on: the other installations use the same kind."""
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def archives(site: Site) -> list[Path]:
    """The archives in the backups folder (scratch files are in .partial, not at the top)."""
    return sorted(site.backups.glob("*.zip"))


def kept_somewhere(site: Site, content: bytes) -> bool:
    """Whether CONTENT is in the backups folder: a file there, or an entry of an archive there."""
    for path in site.backups.rglob("*"):
        if not path.is_file():
            continue
        if path.read_bytes() == content:
            return True
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                if any(archive.read(name) == content for name in archive.namelist()):
                    return True
    return False


def kill_when(process: subprocess.Popen, stream: int, seen: Callable[[str], bool]) -> str:
    """Read STREAM (a pipe or a terminal) until SEEN(all output so far); then SIGKILL PROCESS.

    Returns the output read. The process may end first (the caller checks its exit status).
    """
    output, deadline = "", time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.5)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(stream, 65536)
        except OSError:  # a terminal whose other end has closed
            break
        if not chunk:
            break
        output += chunk.decode(errors="replace")
        if seen(output):
            process.send_signal(signal.SIGKILL)
            break
    else:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return output


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


# -- d. The archive is damaged --------------------------------------------------------------------


def _member_data(raw: bytes, name: Callable[[str], bool]) -> tuple[int, int]:
    """Where the compressed content of the first entry NAME accepts starts, and its length."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        info = next(info for info in archive.infolist() if name(info.filename))
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26 :][:4])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def _flip_a_bit(raw: bytes, start: int = 0, length: int | None = None) -> bytes:
    position = start + (len(raw) if length is None else length) // 2
    return raw[:position] + bytes([raw[position] ^ 0x08]) + raw[position + 1 :]


def _holds(raw: bytes, name: Callable[[str], bool]) -> bool:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return any(name(entry) for entry in archive.namelist())


def _repacked(raw: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The archive written again, each entry's content passed through CHANGE(name, content)."""
    target = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            copy.writestr(info, change(info.filename, source.read(info)))
    return target.getvalue()


def _manifest_counts_one_purchase_more(name: str, content: bytes) -> bytes:
    if name != "manifest.json":
        return content
    manifest = json.loads(content)
    manifest["record_counts"]["purchases"] += 1
    return json.dumps(manifest).encode()


def _data_json_with_a_lower_price(name: str, content: bytes) -> bytes:
    if name != "data.json":
        return content
    assert b'"1299.95"' in content
    return content.replace(b'"1299.95"', b'"12.99"')


def _is_photo(name: str) -> bool:
    return name.endswith(".jpg")


def truncate(archive: Path) -> None:
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) * 2 // 3])


def flip_a_bit_in_a_stored_file(archive: Path) -> None:
    """Damage the photo's content where the backup keeps it: in the archive, or beside it (a
    backup folder that keeps each file once for all its backups)."""
    raw = archive.read_bytes()
    if _holds(raw, _is_photo):
        archive.write_bytes(_flip_a_bit(raw, *_member_data(raw, _is_photo)))
        return
    [kept] = [path for path in archive.parent.rglob("*.jpg") if ".partial" not in path.parts]
    kept.write_bytes(_flip_a_bit(kept.read_bytes()))


def flip_a_bit_in_data_json(archive: Path) -> None:
    raw = archive.read_bytes()
    archive.write_bytes(_flip_a_bit(raw, *_member_data(raw, lambda name: name == "data.json")))


def edit_the_manifest(archive: Path) -> None:
    archive.write_bytes(_repacked(archive.read_bytes(), _manifest_counts_one_purchase_more))


def edit_data_json(archive: Path) -> None:
    archive.write_bytes(_repacked(archive.read_bytes(), _data_json_with_a_lower_price))


# What happens to the archive, and what a check of the archive alone says about it.
DAMAGE = {
    "truncated": (truncate, "not a ZIP archive"),
    # The message names the member only when its checksum (CRC) is what fails.
    "a bit flipped in a stored file": (flip_a_bit_in_a_stored_file, "The archive is damaged: "),
    "a bit flipped in data.json": (flip_a_bit_in_data_json, "The archive is damaged: "),
    "manifest.json edited": (
        edit_the_manifest,
        "manifest.json counts 3 purchases but data.json holds 2",
    ),
    "data.json edited": (edit_data_json, "data.json does not match the checksum in manifest.json"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("given_as", ["a file", "a backup id"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_archive_is_refused_and_nothing_changes(damage, given_as, tmp_path):
    seed_household()
    call_command("backups_create", stdout=io.StringIO())
    backup = BackupRecord.objects.get()
    spoil, message = DAMAGE[damage]
    if given_as == "a file":  # an exported or downloaded archive, e.g. the offsite copy
        archive = tmp_path / "copy.zip"
        with archive.open("wb") as stream:
            export_zip(stream)
        argument = str(archive)
    else:  # the stored backup, found by its record: it no longer matches what was recorded
        archive = settings.SPENDS_BACKUPS_DIR / backup.filename
        argument, message = backup.id, "damaged|altered"
    spoil(archive)
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        call_command("backups_verify", argument, stdout=io.StringIO())
    with pytest.raises(CommandError, match=message):
        call_command("backups_restore", argument, "--no-input", stdout=io.StringIO())

    assert snapshot() == before
    assert list(BackupRecord.objects.values_list("id", flat=True)) == [backup.id], (
        "no restore point is taken for an archive that is refused"
    )
    assert list(Job.objects.values_list("kind", "status", "active")) == [
        ("restore", JobStatus.FAILED, None),
        ("backup", JobStatus.COMPLETED, None),
    ]


# -- e. A restore is killed midway -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_restore_killed_midway_changes_nothing(installations, kind):
    site = installations.copy(installations.template("many", kind))
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
