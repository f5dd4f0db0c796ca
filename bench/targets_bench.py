"""The application over HTTP as production runs it, each figure beside its target.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (its data
tables are emptied first; --skip-load reuses them), starts the application under gunicorn with the
production configuration (`gunicorn.conf.py`: 2 workers x 4 threads unless GUNICORN_WORKERS and
GUNICORN_THREADS say otherwise; DEBUG off, collected static files) on a free local port, and
calls it with Python's http.client over keep-alive connections: the API with a Bearer token, the
dashboard page with a session cookie of an owner.

One client at a time, each figure RUNS times after one warm-up request, median and p95 in ms: the
floor (`/api/health`), one purchase, searches (one with a typo, without a target), lists by
retailer, brand and dates, warranties expiring, and the dashboard's figures "cold" (a write through
the API before each request, so that neither worker's cache holds the figure) one by one and as a
whole visit (the page and the charts' five API calls back to back after one write, summed). The
figures take turns, one request each per round, the cold ones after the others (`time_figures`).
Beside each, the number of SQL queries of the same request, counted in-process with Django's test
client (the cold ones after the same write through the API). Beside the table, where one purchase's
time goes beyond the floor, in-process: the token's lookup, the purchase and its warranties,
validating and encoding the JSON, the rest of the request, and HTTP with gunicorn. Then the mixed
load: CLIENTS threads for SECONDS, each looping over a weighted mix of what people do (the
dashboard visit, inventory pages and sorts, filters, search, one purchase, the warranty lists, and
about 10 % writes: creating purchases, changing notes, deleting some it created) as fast as answers
come; p50, p95, max, requests per second and every error, then a check in the database that every
acknowledged write is there exactly once. The rows the mixed load created are deleted and the notes
it wrote cleared at the end, so --skip-load finds the same data next time.

    psql -h 127.0.0.1 -U postgres -c "create database spends_bench_table"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench_table \\
        .venv/bin/python bench/targets_bench.py --purchases 100000
    DATABASE_URL=sqlite:////tmp/spends_bench_table.sqlite3 \\
        .venv/bin/python bench/targets_bench.py --purchases 100000

Targets at 100,000 purchases (on the median unless said otherwise): one purchase at most 1.5 x the
floor and at most 3 queries; each search under 30 ms (SQLite: 60 ms); each list by retailer, brand
or dates under 15 ms; warranties expiring in 30 days under 20 ms; each cold dashboard figure under
30 ms and the whole cold visit under 150 ms; under the mixed load (16 clients), p95 under 500 ms,
no errors, and every acknowledged write present once. Missed targets are reported, not failed:
the exit status is non-zero only when a figure could not be measured. Not a test: run by hand.
"""

import argparse
import datetime
import http.client
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from dataset import BENCH_USER, prepare_token
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from server import BASE_DIR, gunicorn_configuration, serving

from accounts.models import Membership, Role
from accounts.services import api_token_authenticate
from catalog.models import Brand, Retailer
from kernel import clock
from kernel.versioning import data_version
from purchases.models import Purchase
from purchases.schemas import PurchaseOut
from purchases.services import purchase_delete, purchase_update
from spends_tracker.api import api as ninja_api
from warranties.models import Warranty

REQUEST_TIMEOUT = 180  # seconds; gunicorn restarts a worker whose request takes 120
# What the mixed load writes, so that it can be found, checked and removed afterwards.
CREATED_PREFIX = "Bench load "
NOTES_PREFIX = "bench write "
# The dashboard's charts fetch these once the page has painted (dashboard_chart.js).
DASHBOARD_CHARTS = [
    "/api/analytics/summary",
    "/api/analytics/retailers",
    "/api/analytics/spending?months=12",
    "/api/analytics/warranties/timeline?months=12",
    "/api/analytics/top-products?sort_by=count&limit=10",
]
DASHBOARD_VISIT = ["/", *DASHBOARD_CHARTS]
SEARCH_WORDS = ["kettle", "drill", "laptop", "phone", "lamp", "chair", "router", "mixer"]
SORTS = ["-created_at", "created_at", "-purchase_date", "purchase_date", "-price", "product_name"]


# -- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    ms: float

    def json(self):
        return json.loads(self.body)


class Connection:
    """One keep-alive connection, as a browser tab or an API client holds it: the API with the
    Bearer token, pages (any path outside /api/) with the session cookie."""

    # A reused connection the server has closed meanwhile (gunicorn's keep-alive timeout, a
    # worker replaced after its max_requests) fails before the request reaches the application;
    # like browsers, send it again once on a new connection.
    STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

    def __init__(self, port: int, token: str, session: str):
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        self.api_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.page_headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            "Accept": "text/html",
        }
        self.resent = 0

    def request(self, method: str, path: str, body: dict | None = None) -> Response:
        headers = dict(self.api_headers if path.startswith("/api/") else self.page_headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        for attempt in (1, 2):
            reused = self.http.sock is not None
            try:
                self.http.request(method, path, body=data, headers=headers)
                response = self.http.getresponse()
                content = response.read()
            except self.STALE:
                self.http.close()
                if attempt == 1 and reused:
                    self.resent += 1
                    continue
                raise
            except BaseException:
                self.http.close()
                raise
            return Response(response.status, content, (time.perf_counter() - began) * 1000)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.http.close()


class Unexpected(Exception):
    """An answer other than the one the request must get: the figure cannot be measured."""


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise Unexpected(f"{what}: HTTP {response.status}: {response.body[:300]!r}")
    return response


# -- Single-client figures --------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """The 95th percentile, interpolated between observed values (never above the maximum)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


@dataclass
class Figure:
    label: str
    urls: list[str]  # several: requested back to back after one write, their times summed
    limit: float | None = None  # target: median under LIMIT ms
    cold: bool = False  # a write before each request (and before each set of URLS)


@dataclass
class Row:
    label: str
    median: float | None = None
    p95: float | None = None
    queries: int | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


class Writer:
    """The write before each cold request: a new note on one purchase, through the API."""

    def __init__(self, connection: Connection, purchase_id: str, tag: str):
        self.connection, self.purchase_id, self.tag, self.count = connection, purchase_id, tag, 0

    def __call__(self) -> None:
        self.count += 1
        notes = f"{NOTES_PREFIX}{self.tag} cold {self.count}"
        response = self.connection.request(
            "PUT", f"/api/purchases/{self.purchase_id}", {"notes": notes}
        )
        expect(response, 200, "PUT /api/purchases/{id} (the write before a cold request)")


def request_figure(
    connection: Connection, figure: Figure, write: Writer
) -> tuple[float, int | None]:
    """One timing of FIGURE (its requests summed, after a write if cold), and how many items a
    list or search found."""
    if figure.cold:
        write()
    total, found = 0.0, None
    for url in figure.urls:
        response = expect(connection.request("GET", url), 200, f"GET {url}")
        total += response.ms
        if url.startswith(("/api/purchases?", "/api/warranties")):
            content = response.json()
            found = content["total"] if isinstance(content, dict) else len(content)
    return total, found


def time_figure(
    connection: Connection, figure: Figure, runs: int, write: Writer
) -> tuple[list[float], int | None]:
    """RUNS times of FIGURE after a warm-up; and how many items a list or search found."""
    request_figure(connection, figure, write)  # warm-up
    timings = [request_figure(connection, figure, write) for _ in range(runs)]
    return [ms for ms, _ in timings], timings[-1][1]


@dataclass
class Timed:
    timings: list[float] = field(default_factory=list)
    found: int | None = None
    error: Unexpected | None = None


def time_figures(
    connection: Connection, figures: list[Figure], runs: int, write: Writer
) -> dict[str, Timed]:
    """RUNS times of every figure, in turns: a round asks each figure once, and the first round
    warms up. The floor and the figures compared with it then meet the same moments of a
    machine whose speed drifts (seen here: the floor 1.5 ms in one run and 2.6 ms in the next).
    The warm figures take their turns first, then the cold ones, whose writes would otherwise
    empty the caches of the warm figures after them. A figure that fails stops there."""
    timed = {figure.label: Timed() for figure in figures}
    for group in ([f for f in figures if not f.cold], [f for f in figures if f.cold]):
        for round_number in range(runs + 1):
            for figure in group:
                result = timed[figure.label]
                if result.error is not None:
                    continue
                try:
                    ms, result.found = request_figure(connection, figure, write)
                except Unexpected as exc:
                    result.error = exc
                    continue
                if round_number:
                    result.timings.append(ms)
    return timed


def count_queries(api: Client, page: Client, figure: Figure, written: str, tag: str) -> int:
    """SQL queries of FIGURE's request(s), in-process, after a warm-up and, if cold, the same
    write through the API as over HTTP (on purchase WRITTEN): a write made some other way would
    not be what the application sees from people."""

    def get(url: str):
        response = (api if url.startswith("/api/") else page).get(url)
        if response.status_code != 200:
            raise Unexpected(f"in-process GET {url}: HTTP {response.status_code}")

    for url in figure.urls:
        get(url)
    if figure.cold:
        notes = json.dumps({"notes": f"{NOTES_PREFIX}{tag} in-process"})
        response = api.put(f"/api/purchases/{written}", notes, content_type="application/json")
        if response.status_code != 200:
            raise Unexpected(f"in-process PUT /api/purchases/{{id}}: {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        for url in figure.urls:
            get(url)
    return len(queries.captured_queries)


# -- Where one purchase's time goes -----------------------------------------------------------

BREAKDOWN_CALLS = 300


def median_ms(call, calls: int = BREAKDOWN_CALLS) -> float:
    """The median of CALLS calls of CALL, in ms, after twenty unmeasured ones."""
    for _ in range(20):
        call()
    timings = []
    for _ in range(calls):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


@dataclass
class Breakdown:
    """What one purchase costs beyond `/api/health`, part by part, in this process (no HTTP)."""

    health: float
    whole: float
    token: float
    read: float
    serialise: float
    version: float

    @property
    def rest(self) -> float:
        return self.whole - self.health - self.token - self.read - self.serialise


def one_purchase_breakdown(api: Client, token: str, purchase_id: str) -> Breakdown:
    """Time the parts of GET /api/purchases/{id} with the functions its handler runs (issue:
    "measure what a token-authenticated request costs beyond /api/health")."""
    purchase = Purchase.objects.with_details().get(pk=purchase_id)
    return Breakdown(
        health=median_ms(lambda: api.get("/api/health")),
        whole=median_ms(lambda: api.get(f"/api/purchases/{purchase_id}")),
        token=median_ms(lambda: api_token_authenticate(token)),
        read=median_ms(lambda: Purchase.objects.with_details().get(pk=purchase_id)),
        serialise=median_ms(
            lambda: ninja_api.renderer.render(
                None, PurchaseOut.from_orm(purchase).model_dump(), response_status=200
            )
        ),
        version=median_ms(data_version),
    )


def print_breakdown(parts: Breakdown, floor: float | None) -> None:
    print(
        f"-- one purchase beyond the floor, in this process without HTTP (medians of "
        f"{BREAKDOWN_CALLS} calls): GET /api/health {parts.health:.2f} ms, GET "
        f"/api/purchases/{{id}} {parts.whole:.2f} ms, {parts.whole - parts.health:.2f} ms more:"
    )
    lines = [
        ("the token's lookup (1 query)", parts.token),
        ("the purchase and its warranties (2 queries)", parts.read),
        ("validating and encoding the JSON", parts.serialise),
        ("the rest (routing, the role's check, a larger response)", parts.rest),
        ("the data version (one read; this request does not read it)", parts.version),
    ]
    if floor is not None:
        lines.append(
            ("HTTP and gunicorn (the floor over HTTP less in-process)", floor - parts.health)
        )
    for label, value in lines:
        print(f"   {label:<62} {value:6.2f} ms")


# -- Mixed load -------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the load's clients choose from (read-only, shared by the threads)."""

    port: int
    token: str
    session: str
    deadline: float
    tag: str
    purchase_ids: list[str]
    retailer_ids: list[str]
    brand_ids: list[str]
    serial_count: int
    today: datetime.date


@dataclass
class Attempt:
    notes: str
    acknowledged: bool


class LoadClient(threading.Thread):
    """One person (or script) using the application: a loop of weighted actions, no pause."""

    ACTIONS = {  # action: weight (the dashboard visit makes 6 requests, the others 1)
        "dashboard visit": 8,
        "inventory list": 22,
        "inventory filter": 5,
        "search": 14,
        "one purchase": 14,
        "warranties list": 6,
        "warranties expiring": 4,
        # Writes: 13 of ~126 requests, about 10 %.
        "create": 6,
        "update notes": 6,
        "delete own": 1,
    }

    def __init__(self, index: int, plan: Plan, own_ids: list[str]):
        super().__init__(name=f"load-client-{index}", daemon=True)
        self.index, self.plan, self.own_ids = index, plan, own_ids
        self.rng = random.Random(1000 + index)
        self.connection = Connection(plan.port, plan.token, plan.session)
        self.samples: list[tuple[str, float]] = []  # (kind, ms) of every request
        self.errors: list[tuple[str, str]] = []  # (kind, what went wrong)
        self.created: dict[str, str] = {}  # unique product name: id, acknowledged (201)
        self.deleted: set[str] = set()  # acknowledged (204)
        self.delete_unknown: set[str] = set()  # the delete failed: it may or may not have happened
        self.updates: dict[str, list[Attempt]] = {}  # purchase id: notes written, in order
        self.failure: BaseException | None = None
        self.sequence = 0

    def run(self) -> None:
        actions, weights = zip(*self.ACTIONS.items(), strict=True)
        try:
            while time.monotonic() < self.plan.deadline:
                action = self.rng.choices(actions, weights)[0]
                getattr(self, "do_" + action.replace(" ", "_"))()
        except BaseException as exc:  # a bug of the benchmark, not an answer of the server
            self.failure = exc
        finally:
            self.connection.close()

    def call(self, kind: str, method: str, path: str, status: int, body=None) -> Response | None:
        began = time.perf_counter()
        try:
            response = self.connection.request(method, path, body)
        except (OSError, http.client.HTTPException) as exc:
            self.samples.append((kind, (time.perf_counter() - began) * 1000))
            self.errors.append((kind, f"{method} {_shape(path)}: {type(exc).__name__}: {exc}"))
            return None
        self.samples.append((kind, response.ms))
        if response.status != status:
            detail = response.body[:160].decode(errors="replace")
            self.errors.append((kind, f"{method} {_shape(path)}: HTTP {response.status} {detail}"))
            return None
        return response

    def get(self, kind: str, path: str) -> None:
        self.call(kind, "GET", path, 200)

    def do_dashboard_visit(self) -> None:
        self.get("dashboard page", "/")
        for url in DASHBOARD_CHARTS:
            self.get("dashboard API", url)

    def do_inventory_list(self) -> None:
        skip = self.rng.choice([0, 0, 0, 20, 40, self.rng.randrange(0, 2000, 20)])
        limit = self.rng.choice([20, 20, 20, 100])
        sort = self.rng.choice(SORTS)
        self.get("inventory list", f"/api/purchases?skip={skip}&limit={limit}&sort={sort}")

    def do_inventory_filter(self) -> None:
        plan, rng = self.plan, self.rng
        choice = rng.randrange(3)
        if choice == 0:
            query = f"retailer_id={rng.choice(plan.retailer_ids)}"
        elif choice == 1:
            query = f"brand_id={rng.choice(plan.brand_ids)}"
        else:
            start = plan.today - datetime.timedelta(days=rng.randrange(30, 3000))
            query = f"date_from={start}&date_to={start + datetime.timedelta(days=60)}"
        self.get("inventory list", f"/api/purchases?{query}")

    def do_search(self) -> None:
        rng = self.rng
        choice = rng.randrange(3)
        if choice == 0:
            term = rng.choice(SEARCH_WORDS)
        elif choice == 1:
            term = " ".join(rng.sample(SEARCH_WORDS, 2))
        else:
            term = f"SN{rng.randrange(max(self.plan.serial_count, 1)):08d}"
        self.get("search", f"/api/purchases?search={quote(term)}")

    def do_one_purchase(self) -> None:
        self.get("one purchase", f"/api/purchases/{self.rng.choice(self.plan.purchase_ids)}")

    def do_warranties_list(self) -> None:
        skip = self.rng.choice([0, 0, 20, self.rng.randrange(0, 1000, 20)])
        self.get("warranties", f"/api/warranties?skip={skip}")

    def do_warranties_expiring(self) -> None:
        self.get("warranties", "/api/warranties/expiring?days=30")

    def do_create(self) -> None:
        self.sequence += 1
        name = f"{CREATED_PREFIX}{self.plan.tag} {self.index}-{self.sequence}"
        day = self.plan.today - datetime.timedelta(days=self.rng.randrange(0, 1000))
        body = {
            "product_name": name,
            "price": f"{self.rng.randrange(100, 100000) / 100:.2f}",
            "purchase_date": str(day),
            "warranty_expiry": str(day + datetime.timedelta(days=730)),
            "retailer_id": self.rng.choice(self.plan.retailer_ids),
            "brand_id": self.rng.choice(self.plan.brand_ids),
        }
        response = self.call("create", "POST", "/api/purchases", 201, body)
        if response is not None:
            self.created[name] = response.json()["id"]

    def do_update_notes(self) -> None:
        self.sequence += 1
        purchase_id = self.rng.choice(self.own_ids)
        notes = f"{NOTES_PREFIX}{self.plan.tag} {self.index}-{self.sequence}"
        path = f"/api/purchases/{purchase_id}"
        response = self.call("update", "PUT", path, 200, {"notes": notes})
        self.updates.setdefault(purchase_id, []).append(Attempt(notes, response is not None))

    def do_delete_own(self) -> None:
        candidates = sorted(set(self.created) - self.deleted - self.delete_unknown)
        if not candidates:
            return self.do_create()
        name = self.rng.choice(candidates)
        response = self.call("delete", "DELETE", f"/api/purchases/{self.created[name]}", 204)
        (self.deleted if response is not None else self.delete_unknown).add(name)
        return None


def _shape(path: str) -> str:
    """PATH without its ids and query values, to group errors."""
    parts = urlsplit(path)
    segments = ["{id}" if len(s) == 36 and s.count("-") == 4 else s for s in parts.path.split("/")]
    keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return "/".join(segments) + (f"?{'&'.join(keys)}" if keys else "")


@dataclass
class LoadResult:
    clients: list[LoadClient]
    seconds: float
    samples: list[tuple[str, float]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        for client in self.clients:
            self.samples += client.samples
            self.errors += client.errors


def mixed_load(plan: Plan, clients: int, seconds: float) -> LoadResult:
    ids = list(plan.purchase_ids)
    random.Random(7).shuffle(ids)
    # Each client changes the notes of its own purchases only, so that the last acknowledged
    # value of each is known.
    threads = [LoadClient(i, plan, ids[i::clients]) for i in range(clients)]
    began = time.monotonic()
    plan.deadline = began + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = LoadResult(threads, time.monotonic() - began)
    failures = [thread.failure for thread in threads if thread.failure]
    if failures:
        raise RuntimeError(f"a load client failed: {failures[0]!r}") from failures[0]
    return result


@dataclass
class Verification:
    creates: tuple[int, int] = (0, 0)  # present once, acknowledged and not deleted
    deletes: tuple[int, int] = (0, 0)  # absent, acknowledged deletes
    updates: tuple[int, int] = (0, 0)  # holding the last acknowledged notes, purchases updated
    unacknowledged_present: int = 0  # creates that failed at the client yet are in the database
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.creates[0] + self.deletes[0] + self.updates[0]

    @property
    def total(self) -> int:
        return self.creates[1] + self.deletes[1] + self.updates[1]


def verify(result: LoadResult, tag: str) -> Verification:
    """Check in the database that every acknowledged write of the load is there exactly once."""
    rows = Purchase.objects.filter(product_name__startswith=f"{CREATED_PREFIX}{tag} ")
    found: dict[str, list[str]] = {}
    for name, purchase_id in rows.values_list("product_name", "id"):
        found.setdefault(name, []).append(str(purchase_id))
    check = Verification()
    creates, deletes, updates = [0, 0], [0, 0], [0, 0]
    acknowledged = set()
    for client in result.clients:
        acknowledged |= set(client.created)
        for name, purchase_id in client.created.items():
            present = found.get(name, [])
            if name in client.deleted:
                deletes[1] += 1
                deletes[0] += not present
                if present:
                    check.problems.append(f"deleted yet present: {name}")
            elif name in client.delete_unknown:
                pass  # its delete failed: present once or absent, either is right
            else:
                creates[1] += 1
                if present == [purchase_id]:
                    creates[0] += 1
                else:
                    check.problems.append(f"created {name} as {purchase_id}, found {present}")
        notes = dict(
            Purchase.objects.filter(pk__in=list(client.updates)).values_list("id", "notes")
        )
        for purchase_id, attempts in client.updates.items():
            last = max((i for i, a in enumerate(attempts) if a.acknowledged), default=None)
            if last is None:
                continue
            updates[1] += 1
            # Attempts after the last acknowledged one failed at the client; any may have landed.
            allowed = {attempt.notes for attempt in attempts[last:]}
            stored = notes.get(uuid.UUID(purchase_id))
            if stored in allowed:
                updates[0] += 1
            else:
                check.problems.append(f"{purchase_id}: notes {stored!r}, expected one of {allowed}")
    check.creates, check.deletes, check.updates = tuple(creates), tuple(deletes), tuple(updates)
    check.unacknowledged_present = len(set(found) - acknowledged)
    return check


def clean_up() -> None:
    """Remove what the mixed load created and clear the notes the benchmark wrote, through the
    write services as the API does (a bulk write around them would leave the dashboard's
    summaries to be rebuilt by the next reader)."""
    for purchase in Purchase.objects.filter(product_name__startswith=CREATED_PREFIX):
        purchase_delete(purchase=purchase)
    for purchase in Purchase.objects.filter(notes__startswith=NOTES_PREFIX):
        purchase_update(purchase=purchase, data={"notes": None})


# -- Report -----------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(header: list[str], rows: list[Row]) -> None:
    for line in header:
        print(line)
    columns = ["figure", "median ms", "p95 ms", "queries", "target", "met"]
    cells = [
        [
            row.label,
            ms(row.median),
            ms(row.p95),
            "-" if row.queries is None else str(row.queries),
            row.target,
            {True: "yes", False: "NO", None: "-"}[row.met] if not row.note else row.note,
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [columns, *cells]) for i in range(len(columns))]
    right = {1, 2, 3}

    def line(values):
        return " | ".join(
            value.rjust(width) if i in right else value.ljust(width)
            for i, (value, width) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print(line(columns))
    print("-+-".join("-" * width for width in widths))
    for values in cells:
        print(line(values))


def print_load_breakdown(result: LoadResult) -> None:
    print(f"-- mixed load by kind of request ({result.seconds:.0f} s)")
    kinds: dict[str, list[float]] = {}
    for kind, value in result.samples:
        kinds.setdefault(kind, []).append(value)
    errors = Counter(kind for kind, _ in result.errors)
    print(f"{'kind':<16} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
    for kind, values in sorted(kinds.items(), key=lambda item: -len(item[1])):
        print(
            f"{kind:<16} {len(values):>8} {statistics.median(values):>8.1f} "
            f"{p95(values):>8.1f} {max(values):>8.1f} {errors[kind]:>6}"
        )
    if result.errors:
        print("-- errors under the mixed load (count, first of each kind)")
        grouped = Counter(_group(detail) for _, detail in result.errors)
        first: dict[str, str] = {}
        for _, detail in result.errors:
            first.setdefault(_group(detail), detail)
        for key, count in grouped.most_common():
            print(f"{count:>6}  {first[key][:300]}")


def _group(detail: str) -> str:
    """The request's shape and the status (or the exception's type) of an error's DETAIL."""
    head, _, rest = detail.partition(": ")
    words = rest.split(" ")
    return f"{head}: {' '.join(words[:2] if rest.startswith('HTTP ') else words[:1])}"


def code_version() -> str:
    """The commit the server ran, and whether files were changed since (the code moves)."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# -- Main -------------------------------------------------------------------------------------


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="Timed requests per figure.")
    parser.add_argument("--skip-load", action="store_true", help="Reuse the data already loaded.")
    parser.add_argument("--clients", type=int, default=16, help="Threads of the mixed load.")
    parser.add_argument("--seconds", type=float, default=60, help="Duration of the mixed load.")
    return parser.parse_args()


def figures(vendor: str) -> tuple[list[Figure], str, str]:
    """The single-client figures, the id of the purchase the cold figures write to, and that of
    the one purchase read."""
    total = Purchase.objects.count()
    if not total:
        raise SystemExit("no purchases: load some (without --skip-load)")
    by_serial = Purchase.objects.order_by("serial_number").values_list("id", flat=True)
    middle, written = str(by_serial[total // 2]), str(by_serial[total // 3])
    retailer = Retailer.objects.order_by("name").first()
    brand = Brand.objects.order_by("name").first()
    today = clock.today()
    date_from, date_to = today - datetime.timedelta(days=90), today - datetime.timedelta(days=30)
    search = 60 if vendor == "sqlite" else 30
    return (
        [
            Figure("floor: GET /api/health", ["/api/health"]),
            Figure("one purchase", [f"/api/purchases/{middle}"]),
            Figure("search one word 'kettle'", ["/api/purchases?search=kettle"], search),
            Figure(
                "search two words 'kettle drill'",
                ["/api/purchases?search=kettle%20drill"],
                search,
            ),
            Figure("search rare 'SN0004242'", ["/api/purchases?search=SN0004242"], search),
            # No target: a typo's variants are looked up, and its matches (all of them found
            # with a typo) ranked; it shows that a rare word's lookups stay indexed.
            Figure("search with a typo 'kettel'", ["/api/purchases?search=kettel"]),
            Figure("list by retailer", [f"/api/purchases?retailer_id={retailer.id}"], 15),
            Figure("list by brand", [f"/api/purchases?brand_id={brand.id}"], 15),
            Figure(
                "list by date range (90 to 30 days ago)",
                [f"/api/purchases?date_from={date_from}&date_to={date_to}"],
                15,
            ),
            Figure("warranties expiring in 30 days", ["/api/warranties/expiring?days=30"], 20),
            *(
                Figure(f"cold: {'page GET /' if url == '/' else url}", [url], 30, cold=True)
                for url in DASHBOARD_VISIT
            ),
            Figure("cold: whole visit (page + 5 calls, summed)", DASHBOARD_VISIT, 150, cold=True),
        ],
        written,
        middle,
    )


def main() -> int:
    args = arguments()
    # The requests made in-process (counting queries) would each log a line.
    logging.disable(logging.INFO)
    # WhiteNoise, in-process, where static files are not collected.
    warnings.filterwarnings("ignore", message="No directory at")
    load_at_start = load_average()
    token = prepare_token(args.purchases, args.skip_load)
    clean_up()  # what an interrupted run may have left
    vendor = connection.vendor
    purchases, warranties = Purchase.objects.count(), Warranty.objects.count()
    config = gunicorn_configuration()
    workers, threads = config["workers"], config["threads"]
    user = get_user_model().objects.get(username=BENCH_USER)
    Membership.objects.update_or_create(user=user, defaults={"role": Role.OWNER})
    page_client = Client()
    page_client.force_login(user)
    session = page_client.cookies[settings.SESSION_COOKIE_NAME].value
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    figure_list, written, one_purchase = figures(vendor)
    tag = uuid.uuid4().hex[:8]

    print("counting queries in-process ...")
    failed = False
    queries: dict[str, int | None] = {}
    for figure in figure_list:
        try:
            queries[figure.label] = count_queries(api_client, page_client, figure, written, tag)
        except Unexpected as exc:
            queries[figure.label], failed = None, True
            print(f"!! {figure.label}: {exc}")

    print("timing one purchase's parts in-process ...")
    parts = one_purchase_breakdown(api_client, token, one_purchase)

    rows: list[Row] = []
    load_before_timing = load_average()
    code = code_version()
    try:
        with serving("gunicorn") as (base_url, _):
            port = urlsplit(base_url).port
            single = Connection(port, token, session)
            write = Writer(single, written, tag)
            page = expect(single.request("GET", "/"), 200, "GET / with the session cookie")
            if b'data-testid="kpi-items"' not in page.body:
                raise Unexpected("GET / with the session cookie did not show the dashboard")
            floor = None
            print(f"timing {len(figure_list)} figures, {args.runs} runs each, in turns ...")
            timed = time_figures(single, figure_list, args.runs, write)
            for figure in figure_list:
                row = Row(figure.label, queries=queries[figure.label])
                result = timed[figure.label]
                if result.error is not None:
                    print(f"!! {figure.label}: {result.error}")
                    row.note, failed = "ERROR", True
                    rows.append(row)
                    continue
                timings, found = result.timings, result.found
                row.median, row.p95 = statistics.median(timings), p95(timings)
                if found is not None:
                    row.label += f" ({found:,} found)"
                if figure is figure_list[0]:
                    floor = row.median
                    row.target = "(the floor)"
                elif figure is figure_list[1]:
                    limit = 1.5 * floor if floor is not None else None
                    row.target = f"<= 1.5 x floor ({ms(limit)} ms), <= 3 queries"
                    if limit is not None and row.queries is not None:
                        row.met = row.median <= limit and row.queries <= 3
                elif figure.limit is not None:
                    row.target = f"< {figure.limit:g} ms"
                    row.met = row.median < figure.limit
                rows.append(row)
            single.close()

            print(f"mixed load: {args.clients} clients for {args.seconds:g} s ...")
            sample = Purchase.objects.order_by("?").values_list("id", flat=True)[:2000]
            plan = Plan(
                port=port,
                token=token,
                session=session,
                deadline=0.0,  # set when the clients start
                tag=tag,
                purchase_ids=[str(pk) for pk in sample],
                retailer_ids=[str(pk) for pk in Retailer.objects.values_list("id", flat=True)],
                brand_ids=[str(pk) for pk in Brand.objects.values_list("id", flat=True)],
                serial_count=purchases,
                today=clock.today(),
            )
            result = mixed_load(plan, args.clients, args.seconds)
        check = verify(result, tag)
    finally:
        clean_up()
    load_at_end = load_average()

    values = [value for _, value in result.samples]
    resent = sum(client.connection.resent for client in result.clients)
    rows += [
        Row(
            f"mixed load: {args.clients} clients x {result.seconds:.0f} s, "
            f"all {len(values):,} requests",
            median=statistics.median(values),
            p95=p95(values),
            target="p95 < 500 ms",
            met=p95(values) < 500,
        ),
        Row(f"mixed load: {len(values) / result.seconds:.1f} requests/s, max {max(values):.0f} ms"),
        Row(f"mixed load: {len(result.errors)} errors", target="0", met=not result.errors),
        Row(
            f"acknowledged writes present once: {check.ok}/{check.total}",
            target="all",
            met=check.ok == check.total,
        ),
    ]
    header = [
        "",
        f"== {vendor}, {purchases:,} purchases, {warranties:,} warranties; gunicorn {workers} "
        f"workers x {threads} threads; {args.runs} runs per figure, concurrency 1; code {code}",
        f"== load average (1, 5, 15 min): at start {load_at_start}, when timing began "
        f"{load_before_timing}, at end {load_at_end}; {os.cpu_count()} CPUs",
    ]
    print_table(header, rows)
    print_breakdown(parts, floor)
    print(
        f"-- acknowledged writes: creates present once {check.creates[0]}/{check.creates[1]}, "
        f"deletes absent {check.deletes[0]}/{check.deletes[1]}, updates holding their notes "
        f"{check.updates[0]}/{check.updates[1]}; failed creates present anyway: "
        f"{check.unacknowledged_present}; requests resent on a closed keep-alive connection: "
        f"{resent}"
    )
    for problem in check.problems[:20]:
        print(f"!! {problem}")
    print_load_breakdown(result)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
