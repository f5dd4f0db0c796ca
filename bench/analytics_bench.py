"""Latency of every analytics endpoint, and of the dashboard's whole set of calls, at scale.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (its data
tables are emptied first), then calls each analytics endpoint through the full HTTP stack
(Django's test client, with a real token) and reports median and p95 times and query counts;
last, the calls one dashboard visit makes, back to back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/analytics_bench.py --purchases 100000

Targets at 100,000 purchases on PostgreSQL: each endpoint's median under 50 ms, the dashboard's
set under 250 ms. Not a test: run by hand.
"""

import statistics
import time

from dataset import a_write, arguments, measure, prepare

ENDPOINTS = [
    "/api/analytics/summary",
    "/api/analytics/spending",
    "/api/analytics/spending?months=12",
    "/api/analytics/spending/by-period",
    "/api/analytics/warranties/timeline",
    "/api/analytics/warranties/summary",
    "/api/analytics/retailers",
    "/api/analytics/brands",
    "/api/analytics/top-products",
    "/api/analytics/top-products?sort_by=avg_price",
    "/api/analytics/expensive-purchases",
    "/api/analytics/recent-purchases",
    "/api/analytics/recent-warranties",
]

# What the dashboard page requests when it opens (docs/api.md §3, "A dashboard visit").
DASHBOARD_VISIT = [
    "/api/settings/",
    "/api/analytics/summary",
    "/api/analytics/spending",
    "/api/analytics/warranties/timeline",
    "/api/analytics/retailers",
    "/api/analytics/brands",
    "/api/purchases/?limit=100",
]


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    client = prepare(args.purchases, args.skip_load)
    print("-- cold: right after a write, nothing cached")
    for url in ENDPOINTS:
        measure(client, url.removeprefix("/api/analytics/"), url, args.runs, before=a_write)
    dashboard_visit(client, args.runs, before=a_write)
    print("-- warm: no write since the figure was computed")
    for url in ENDPOINTS:
        measure(client, url.removeprefix("/api/analytics/"), url, args.runs)
    dashboard_visit(client, args.runs)


def dashboard_visit(client, runs: int, before=None) -> None:
    for url in DASHBOARD_VISIT:
        client.get(url)
    visits = []
    for _ in range(runs):
        if before:
            before()
        began = time.perf_counter()
        for url in DASHBOARD_VISIT:
            assert client.get(url).status_code == 200, url
        visits.append((time.perf_counter() - began) * 1000)
    p95 = statistics.quantiles(visits, n=20)[-1]
    print(
        f"{'dashboard visit (' + str(len(DASHBOARD_VISIT)) + ' calls)':<34} "
        f"median {statistics.median(visits):7.1f} ms   p95 {p95:7.1f} ms"
    )


if __name__ == "__main__":
    main()
