"""The dashboard visit, cold, with purchases in five currencies converted to the base.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (its data
tables are emptied first; --skip-load reuses them), spreads them over five currencies with their
conversions to the base (USD) filled, starts the application under gunicorn with the production
configuration and times, one client at a time, each of the dashboard's requests "cold" (right
after a write through the API, so that no cached figure holds) and the whole visit (the page and
the charts' five API calls back to back after one write, summed), median and p95 in ms, with the
SQL queries of each counted in-process (bench/targets_bench.py measures the same way).

The conversions are filled by one UPDATE, simply: by the last digit of the serial number, 0 to 3
stay in USD, 4 and 5 are EUR, 6 and 7 GBP, 8 JPY and 9 CHF, each converted at one fixed rate
(the price times the rate, rounded to cents), and one CHF purchase in ten has no rate. What
matters here is the shape of the data the figures add (several currencies, converted and not),
not the rates themselves. The rollups are then rebuilt, as an import does.

    psql -h 127.0.0.1 -U postgres -c "create database spends_bench_base"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench_base \\
        .venv/bin/python bench/base_figures_bench.py --purchases 100000

Target at 100,000 purchases on PostgreSQL: the whole cold visit under 300 ms (median). Missed
targets are reported, not failed. Not a test: run by hand.
"""

import argparse
import logging
import os
import statistics
import sys
import uuid
import warnings
from urllib.parse import urlsplit

from dataset import BENCH_USER, prepare_token
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from server import gunicorn_configuration, serving
from targets_bench import (
    DASHBOARD_VISIT,
    Connection,
    Figure,
    Row,
    Unexpected,
    Writer,
    clean_up,
    code_version,
    count_queries,
    expect,
    load_average,
    p95,
    print_table,
    time_figure,
)

from accounts.models import Membership, Role
from kernel.versioning import data_changed
from purchases.models import Purchase
from purchases.rollups import rollups_brought_in_step

BASE = "USD"
# The last digit of the serial number: (currency, units of USD per unit).
CURRENCIES = {
    "4": ("EUR", "1.08"),
    "5": ("EUR", "1.08"),
    "6": ("GBP", "1.27"),
    "7": ("GBP", "1.27"),
    "8": ("JPY", "0.0067"),
    "9": ("CHF", "1.12"),
}
VISIT_TARGET_MS = 300


def spread_over_currencies() -> None:
    """Give the purchases five currencies and their conversions to USD, in one UPDATE."""
    digit = "substr(serial_number, length(serial_number), 1)"
    currency = " ".join(f"WHEN '{d}' THEN '{code}'" for d, (code, _) in CURRENCIES.items())
    rate = " ".join(f"WHEN '{d}' THEN {value}" for d, (_, value) in CURRENCIES.items())
    # One CHF purchase in ten (serials ending in 09) has no rate.
    missing = f"{digit} = '9' AND substr(serial_number, length(serial_number) - 1, 1) = '0'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Purchase._meta.db_table} SET "
            f"currency_code = CASE {digit} {currency} ELSE '{BASE}' END, "
            f"base_currency_code = '{BASE}', "
            f"base_price = CASE WHEN {missing} THEN NULL "
            f"ELSE ROUND(price * CASE {digit} {rate} ELSE 1 END, 2) END, "
            f"exchange_rate = CASE WHEN {missing} THEN NULL "
            f"ELSE CASE {digit} {rate} ELSE 1 END END, "
            f"rate_source = CASE WHEN {missing} THEN '' "
            f"WHEN {digit} IN ({', '.join(repr(d) for d in CURRENCIES)}) THEN 'ECB' "
            "ELSE 'SAME' END"
        )
        data_changed()  # around the services, like an import
    rollups_brought_in_step()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="Timed requests per figure.")
    parser.add_argument("--skip-load", action="store_true", help="Reuse the data already loaded.")
    return parser.parse_args()


def currency_mix() -> str:
    counts = Purchase.objects.values_list("currency_code").order_by("currency_code")
    mix = {}
    for (code,) in counts.iterator():
        mix[code] = mix.get(code, 0) + 1
    missing = Purchase.objects.exclude(currency_code=BASE).filter(base_price=None).count()
    listed = ", ".join(f"{code} {count:,}" for code, count in sorted(mix.items()))
    return f"{listed}; {missing:,} without a rate"


def main() -> int:
    args = arguments()
    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")
    load_at_start = load_average()
    token = prepare_token(args.purchases, args.skip_load)
    clean_up()
    if not args.skip_load:
        spread_over_currencies()
    mix = currency_mix()
    user = get_user_model().objects.get(username=BENCH_USER)
    Membership.objects.update_or_create(user=user, defaults={"role": Role.OWNER})
    page_client = Client()
    page_client.force_login(user)
    session = page_client.cookies[settings.SESSION_COOKIE_NAME].value
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    written = str(Purchase.objects.order_by("serial_number").values_list("id", flat=True)[7])
    tag = uuid.uuid4().hex[:8]
    figures = [
        *(
            Figure(f"cold: {'page GET /' if url == '/' else url}", [url], cold=True)
            for url in DASHBOARD_VISIT
        ),
        Figure(
            "cold: whole visit (page + 5 calls, summed)", DASHBOARD_VISIT, VISIT_TARGET_MS, True
        ),
    ]
    queries = {
        figure.label: count_queries(api_client, page_client, figure, written, tag)
        for figure in figures
    }
    rows, failed = [], False
    load_before_timing = load_average()
    try:
        with serving("gunicorn") as (base_url, _):
            single = Connection(urlsplit(base_url).port, token, session)
            write = Writer(single, written, tag)
            expect(single.request("GET", "/"), 200, "GET / with the session cookie")
            for figure in figures:
                row = Row(figure.label, queries=queries[figure.label])
                try:
                    timings, _ = time_figure(single, figure, args.runs, write)
                except Unexpected as exc:
                    print(f"!! {figure.label}: {exc}")
                    row.note, failed = "ERROR", True
                    rows.append(row)
                    continue
                row.median, row.p95 = statistics.median(timings), p95(timings)
                if figure.limit:
                    row.target = f"< {figure.limit:g} ms"
                    row.met = row.median < figure.limit
                rows.append(row)
            single.close()
    finally:
        clean_up()
    config = gunicorn_configuration()
    print_table(
        [
            "",
            f"== {connection.vendor}, {Purchase.objects.count():,} purchases ({mix}); gunicorn "
            f"{config['workers']} workers x {config['threads']} threads; {args.runs} runs per "
            f"figure, concurrency 1; code {code_version()}",
            f"== load average (1, 5, 15 min): at start {load_at_start}, when timing began "
            f"{load_before_timing}, at end {load_average()}; {os.cpu_count()} CPUs",
        ],
        rows,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
