"""The production processes of compose.yaml, run here without containers.

`Stack` owns a scratch PostgreSQL database and data folder, and starts, stops or kills (SIGKILL)
the web server and the job worker with exactly the commands compose.yaml gives them.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PG_SERVER = os.environ.get("RELIABILITY_PG", "postgres://postgres@127.0.0.1:5432")
# The application's own pages (the admin's are listed where they are read).
APP_PAGES = [
    "/",
    "/inventory/",
    "/warranties/",
    "/catalog/",
    "/data/",
    "/settings/",
    "/accounts/profile/",
]


def compose_services() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]


def in_scratch(arguments: list[str], work: Path) -> list[str]:
    """Return compose's ARGUMENTS with paths in /tmp (a tmpfs in compose) moved into WORK."""
    return [re.sub(r"(^|=)/tmp/", lambda m: f"{m[1]}{work}/", arg) for arg in arguments]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """A scratch install: database NAME on the local PostgreSQL server, data in a scratch folder."""

    def __init__(self, name: str, *, workers: int = 2, threads: int = 4, extra_env=None):
        self.name = name
        self.port = free_port()
        self.work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.data = self.work / "data"
        (self.work / "env").write_text("")
        self.token = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "PATH": f"{BIN}:{os.environ['PATH']}",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{PG_SERVER}/{name}",
            "SPENDS_DATA_DIR": str(self.data),
            "STATIC_ROOT": str(self.work / "staticfiles"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORT": str(self.port),
            "GUNICORN_BIND_HOST": "127.0.0.1",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            "LOG_LEVEL": "INFO",
            "SPENDS_ENV_FILE": str(self.work / "env"),  # the checkout's .env must not leak in
            **(extra_env or {}),
        }
        self.base = f"http://127.0.0.1:{self.port}"

    # --- set-up -----------------------------------------------------------------------------

    def create_database(self) -> None:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop_database(self) -> None:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def tear_down(self) -> None:
        """Stop every service, drop the database and remove the scratch folder.

        The callers print the services' logs they need before this (each run left about 45 MB
        of logs, data and collected static files behind when the folder was kept).
        """
        self.close()
        self.drop_database()
        shutil.rmtree(self.work, ignore_errors=True)

    def run(
        self, *args: str, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess:
        """Run a command in the stack's environment (python and gunicorn from the virtualenv)."""
        result = subprocess.run(
            list(args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "manage.py", *args, **kwargs)

    def migrate(self) -> None:
        self.run(*compose_services()["migrate"]["command"])

    def create_token(self, username: str = "reliability") -> str:
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser('{username}', password='reliability-pw-1')",
        )
        self.token = self.manage(
            "accounts_token", "-v", "0", "create", "--user", username, "--name", "reliability"
        ).stdout.strip()
        return self.token

    # --- processes --------------------------------------------------------------------------

    def start(self, service: str) -> subprocess.Popen:
        """Start compose's web, worker or scheduler service with its own command."""
        command = in_scratch(compose_services()[service]["command"], self.work)
        log = open(self.work / f"{service}.log", "a")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.processes[service] = process
        if service == "web":
            self.wait_healthy()
        return process

    def healthy(self, service: str = "web") -> bool:
        """Run compose's health check of SERVICE against the running process."""
        test = compose_services()[service]["healthcheck"]["test"][1:]  # after "CMD"
        healthcheck = in_scratch(test, self.work)
        return (
            subprocess.run(healthcheck, cwd=ROOT, env=self.env, capture_output=True).returncode == 0
        )

    def wait_healthy(self, service: str = "web", timeout: float = 60) -> None:
        """Wait until compose's health check of SERVICE passes; raise if it exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[service].poll() is not None:
                raise RuntimeError(f"the {service} exited:\n{self.log(service)[-3000:]}")
            if self.healthy(service):
                return
            time.sleep(0.3)
        raise RuntimeError(f"the {service} did not become healthy:\n{self.log(service)[-3000:]}")

    def kill(self, service: str) -> None:
        """SIGKILL the service's whole process group (a gunicorn master and its workers)."""
        process = self.processes.pop(service)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.log.close()

    def stop(self, service: str, timeout: float = 30) -> int:
        """SIGTERM the service and wait for it; return its exit status."""
        process = self.processes.pop(service)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            status = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            status = process.wait()
        process.log.close()
        return status

    def close(self) -> None:
        for service in list(self.processes):
            self.kill(service)

    def log(self, service: str) -> str:
        path = self.work / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- HTTP -------------------------------------------------------------------------------

    def session(self, *, token: bool = True) -> requests.Session:
        session = requests.Session()
        if token and self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def sql(self, query: str, *params):
        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return conn.execute(query, params).fetchall()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
