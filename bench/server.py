"""The application served as in production, for the benchmarks that measure it over HTTP.

gunicorn with `gunicorn.conf.py` (or `manage.py runserver`), DEBUG off, collected static files, on
a free port of the loopback interface, with the database named by DATABASE_URL. Import `dataset`
first: it configures Django, whose settings give the server its secret key.
"""

import contextlib
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback interface: cookies without the Secure flag.
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND_HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }


def gunicorn_configuration() -> dict:
    """The values `gunicorn.conf.py` takes (workers, threads, ...) under this environment, which
    `server_environment` passes on unchanged but for the address and the log level."""
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def start_server(kind: str, environment: dict[str, str]) -> subprocess.Popen:
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
    )
    if kind == "gunicorn":
        command = [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "spends_tracker.wsgi"]
    else:
        address = f"127.0.0.1:{environment['PORT']}"
        command = [python, "manage.py", "runserver", "--noreload", address]
    # A process group of its own: stop_server can end the server's workers with it, whatever
    # state the master is in.
    server = subprocess.Popen(command, cwd=BASE_DIR, env=environment, start_new_session=True)
    url = f"http://127.0.0.1:{environment['PORT']}/api/health"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return server
        except OSError:
            if server.poll() is not None:
                stop_server(server)
                raise SystemExit(f"the server stopped with status {server.returncode}") from None
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("the server did not answer within two minutes")


def stop_server(server: subprocess.Popen) -> None:
    """Stop SERVER gracefully (gunicorn finishes the requests under way), then its whole group."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # Workers that outlived their master (it was killed) are in its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def serving(kind: str = "gunicorn") -> Iterator[tuple[str, dict[str, str]]]:
    """Run the server while in the block; yield its base URL and its environment."""
    port = free_port()
    # `kill` (SIGTERM) or a closed terminal (SIGHUP) unwinds like Ctrl-C, stopping the server.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    for number in handlers:
        signal.signal(number, _exit_on_signal)
    try:
        with tempfile.TemporaryDirectory() as static_root:
            environment = server_environment(port, static_root)
            server = start_server(kind, environment)
            try:
                yield f"http://127.0.0.1:{port}", environment
            finally:
                stop_server(server)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _exit_on_signal(number, frame):
    raise SystemExit(128 + number)
