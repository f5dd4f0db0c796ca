"""`manage.py spends_run`: the whole app on one machine for `make run`.

Prepares the database (migrations, the default catalog, the first administrator, the exchange
rates shipped with the app), then runs the development server, the job worker and the scheduler
as three processes that stop together. A worker or scheduler that dies is started again; when
the server stops, everything stops.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from accounts.services import administrator_ensure
from kernel.commands import SpendsCommand
from spends_tracker.management.commands.spends_ensure_admin import credentials_message

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
# A background process that dies is restarted after this pause (so a crash loop stays slow).
RESTART_DELAY_SECONDS = 2


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(SpendsCommand):
    help = (
        "Set up and run Spends Tracker on this machine: migrate, load the default catalog, "
        "create the administrator on first run, then serve with the job worker and the "
        "scheduler (Ctrl-C stops all three)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("The database is up to date.")
        # The ECB's history shipped with the app, once: conversions work offline from the start,
        # the demo's purchases in other currencies included.
        call_command("currencies_refresh", "--bundled", "--if-empty", stdout=self.stdout)
        # Purchases saved before they kept a conversion (or without a rate until now) get one.
        call_command("purchases_reconvert", "--only-missing", stdout=self.stdout)
        call_command("purchases_demo", stdout=self.stdout)
        password = administrator_ensure()
        if password is not None:
            self.summary(credentials_message("admin", password))

        commands = {
            "server": ["runserver", f"{host}:{port}"],
            "worker": ["spends_worker", "--interval", "1"],
            "scheduler": ["spends_scheduler"],
        }
        processes = {name: self._start(argv) for name, argv in commands.items()}
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        try:
            self._wait_listening(host, port, processes["server"], stopping)
            if not stopping and processes["server"].poll() is None:
                self._banner(host, port, password)
            while not stopping and processes["server"].poll() is None:
                time.sleep(0.5)
                for name in ("worker", "scheduler"):
                    if processes[name].poll() is not None:
                        self.stderr.write(
                            f"The {name} stopped (status {processes[name].returncode}); "
                            "starting it again."
                        )
                        time.sleep(RESTART_DELAY_SECONDS)
                        processes[name] = self._start(commands[name])
        finally:
            self._stop_all(processes)
        status = processes["server"].returncode
        if not stopping and status:
            sys.exit(status)

    def _start(self, argv: list[str]) -> subprocess.Popen:
        # A process group of its own: stopping it stops its children too (runserver's
        # autoreloader runs the server in a child process).
        return subprocess.Popen([sys.executable, MANAGE, *argv], process_group=0)

    def _wait_listening(self, host, port, server, stopping, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stopping and server.poll() is None:
            if _listening(host, port):
                return
            time.sleep(0.2)

    def _banner(self, host: str, port: int, password: str | None) -> None:
        shown_host = f"[{host}]" if ":" in host else host
        lines = [f"Spends Tracker is running at http://{shown_host}:{port}/"]
        if password is not None:
            lines += [
                "Sign in with the administrator account created just now:",
                "  username: admin",
                f"  password: {password}",
                "Write the password down: it is not shown again.",
            ]
        lines.append("Press Ctrl-C to stop the server, the worker and the scheduler.")
        width = max(len(line) for line in lines)
        rule = "=" * width
        self.stdout.write("\n".join(["", rule, *lines, rule, ""]))

    def _stop_all(self, processes: dict[str, subprocess.Popen]) -> None:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
