"""Faults: the server killed with SIGKILL during writes, a JSON import, a backup and a restore.

After each kill the processes are started again, and the data must be exactly the last
committed state: every acknowledged write there once, nothing of an import or a restore that
did not commit, and no job left "running".
"""

import threading
import time
import uuid
from pathlib import Path

import requests

from tests.reliability.load import load_dataset
from tests.reliability.stack import Stack

# A job silent this long has lost its worker (SPENDS_JOB_STALE_SECONDS), short for the test; it
# must stay above a backup's snapshot and a restore's transaction, which write no heartbeat.
STALE_SECONDS = 15


def check(results: list, condition: bool, what: str) -> None:
    results.append(condition)
    print(f"  {'ok ' if condition else 'FAIL'} {what}")


def fingerprint(stack: Stack) -> tuple:
    """Return the count and a digest of every purchase and warranty: equal means same data."""
    return stack.sql(
        "SELECT (SELECT COUNT(*) FROM purchases_purchase), "
        "(SELECT md5(string_agg(id::text || product_name || price::text, ',' ORDER BY id)) "
        " FROM purchases_purchase), "
        "(SELECT md5(string_agg(id::text || warranty_end::text, ',' ORDER BY id)) "
        " FROM warranties_warranty)"
    )[0]


def wait_for(condition, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def app_writing(stack: Stack) -> bool:
    """Say whether a long transaction of the app (an import's, a restore's) is writing now.

    Progress and heartbeats are short transactions of their own; a restore point's snapshot is
    read-only: neither holds a transaction id for long.
    """
    return bool(
        stack.sql(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND xact_start < now() - interval '1 second'"
        )
    )


def writes_killed(stack: Stack, results: list, seconds: float) -> None:
    print("== SIGKILL of gunicorn during a write-heavy run")
    acknowledged, sent = {}, set()
    stop = threading.Event()

    def writer():
        session = stack.session()
        while not stop.is_set():
            marker = f"fault-{uuid.uuid4().hex}"
            sent.add(marker)
            try:
                response = session.post(
                    f"{stack.base}/api/purchases",
                    json={
                        "product_name": marker,
                        "price": "10.00",
                        "purchase_date": "2026-01-01",
                        "warranty_expiry": "2027-01-01",
                    },
                    timeout=30,
                )
            except requests.RequestException:
                time.sleep(0.05)  # the server is down; try again
                continue
            if response.status_code == 201:
                acknowledged[marker] = response.json()["id"]
            elif response.status_code >= 500:
                results.append(False)
                print(f"  FAIL a write answered {response.status_code}")

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    for _ in range(3):  # three kills in one run
        time.sleep(seconds / 4)
        stack.kill("web")
        stack.start("web")
    time.sleep(seconds / 4)
    stop.set()
    for thread in threads:
        thread.join()
    rows = stack.sql(
        "SELECT p.product_name, COUNT(DISTINCT p.id), COUNT(w.id) FROM purchases_purchase p "
        "LEFT JOIN warranties_warranty w ON w.purchase_id = p.id "
        "WHERE p.product_name LIKE 'fault-%%' GROUP BY p.product_name"
    )
    stored = {name: (count, warranties) for name, count, warranties in rows}
    print(f"  {len(acknowledged):,} creates acknowledged, {len(stored):,} stored, 3 kills")
    check(results, all(stored.get(m, (0, 0))[0] == 1 for m in acknowledged), "none lost")
    check(results, all(count == 1 for count, _ in stored.values()), "none duplicated")
    check(results, set(stored) <= sent, "nothing stored that was not sent")
    check(results, all(w == 1 for _, w in stored.values()), "no purchase without its warranty")


def import_killed(stack: Stack, results: list, export: Path) -> None:
    print("== SIGKILL of gunicorn during a JSON import")
    before = fingerprint(stack)
    outcome = {}

    def upload():
        try:
            with export.open("rb") as file:
                outcome["response"] = stack.session().post(
                    f"{stack.base}/api/import/json?mode=update", files={"file": file}, timeout=600
                )
        except requests.RequestException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    writing = wait_for(lambda: app_writing(stack), timeout=120, interval=0.02)
    stack.kill("web")
    thread.join()
    stack.start("web")
    check(results, writing and "error" in outcome, "the import was under way when it was killed")
    check(results, fingerprint(stack) == before, "after the restart the data is as before it")


def job_failed_after_restart(stack: Stack, results: list, api, job_id: str) -> None:
    """Start the killed worker again; once the job's lease is stale it must be failed, not stuck."""
    stack.start("worker")
    time.sleep(stack.stale_seconds + 1)
    status = api.get(f"{stack.base}/api/jobs/{job_id}").json()
    check(
        results, status["status"] == "failed", f"the job is failed, not stuck ({status['status']})"
    )


def backup_killed(stack: Stack, results: list) -> str | None:
    """Kill the worker during a backup; return the id of the backup taken after it."""
    print("== SIGKILL of the worker during a backup")
    api = stack.session()
    before = sorted(p.name for p in (stack.data / "backups").glob("*.zip"))
    job = api.post(f"{stack.base}/api/backup/create").json()
    running = wait_for(
        lambda: api.get(f"{stack.base}/api/jobs/{job['id']}").json()["status"] == "running",
        timeout=60,
    )
    stack.kill("worker")
    check(results, running, "the backup was running when the worker was killed")
    job_failed_after_restart(stack, results, api, job["id"])
    state = api.get(f"{stack.base}/api/backup/status").json()["state"]
    check(results, state != "running", f"backup status says {state}")
    after = sorted(p.name for p in (stack.data / "backups").glob("*.zip"))
    check(results, after == before, "no half-written archive among the backups")
    again = api.post(f"{stack.base}/api/backup/create").json()
    wait_for(
        lambda: (
            api.get(f"{stack.base}/api/jobs/{again['id']}").json()["status"]
            not in ("pending", "running")
        ),
        timeout=300,
        interval=0.5,
    )
    final = api.get(f"{stack.base}/api/jobs/{again['id']}").json()
    check(results, final["status"] == "completed", "the next backup completes")
    return final["result"]["id"] if final["status"] == "completed" else None


def restore_killed(stack: Stack, results: list, backup_id: str) -> None:
    """Kill the worker inside the restore's transaction; the data must be as before it."""
    print("== SIGKILL of the worker during a restore")
    api = stack.session()
    # Change the data after the backup, so that a restore has something to undo.
    api.post(
        f"{stack.base}/api/purchases",
        json={"product_name": "after the backup", "price": "1.00", "purchase_date": "2026-01-01"},
    )
    before = fingerprint(stack)
    job = api.post(f"{stack.base}/api/backup/restore", json={"backup_id": backup_id}).json()
    # The restore point (a backup) comes first; kill once the replacing transaction writes.
    writing = wait_for(lambda: app_writing(stack), timeout=300, interval=0.05)
    stack.kill("worker")
    check(results, writing, "the restore was replacing the data when the worker was killed")
    job_failed_after_restart(stack, results, api, job["id"])
    check(results, fingerprint(stack) == before, "the data is exactly as before the restore")


def run(*, purchases: int, seconds: float, stale_seconds: int = STALE_SECONDS) -> bool:
    results: list[bool] = []
    print(f"== faults ({purchases:,} purchases)")
    with Stack(
        "spends_reliability_faults",
        extra_env={"SPENDS_JOB_STALE_SECONDS": str(stale_seconds)},
    ) as stack:
        stack.stale_seconds = stale_seconds
        try:
            stack.create_database()
            stack.migrate()
            load_dataset(stack, purchases)
            stack.create_token()
            stack.start("web")
            stack.start("worker")
            export = stack.work / "export.json"
            export.write_bytes(stack.session().get(f"{stack.base}/api/export/json").content)
            writes_killed(stack, results, seconds)
            # mode=update: every record of the file is written again, in one transaction.
            import_killed(stack, results, export)
            backup_id = backup_killed(stack, results)
            if backup_id:
                restore_killed(stack, results, backup_id)
            else:
                results.append(False)
        finally:
            stack.tear_down()
    passed = all(results)
    print(
        f"  faults {'passed' if passed else 'FAILED'}: {results.count(True)}/{len(results)} checks"
    )
    return passed
