"""Latency of the pages people open, warm and right after a write, with a large database.

Loads N purchases (default 100,000) into the database named by DATABASE_URL (its data tables are
emptied first: point it at a scratch database; --skip-load reuses them), signs an owner in with
Django's test client, and opens each page in-process: "warm" (nothing written since the last
visit) and "cold" (a write through a service before each visit, so every figure and suggestion
kept under the data version is stale). Median and 95th-percentile time and the number of SQL
queries per page. No HTTP, no browser: what the application itself costs (targets_bench.py has
the API over HTTP; dashboard_bench.py the dashboard in a browser).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/pages_bench.py --purchases 100000

Not a test: run by hand; figures go in docs/performance.md ("The pages people open").
"""

import logging
import warnings

from dataset import BENCH_USER, Purchase, a_write, arguments, measure, prepare_token
from django.contrib.auth import get_user_model
from django.test import Client


def pages() -> list[tuple[str, str]]:
    middle = Purchase.objects.order_by("created_at").values_list("id", flat=True)[
        Purchase.objects.count() // 2
    ]
    return [
        ("dashboard", "/"),
        ("inventory, first page", "/inventory/"),
        ("inventory, by price", "/inventory/?sort=-price"),
        ("inventory, search 'kettle'", "/inventory/?search=kettle"),
        ("one purchase's page", f"/inventory/{middle}/"),
        ("warranties, current first", "/warranties/"),
        ("warranties, expired", "/warranties/?state=EXPIRED"),
        ("warranties, expiring soon", "/warranties/?state=EXPIRING"),
        ("warranties, page 50", "/warranties/?page=50"),
        ("retailers and brands", "/catalog/"),
        ("settings", "/settings/"),
        ("data", "/data/"),
    ]


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    # Each in-process request would log a line; WhiteNoise warns that static files are not
    # collected, which pages do not need here.
    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")
    prepare_token(args.purchases, args.skip_load)
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER))
    for label, url in pages():
        measure(client, f"{label}, warm", url, args.runs)
        measure(client, f"{label}, cold", url, args.runs, before=a_write)


if __name__ == "__main__":
    main()
