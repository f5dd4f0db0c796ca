"""Other installations for the disaster recovery tests: `manage.py` in another process, with its
own data folder and its own database (an SQLite file in the test's folder, or a scratch database
on the PostgreSQL server when the suite runs on PostgreSQL), the way test_cross_database.py does
it. Templates are migrated and filled once and copied for each test (the `installations` fixture
of conftest.py); a process can be killed when its output shows a given stage.
"""

import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from backups.tests.disaster_data import normalised, prepare, tree


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
    per package (the `installations` fixture of conftest.py), in the background as soon as the
    first test using them starts, and copied."""

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
            "shell",
            "-c",
            f"from {prepare.__module__} import prepare; prepare({name!r}, {str(export)!r})",
        )
        site.before = {**normalised(json.loads(export.read_text())), "uploads": tree(site.uploads)}
        return site

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.server is not None:
            self.server.drop_all()


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
