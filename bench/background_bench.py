"""The background processes under pressure: the figures of docs/deployment.md's sizing notes.

    .venv/bin/python bench/background_bench.py [--purchases 100000] [--part sqlite|postgresql]

sqlite: on the embedded default (an SQLite file), the production web server and job worker
(compose.yaml's commands) while a CSV import of PURCHASES rows holds the database's write lock;
a backup is asked for every few seconds meanwhile. Reports the import's time, how many backups
were asked for, accepted and completed, whether the worker stayed alive, and the health
check's latency throughout.

postgresql: on a scratch database of the server on 127.0.0.1:5432 holding PURCHASES rows, 16
JSON exports asked for at once while the health check is polled. Reports the exports' answers
(200, or 429 beyond the export slots) and times, and the health check's latency.

Nothing here is a test: it prints figures. It removes its scratch data when done.
"""

import argparse
import csv
import datetime
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.stack import compose_services, free_port, in_scratch  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
WORDS = ["kettle", "drill", "laptop", "camera", "lamp", "router", "chair", "mixer", "fan"]


class Install:
    """A scratch install running compose's web and worker commands."""

    def __init__(self, database_url: str):
        self.work = Path(tempfile.mkdtemp(prefix="spends-background-bench-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            # compose's commands name python and gunicorn: this virtual environment's.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "SPENDS_DATA_DIR": str(self.work / "data"),
            "SPENDS_ENV_FILE": str(self.work / "no.env"),
            "STATIC_ROOT": str(self.work / "static"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PORT": str(self.port),
            "GUNICORN_BIND_HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_superuser('bench', password='bench-pw-1')",
        )
        token = self.manage("accounts_token", "-v", "0", "create", "--user", "bench", "--name", "b")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token.strip()}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def start(self, service: str) -> None:
        command = in_scratch(compose_services()[service]["command"], self.work)
        log = open(self.work / f"{service}.log", "w")  # noqa: SIM115 - lives with the process
        self.processes[service] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        if service == "web":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{self.base}/api/health", timeout=2).ok:
                        return
                except requests.RequestException:
                    time.sleep(0.3)
            raise RuntimeError("the web server did not start")

    def close(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.work, ignore_errors=True)


class HealthPoller(threading.Thread):
    """GET /api/health every INTERVAL seconds; keeps each answer's latency."""

    def __init__(self, base: str, interval: float = 0.25):
        super().__init__(daemon=True)
        self.base, self.interval = base, interval
        self.latencies: list[float] = []
        self.failures = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            began = time.perf_counter()
            try:
                ok = requests.get(f"{self.base}/api/health", timeout=30).ok
            except requests.RequestException:
                ok = False
            self.latencies.append(time.perf_counter() - began)
            self.failures += not ok
            self.stopped.wait(self.interval)

    def report(self) -> str:
        ms = sorted(latency * 1000 for latency in self.latencies)
        p95 = ms[int(len(ms) * 0.95) - 1] if ms else 0
        return (
            f"{len(ms)} checks, median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
            f"max {ms[-1]:.0f} ms, {self.failures} failed"
        )


def write_csv(path: Path, count: int) -> None:
    rng = random.Random(7)
    start = datetime.date(2019, 1, 1)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["product_name", "price", "purchase_date", "serial_number"])
        for number in range(count):
            writer.writerow(
                [
                    f"{rng.choice(WORDS).title()} {number}",
                    f"{rng.randint(100, 500000) / 100:.2f}",
                    (start + datetime.timedelta(days=rng.randint(0, 2500))).isoformat(),
                    f"SN{number:08d}",
                ]
            )


def import_csv(install: Install, path: Path) -> float:
    began = time.perf_counter()
    with path.open("rb") as handle:
        answer = install.session.post(
            f"{install.base}/api/import/csv", files={"file": ("purchases.csv", handle)}, timeout=900
        )
    answer.raise_for_status()
    return time.perf_counter() - began


def sqlite_part(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="spends-bench-sqlite-"))
    install = Install(f"sqlite:///{folder / 'db.sqlite3'}")
    try:
        install.start("web")
        install.start("worker")
        data = install.work / "purchases.csv"
        write_csv(data, count)
        health = HealthPoller(install.base)
        health.start()
        answers, jobs, results = [], [], {}

        def ask_for_a_backup():
            answer = install.session.post(f"{install.base}/api/backup/create", timeout=120)
            answers.append(answer.status_code)
            if answer.status_code == 202:
                jobs.append(answer.json()["id"])

        importing = threading.Thread(
            target=lambda: results.update(seconds=import_csv(install, data)), daemon=True
        )
        importing.start()
        askers = []
        while importing.is_alive():  # a backup asked for every 2 s, whatever the answers' delay
            askers.append(threading.Thread(target=ask_for_a_backup, daemon=True))
            askers[-1].start()
            time.sleep(2)
        importing.join()
        for asker in askers:
            asker.join()
        asked, accepted, busy = len(answers), answers.count(202), answers.count(409)
        final = []
        for job_id in jobs:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                job = install.session.get(f"{install.base}/api/jobs/{job_id}", timeout=60).json()
                if job["status"] not in ("pending", "running"):
                    break
                time.sleep(1)
            final.append(job["status"])
        health.stopped.set()
        health.join()
        alive = install.processes["worker"].poll() is None
        print(f"SQLite, {count:,} purchases by CSV import: {results.get('seconds', 0):.1f} s")
        print(
            f"  backups asked for during the import: {asked}, accepted {accepted}, refused "
            f"{busy} (409: one job at a time), other {asked - accepted - busy}; "
            f"completed {final.count('completed')}, failed {final.count('failed')}"
        )
        print(f"  worker alive at the end: {alive}")
        print(f"  health check: {health.report()}")
    finally:
        install.close()
        shutil.rmtree(folder, ignore_errors=True)


def postgresql_part(count: int) -> None:
    name = f"spends_background_bench_{secrets.token_hex(3)}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    install = Install(f"{PG_SERVER}/{name}")
    try:
        install.start("web")
        install.start("worker")
        data = install.work / "purchases.csv"
        write_csv(data, count)
        loaded = import_csv(install, data)
        print(f"PostgreSQL, {count:,} purchases loaded by CSV import in {loaded:.1f} s")
        health = HealthPoller(install.base, interval=0.2)
        health.start()

        def export(_):
            began = time.perf_counter()
            answer = install.session.get(f"{install.base}/api/export/json", timeout=600)
            size = len(answer.content)
            return answer.status_code, time.perf_counter() - began, size

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(export, range(16)))
        time.sleep(1)
        health.stopped.set()
        health.join()
        served = [seconds for status, seconds, _ in results if status == 200]
        refused = [seconds for status, seconds, _ in results if status == 429]
        print(
            f"  16 JSON exports at once: {len(served)} served "
            f"({max(served, default=0):.1f} s the longest, "
            f"{max((size for status, _, size in results if status == 200), default=0) / 1e6:.0f} MB"
            f"), {len(refused)} refused with 429 in {max(refused, default=0) * 1000:.0f} ms "
            f"at most, {len(results) - len(served) - len(refused)} other"
        )
        print(f"  health check meanwhile: {health.report()}")
    finally:
        install.close()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--part", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    for part in args.part or ["sqlite", "postgresql"]:
        {"sqlite": sqlite_part, "postgresql": postgresql_part}[part](args.purchases)


if __name__ == "__main__":
    main()
