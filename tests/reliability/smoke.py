"""The production smoke test (`make prod-smoke`): compose.yaml's process layout without Docker.

On a scratch PostgreSQL database: collectstatic as the image build does, compose's `migrate`
command, then its `web` (gunicorn) and `worker` commands, healthy by compose's own health check;
its `scheduler` command, which makes the due backup at start; a backup through the API run by the
worker; pages, static files and headers as a browser sees them; JSON logs with request ids and no
secret; a clean shutdown. Exits 1 on the first thing that is wrong.
"""

import json
import re
import sys
import time

from tests.reliability.stack import Stack

TLS_PROFILE = {
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"  ok  {what}")


def wait_job(session, base: str, job: dict, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while job["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = session.get(f"{base}/api/jobs/{job['id']}").json()
    return job


def main() -> int:
    started = time.monotonic()
    stack = Stack("spends_prod_smoke")
    try:
        stack.create_database()
        stack.manage("collectstatic", "--no-input", "-v", "0")
        stack.migrate()
        print("== production processes: web (gunicorn) and worker")
        stack.start("web")
        stack.start("worker")
        check(stack.healthy(), "compose's health check passes against gunicorn + PostgreSQL")
        stack.wait_healthy("worker")  # its first heartbeat comes once Django has started
        check(stack.healthy("worker"), "the worker's passes on its heartbeat")
        # The production profile behind a TLS proxy (docs/deployment.md) passes every deploy check.
        stack.env.update(TLS_PROFILE)
        deploy = stack.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
        for name in TLS_PROFILE:
            del stack.env[name]
        check(deploy.returncode == 0, f"check --deploy: {(deploy.stdout + deploy.stderr).strip()}")
        token = stack.create_token()
        api = stack.session()
        anonymous = stack.session(token=False)
        base = stack.base

        created = api.post(
            f"{base}/api/purchases",
            json={
                "product_name": "Smoke test kettle",
                "price": "19.99",
                "purchase_date": "2026-01-02",
            },
        )
        check(
            created.status_code == 201,
            f"a purchase is created through the API ({created.status_code})",
        )
        check(api.get(f"{base}/api/purchases/{created.json()['id']}").ok, "and read back")
        check(
            anonymous.get(f"{base}/api/purchases").status_code == 401,
            "the API refuses anonymous calls",
        )
        check(
            "default-src 'none'" in created.headers.get("Content-Security-Policy", ""),
            "API responses carry their content security policy",
        )
        check(created.headers.get("X-Content-Type-Options") == "nosniff", "and nosniff")

        login = anonymous.get(f"{base}/admin/login/")
        check(login.status_code == 200, "the admin's login page renders")
        check("script-src 'self'" in login.headers.get("Content-Security-Policy", ""), "with CSP")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', login.text)
        check(
            stylesheet and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet[1]),
            "static URLs are hashed",
        )
        asset = anonymous.get(base + stylesheet[1], headers={"Accept-Encoding": "gzip"})
        check(asset.status_code == 200, f"WhiteNoise serves {stylesheet[1]}")
        check("immutable" in asset.headers.get("Cache-Control", ""), "cached for good (immutable)")
        check(asset.headers.get("Content-Encoding") == "gzip", "compressed")

        print("== the scheduler: the due backup at start, healthy by its heartbeat")
        api.put(
            f"{base}/api/backup/config", json={"backup_enabled": True, "backup_frequency": "daily"}
        )
        stack.start("scheduler")
        deadline = time.monotonic() + 60
        backups = []
        while time.monotonic() < deadline and not (
            backups and backups[0]["status"] not in ("pending", "running")
        ):
            time.sleep(0.5)
            backups = api.get(f"{base}/api/backup/list").json()["items"]
        check(len(backups) == 1 and backups[0]["status"] == "completed", "it took the due backup")
        check(stack.healthy("scheduler"), "compose's health check passes on its heartbeat")
        check(stack.stop("scheduler") == 0, "the scheduler stops cleanly on SIGTERM")
        again = stack.manage("spends_scheduler", "--once")
        check("Nothing to do" in again.stdout, "run again (as from cron), there is nothing to do")

        print("== a backup through the API, run by the worker")
        accepted = api.post(f"{base}/api/backup/create")
        check(accepted.status_code == 202, "POST /api/backup/create answers 202 with a job")
        job = wait_job(api, base, accepted.json())
        check(job["status"] == "completed", f"the worker completed it ({job['status']})")
        check(api.get(f"{base}/api/backup/list").json()["total"] == 2, "two backups are listed")

        print("== logs")
        web_log = stack.log("web")
        lines = [json.loads(line) for line in web_log.splitlines() if line.startswith("{")]
        requests_logged = [line for line in lines if line.get("logger") == "spends_tracker.request"]
        check(len(requests_logged) >= 5, f"{len(requests_logged)} JSON request lines on stdout")
        check(all(len(line["request_id"]) == 32 for line in requests_logged), "each with its id")
        logs = web_log + stack.log("worker")
        check(token not in logs and stack.env["SECRET_KEY"] not in logs, "no token or key logged")

        print("== shutdown")
        check(stack.stop("worker") == 0, "the worker stops cleanly on SIGTERM")
        check(stack.stop("web") == 0, "gunicorn stops cleanly on SIGTERM")
    except Exception as exc:
        print(f"FAILED: {exc}")
        for service in ("web", "worker", "scheduler"):
            print(f"--- {service} log (end)\n{stack.log(service)[-4000:]}")
        return 1
    finally:
        stack.tear_down()
    print(f"Production smoke test passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
