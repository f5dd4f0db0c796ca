"""Load: CLIENTS concurrent clients of mixed reads and writes for SECONDS against gunicorn and
PostgreSQL holding PURCHASES purchases. Passes when no answer is a 5xx and every acknowledged
create is in the database exactly once (and every update shows its last acknowledged value)."""

import random
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict

import requests

from tests.reliability.stack import Stack

WORDS = ["kettle", "laptop", "drill", "camera", "phone", "chair", "lamp", "router"]
MIX = [  # (operation, weight): about three reads for every write
    ("list", 20),
    ("search", 15),
    ("filter", 10),
    ("detail", 15),
    ("summary", 8),
    ("expiring", 7),
    ("create", 18),
    ("update", 7),
]


def load_dataset(stack: Stack, count: int) -> None:
    stack.run(
        "python",
        "-c",
        f"import sys; sys.path.insert(0, 'bench'); import dataset; dataset.load({count})",
        timeout=1800,
    )


class Client(threading.Thread):
    def __init__(self, stack: Stack, deadline: float, ids: list[str], seed: int):
        super().__init__(daemon=True)
        self.stack, self.deadline, self.ids = stack, deadline, ids
        self.rng = random.Random(seed)
        self.samples: list[tuple[str, int, float]] = []  # (operation, status, seconds)
        self.created: dict[str, str] = {}  # marker -> id, acknowledged with 201
        self.unacknowledged: list[str] = []  # markers sent without an answer
        self.updated: dict[str, str] = {}  # id -> last acknowledged price
        self.errors: list[str] = []

    def run(self) -> None:
        session = self.stack.session()
        operations, weights = zip(*MIX, strict=True)
        while time.monotonic() < self.deadline:
            operation = self.rng.choices(operations, weights)[0]
            started = time.monotonic()
            try:
                status = getattr(self, operation)(session)
            except requests.RequestException as exc:
                self.errors.append(f"{operation}: {exc}")
                status = 0
            self.samples.append((operation, status, time.monotonic() - started))

    base = property(lambda self: self.stack.base)

    def list(self, session):
        skip = self.rng.randrange(0, 5000)
        return session.get(
            f"{self.base}/api/purchases?limit=20&skip={skip}", timeout=60
        ).status_code

    def search(self, session):
        word = self.rng.choice(WORDS)
        return session.get(f"{self.base}/api/purchases?search={word}", timeout=60).status_code

    def filter(self, session):
        query = self.rng.choice(
            ["currency_code=EUR", "warranty_status=ACTIVE", "sort=-price", "tag=lamp"]
        )
        return session.get(f"{self.base}/api/purchases?{query}", timeout=60).status_code

    def detail(self, session):
        purchase_id = self.rng.choice(self.ids)
        return session.get(f"{self.base}/api/purchases/{purchase_id}", timeout=60).status_code

    def summary(self, session):
        return session.get(f"{self.base}/api/analytics/summary", timeout=60).status_code

    def expiring(self, session):
        return session.get(f"{self.base}/api/warranties/expiring?days=60", timeout=60).status_code

    def create(self, session):
        marker = f"load-{uuid.uuid4().hex}"
        self.unacknowledged.append(marker)
        response = session.post(
            f"{self.base}/api/purchases",
            json={
                "product_name": marker,
                "price": f"{self.rng.randint(100, 99999) / 100:.2f}",
                "purchase_date": "2026-03-01",
                "warranty_expiry": "2028-03-01",
            },
            timeout=60,
        )
        if response.status_code == 201:
            self.unacknowledged.remove(marker)
            self.created[marker] = response.json()["id"]
        return response.status_code

    def update(self, session):
        if not self.created:
            return self.create(session)
        purchase_id = self.rng.choice(list(self.created.values()))
        price = f"{self.rng.randint(100, 99999) / 100:.2f}"
        response = session.put(
            f"{self.base}/api/purchases/{purchase_id}", json={"price": price}, timeout=60
        )
        if response.status_code == 200:
            self.updated[purchase_id] = price
        return response.status_code


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(*, purchases: int, clients: int, seconds: float) -> bool:
    print(f"== load: {clients} clients, {seconds:.0f} s, {purchases:,} purchases")
    with Stack("spends_reliability_load", workers=3, threads=6) as stack:
        try:
            stack.create_database()
            stack.migrate()
            started = time.monotonic()
            load_dataset(stack, purchases)
            print(f"  {purchases:,} purchases loaded in {time.monotonic() - started:.0f} s")
            stack.create_token()
            stack.start("web")
            ids = [
                row[0] for row in stack.sql("SELECT id::text FROM purchases_purchase LIMIT 2000")
            ]
            deadline = time.monotonic() + seconds
            threads = [Client(stack, deadline, ids, seed) for seed in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return report(stack, threads, seconds)
        finally:
            stack.tear_down()


def report(stack: Stack, threads: list[Client], seconds: float) -> bool:
    samples = [sample for thread in threads for sample in thread.samples]
    statuses = Counter(status for _, status, _ in samples)
    by_operation = defaultdict(list)
    for operation, _, elapsed in samples:
        by_operation[operation].append(elapsed)
    latencies = [elapsed for _, _, elapsed in samples]
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    transport_errors = statuses.get(0, 0)
    print(
        f"  {len(samples):,} requests ({len(samples) / seconds:.0f}/s), statuses {dict(statuses)}"
    )
    print(
        f"  latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    for operation, values in sorted(by_operation.items()):
        print(
            f"    {operation:9} {len(values):6,}  median {statistics.median(values) * 1000:5.0f} ms"
            f"  p95 {percentile(values, 0.95) * 1000:5.0f} ms"
        )
    created = {marker: pk for thread in threads for marker, pk in thread.created.items()}
    unacknowledged = {marker for thread in threads for marker in thread.unacknowledged}
    rows = stack.sql(
        "SELECT p.product_name, p.id::text, p.price::text, COUNT(w.id) FROM purchases_purchase p "
        "LEFT JOIN warranties_warranty w ON w.purchase_id = p.id "
        "WHERE p.product_name LIKE 'load-%%' GROUP BY p.id"
    )
    stored = Counter(name for name, *_ in rows)
    lost = [marker for marker in created if stored[marker] != 1]
    duplicated = [marker for marker, count in stored.items() if count > 1]
    strays = [marker for marker in stored if marker not in created and marker not in unacknowledged]
    without_warranty = [name for name, _, _, warranties in rows if warranties != 1]
    prices = {pk: price for _, pk, price, _ in rows}
    updates = {pk: price for thread in threads for pk, price in thread.updated.items()}
    stale = [pk for pk, price in updates.items() if prices.get(pk) != price]
    print(
        f"  writes: {len(created):,} creates acknowledged, {len(updates):,} purchases updated; "
        f"in the database: {len(stored):,} rows, lost {len(lost)}, duplicated {len(duplicated)}, "
        f"unexplained {len(strays)}, without their warranty {len(without_warranty)}, "
        f"updates not stored {len(stale)}"
    )
    errors = [error for thread in threads for error in thread.errors]
    if errors:
        print(f"  transport errors: {errors[:5]}")
    passed = not (
        server_errors
        or transport_errors
        or lost
        or duplicated
        or strays
        or without_warranty
        or stale
    )
    print(f"  load {'passed' if passed else 'FAILED'}: {server_errors} answers were 5xx")
    return passed
