"""The compose smoke test (`make compose-smoke`): the image built and the stack run as a user would.

1. A Docker engine and the Compose v2 plugin (tests/compose/engine.sh starts or installs them), and
   the base images of the Dockerfile and compose.yaml (tests/compose/base_images.sh builds
   stand-ins from Debian packages where the image registry cannot be reached).
2. The image, built from this checkout; its build log may name no host but the package
   registries'.
3. compose.yaml, copied with a fresh .env (.env.example plus generated secrets) into a scratch
   folder, brought up: every service running or exited 0, none unhealthy.
4. Over HTTP: /api/health, the sign-in page and its stylesheet; sign in with the form, create a
   purchase through the API with the session.
5. `docker compose down` (volumes kept) and `up`: the purchase and the session are still there,
   and the scheduler, at its start, makes the backup that fell due (scheduled backups were turned
   on before), written to the backups folder on the host.
6. A backup by the worker, a purchase added after it, and a restore of that backup in the stack:
   the purchase added after it is gone, the one before is back.

Everything it started is stopped and removed at the end (containers, volumes, the network, the
app image, the scratch folder, and the engine if it started it). Exits 1 on the first failure.
"""

import contextlib
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
IMAGE = "spends-tracker:compose-smoke"
DOCKER = os.environ.get("DOCKER", "docker")
# The only hosts a build may download from: Debian's mirror (the base images' apt sources), PyPI
# and the npm registry.
REGISTRY_HOSTS = {"pypi.org", "files.pythonhosted.org", "registry.npmjs.org"}
STARTUP_SECONDS = 240


def check(condition, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"  ok  {what}", flush=True)


def step(title: str) -> None:
    print(f"== {title}", flush=True)


def run(*args, cwd=ROOT, check_status=True, capture=True, timeout=900, env=None):
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=capture,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if check_status and result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "") if capture else ""
        raise RuntimeError(f"{' '.join(map(str, args))} exited {result.returncode}\n{output}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def debian_mirror_hosts() -> set[str]:
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    text = sources.read_text() if sources.exists() else ""
    return {urlsplit(url).hostname for url in re.findall(r"^URIs:\s*(\S+)", text, re.MULTILINE)}


def build_image(log_path: Path) -> float:
    """Build the image with the classic builder (base images from the local store)."""
    started = time.monotonic()
    with log_path.open("w") as log:
        status = subprocess.run(
            # No cache: every step runs, so the log shows everything the build fetches.
            [DOCKER, "build", "--no-cache", "--tag", IMAGE, "."],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DOCKER_BUILDKIT": "0"},
            timeout=900,
        ).returncode
    if status != 0:
        raise RuntimeError(f"docker build failed:\n{log_path.read_text()[-4000:]}")
    return time.monotonic() - started


class Stack:
    """compose.yaml in a scratch folder with a fresh .env, as project NAME."""

    def __init__(self):
        self.name = f"spends-smoke-{secrets.token_hex(3)}"
        self.folder = Path(tempfile.mkdtemp(prefix="spends-compose-smoke-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        shutil.copy(ROOT / "compose.yaml", self.folder / "compose.yaml")
        # As docs/deployment.md says: the example, then generated secrets appended (later wins).
        env = (ROOT / ".env.example").read_text()
        env += "\n# Written by the compose smoke test\n"
        env += f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        env += f"POSTGRES_PASSWORD={secrets.token_hex(24)}\n"
        env += f"SPENDS_IMAGE={IMAGE}\nSPENDS_HTTP_PORT={self.port}\n"
        # Plain HTTP on loopback: the session cookie must not be Secure-only for this client.
        env += "SECURE_COOKIES=false\n"
        (self.folder / ".env").write_text(env)
        self.backups = self.folder / "data" / "compose-backups"

    def compose(self, *args, **kwargs):
        return run(DOCKER, "compose", "--project-name", self.name, *args, cwd=self.folder, **kwargs)

    def services(self) -> list[dict]:
        output = self.compose("ps", "--all", "--format", "json").stdout.strip()
        if output.startswith("["):
            return json.loads(output)
        return [json.loads(line) for line in output.splitlines() if line.strip()]

    def states(self) -> dict[str, str]:
        """Each service's state: "running healthy", "running", "exited 0", "restarting"..."""
        states = {}
        for service in self.services():
            if service["State"] == "exited":
                states[service["Service"]] = f"exited {service['ExitCode']}"
            else:
                states[service["Service"]] = f"{service['State']} {service.get('Health', '')}"
        return {name: state.strip() for name, state in states.items()}

    def wait_up(self) -> dict[str, str]:
        """Wait until every service has settled (or one failed); return the states."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            states = self.states()
            settled = len(states) == len(EXPECTED_STATES) and not any(
                "starting" in state or state.startswith(("created", "restarting"))
                for state in states.values()
            )
            failed = any(
                state.endswith("unhealthy") or (state.startswith("exited") and state != "exited 0")
                for state in states.values()
            )
            if settled or failed or time.monotonic() > deadline:
                return states
            time.sleep(2)

    def logs(self, service: str = "") -> str:
        return self.compose(
            "logs", "--no-color", *([service] if service else []), check_status=False
        ).stdout

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.compose("down", "--volumes", "--remove-orphans", "--timeout", "20", timeout=180)
        shutil.rmtree(self.folder, ignore_errors=True)


EXPECTED_STATES = {
    "db": "running healthy",
    "prepare": "exited 0",
    "migrate": "exited 0",
    "web": "running healthy",
    "worker": "running healthy",
    "scheduler": "running healthy",
}


def check_all_up(stack: Stack, when: str, *, since: float) -> None:
    """Check every service's state once they have settled; SINCE is when `up` was called."""
    states = stack.wait_up()
    listed = ", ".join(f"{name}: {state}" for name, state in sorted(states.items()))
    check(
        states == EXPECTED_STATES,
        f"{when}: every service running or exited 0, none unhealthy, "
        f"{time.monotonic() - since:.0f} s after up ({listed})",
    )


def sign_in(stack: Stack, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{stack.base}/accounts/login/", timeout=30)
    check(page.status_code == 200, "the sign-in page renders")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    check(stylesheet, "and links its stylesheet")
    css = session.get(stack.base + stylesheet[1], timeout=30)
    check(
        css.status_code == 200 and css.headers["Content-Type"].startswith("text/css"),
        f"which is served ({stylesheet[1]}, {len(css.content):,} bytes)",
    )
    answer = session.post(
        f"{stack.base}/accounts/login/",
        data={
            "login": "admin",
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )
    check(answer.url == f"{stack.base}/", f"signed in with the form ({answer.status_code})")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def create_purchase(session: requests.Session, stack: Stack, name: str) -> str:
    answer = session.post(
        f"{stack.base}/api/purchases",
        json={"product_name": name, "price": "249.00", "purchase_date": "2026-11-20"},
        timeout=30,
    )
    check(answer.status_code == 201, f"purchase {name!r} created over HTTP ({answer.status_code})")
    return answer.json()["id"]


def purchase_names(session: requests.Session, stack: Stack) -> set[str]:
    answer = session.get(f"{stack.base}/api/purchases", params={"limit": 100}, timeout=30)
    answer.raise_for_status()
    return {item["product_name"] for item in answer.json()["items"]}


def wait_job(session: requests.Session, stack: Stack, job: dict, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while job["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(1)
        job = session.get(f"{stack.base}/api/jobs/{job['id']}", timeout=30).json()
    return job


def wait_backup(session, stack: Stack, kind: str, timeout: float = 120) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = session.get(f"{stack.base}/api/backup/list", timeout=30).json()["items"]
        done = [b for b in items if b["kind"] == kind and b["status"] == "completed"]
        if done:
            return done[0]
        time.sleep(2)
    return None


def smoke(stack: Stack, work: Path) -> None:
    step("the image")
    build_seconds = build_image(work / "build.log")
    build_log = (work / "build.log").read_text()
    allowed = REGISTRY_HOSTS | debian_mirror_hosts()
    named = {
        line.strip(): urlsplit(url).hostname
        for line in build_log.splitlines()
        for url in re.findall(r"https?://[^\s\"'<>)]+", line)
    }
    foreign = [line for line, host in named.items() if host not in allowed]
    check(
        not foreign,
        f"built in {build_seconds:.0f} s; the log names no host but the registries' "
        f"({', '.join(sorted(set(named.values()))) or 'none named'})" + "\n".join(["", *foreign]),
    )
    packages = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    locked = {name: entry for name, entry in packages.items() if name}
    check(
        locked
        and all(entry.get("integrity") for entry in locked.values())
        and {urlsplit(e.get("resolved", "")).hostname for e in locked.values()}
        <= {None, "registry.npmjs.org"},
        f"the {len(locked)} front-end packages are locked with their hashes, from the npm registry",
    )
    requirements = (ROOT / "requirements" / "runtime.txt").read_text()
    check(
        not re.search(r"^\s*--(index-url|extra-index-url|find-links)", requirements, re.MULTILINE),
        "the Python packages come from PyPI, each with its hash (pip --require-hashes)",
    )

    step("docker compose up, from a fresh .env")
    started = time.monotonic()
    stack.compose("up", "--detach", "--no-build", timeout=600)
    check_all_up(stack, "up", since=started)
    check(
        stack.backups.is_dir() and stack.backups.stat().st_uid == 10001,
        "the backups host folder was created and given to the app's user",
    )
    health = requests.get(f"{stack.base}/api/health", timeout=30)
    check(
        health.status_code == 200,
        f"/api/health answers 200, {time.monotonic() - started:.0f} s after up",
    )

    password = secrets.token_urlsafe(16)
    stack.compose(
        "exec", "-T", "web", "python", "manage.py", "spends_ensure_admin", "--password", password
    )
    session = sign_in(stack, password)
    kettle = create_purchase(session, stack, "Compose smoke kettle")
    enabled = session.put(
        f"{stack.base}/api/backup/config",
        json={"backup_enabled": True, "backup_frequency": "daily"},
        timeout=30,
    )
    check(enabled.ok, "scheduled backups turned on (daily; the first one is due at once)")

    step("docker compose down (volumes kept), then up")
    stack.compose("down", "--timeout", "30", timeout=300)
    check(not stack.services(), "down: no container left")
    restarted, again = datetime.datetime.now(datetime.UTC), time.monotonic()
    stack.compose("up", "--detach", "--no-build", timeout=600)
    check_all_up(stack, "up again", since=again)
    check(
        session.get(f"{stack.base}/api/purchases/{kettle}", timeout=30).status_code == 200,
        "the purchase is still there (and so is the session)",
    )

    scheduled = wait_backup(session, stack, "scheduled")
    check(
        scheduled
        and datetime.datetime.fromisoformat(scheduled["created_at"])
        >= restarted - datetime.timedelta(seconds=5),
        "the scheduler made the due backup at its start after up",
    )
    check("backups_scheduled done" in stack.logs("scheduler"), "its log says so")
    check(
        (stack.backups / scheduled["filename"]).is_file(),
        f"written to the host folder ({scheduled['filename']}, {scheduled['size_bytes']:,} bytes)",
    )

    step("a backup by the worker, then a restore in the stack")
    accepted = session.post(f"{stack.base}/api/backup/create", json={"note": "smoke"}, timeout=30)
    check(accepted.status_code == 202, "POST /api/backup/create answers 202")
    job = wait_job(session, stack, accepted.json())
    check(job["status"] == "completed", f"the worker completed it ({job['status']})")
    backup = job["result"]
    check((stack.backups / backup["filename"]).is_file(), "its archive is in the host folder")
    create_purchase(session, stack, "Bought after the backup")
    restore = session.post(
        f"{stack.base}/api/backup/restore", json={"backup_id": backup["id"]}, timeout=60
    )
    check(
        restore.status_code == 202, f"POST /api/backup/restore answers 202 ({restore.status_code})"
    )
    job = wait_job(session, stack, restore.json())
    check(job["status"] == "completed", f"the worker completed the restore ({job['status']})")
    check(
        purchase_names(session, stack) == {"Compose smoke kettle"},
        "the purchase added after the backup is gone, the one before is there",
    )


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="spends-compose-smoke-work-"))
    stack = None
    failed = False
    try:
        step("engine and base images")
        run("bash", HERE / "engine.sh", "start", capture=False, timeout=900)
        run("bash", HERE / "base_images.sh", capture=False, timeout=1200)
        stack = Stack()
        smoke(stack, work)
    except Exception as exc:
        failed = True
        print(f"FAILED: {exc}", flush=True)
        if stack is not None:
            print(f"--- compose logs (end)\n{stack.logs()[-8000:]}")
    finally:
        step("clean up")
        if stack is not None:
            stack.close()
        with contextlib.suppress(Exception):
            run(DOCKER, "image", "rm", "--force", IMAGE, check_status=False)
        run("bash", HERE / "engine.sh", "stop", capture=False, check_status=False, timeout=120)
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        return 1
    print(f"Compose smoke test passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
