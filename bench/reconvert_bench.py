"""How long the re-convert of every purchase takes, at 100,000 purchases in five currencies.

Migrates the scratch database named by DATABASE_URL, loads the benchmarks' household
(`dataset.load`: five currencies, the ECB's history loaded first when no rate is stored, every
purchase converted), then times `purchases_reconvert`:
- when every conversion changes (they are emptied first, as after an upgrade),
- when none changes (the rates are the same: rows are read and compared, nothing is written),
- `only_missing=True` when nothing is missing,
and counts the queries of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/reconvert_bench.py
    DATABASE_URL=sqlite:///data/bench.sqlite3 .venv/bin/python bench/reconvert_bench.py

Target: a few seconds for 100,000 purchases on SQLite and PostgreSQL (docs/currencies.md §6 has
the figures). Not a test: run by hand.
"""

import time

from dataset import arguments, load
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.models import Purchase
from purchases.services import purchases_reconvert


def timed(label: str, **options) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = purchases_reconvert(**options)
        seconds = time.perf_counter() - started
    print(
        f"{label:<36} {seconds:6.2f} s  {len(queries):3} queries  "
        f"examined {summary.examined:,}, changed {summary.changed:,}, "
        f"without a rate {summary.without_rate:,}"
    )


def main() -> None:
    options = arguments("Time the re-convert of every purchase.")
    call_command("migrate", verbosity=0)
    if not options.skip_load:
        load(options.purchases)
    print(f"{connection.vendor}, {Purchase.objects.count():,} purchases")
    Purchase.objects.update(
        base_price=None, base_currency_code="", exchange_rate=None, rate_day=None, rate_source=""
    )
    timed("Re-convert, every row changes")
    timed("Re-convert, nothing changes")
    timed("Only missing, none missing", only_missing=True)


if __name__ == "__main__":
    main()
