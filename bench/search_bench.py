"""Search that finds, timed: two words, one typo, suggestions and the warranties page.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (its data
tables are emptied first; --skip-load reuses them), gives them the words a household searches
for (below), starts the application under gunicorn with the production configuration and times,
one client at a time, each search through the API and the pages, median and p95 in ms, with the
SQL queries of each counted in-process (bench/targets_bench.py measures the same way).

The words, written once by plain UPDATEs (the triggers of migration purchases/0015 keep the
search text, as for any write): the brand "Maker 7" becomes "Bosch" (1 purchase in 80); one
purchase in ten has "dishwasher" in its name; one warranty in five has the provider
"CareShield"; the rest are the dataset's own words (bench/dataset.py). So `bosch dish` finds
about 125 purchases among 10,000 dishwashers and 1,250 Bosch ones, and `dishwashr` (a typo)
finds the 10,000.

    psql -h 127.0.0.1 -U postgres -c "create database spends_bench_search"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench_search \\
        .venv/bin/python bench/search_bench.py --purchases 100000

Target at 100,000 purchases on PostgreSQL: a two-word search under 100 ms (median), through the
API and the inventory page. Missed targets are reported, not failed. Not a test: run by hand.
"""

import logging
import os
import statistics
import sys
import warnings
from urllib.parse import quote, urlsplit

from dataset import BENCH_USER, arguments, prepare_token
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from server import gunicorn_configuration, serving
from targets_bench import (
    Connection,
    Figure,
    Row,
    Unexpected,
    Writer,
    clean_up,
    code_version,
    count_queries,
    load_average,
    p95,
    print_table,
    time_figure,
)

from accounts.models import Membership, Role
from catalog.models import Brand
from kernel.versioning import data_changed
from purchases.models import Purchase

TARGET_MS = 100


def give_words() -> None:
    """The brand Bosch, dishwashers and a warranty provider (see above), in three UPDATEs."""
    with transaction.atomic(), connection.cursor() as cursor:
        Brand.objects.filter(name="Maker 7").update(name="Bosch")
        digit = "substr(serial_number, length(serial_number), 1)"
        cursor.execute(
            "UPDATE purchases_purchase SET product_name = 'Serie 6 dishwasher ' || product_name "
            f"WHERE {digit} = '3' AND product_name NOT LIKE 'Serie 6 dishwasher %%'"
        )
        cursor.execute(
            "UPDATE warranties_warranty SET provider = 'CareShield' "
            "WHERE substr(id::text, 1, 1) IN ('0', '1', '2')"
            if connection.vendor == "postgresql"
            else "UPDATE warranties_warranty SET provider = 'CareShield' "
            "WHERE substr(id, 1, 1) IN ('0', '1', '2')"
        )
        data_changed()  # around the services, like an import
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def search_figures() -> list[Figure]:
    def api(text: str) -> str:
        return f"/api/purchases?search={quote(text)}"

    def page(text: str) -> str:
        return f"/inventory/?search={quote(text)}"

    return [
        Figure("floor: GET /api/health", ["/api/health"]),
        Figure("API: two words 'bosch dish'", [api("bosch dish")], TARGET_MS),
        Figure("page: two words 'bosch dish'", [page("bosch dish")], TARGET_MS),
        Figure("API: two words 'kettle drill'", [api("kettle drill")], TARGET_MS),
        Figure("API: one typo 'dishwashr'", [api("dishwashr")]),
        Figure("page: one typo 'dishwashr'", [page("dishwashr")]),
        Figure("API: one typo 'bosh dishwasher'", [api("bosh dishwasher")]),
        Figure("API: one word 'kettle'", [api("kettle")]),
        Figure("page: one word 'kettle'", [page("kettle")]),
        Figure("page: two words 'kettle drill'", [page("kettle drill")]),
        Figure("page: no search", ["/inventory/"]),
        Figure("API: a warranty's provider 'careshield kettle'", [api("careshield kettle")]),
        Figure("API: rare 'SN00042424'", [api("SN00042424")]),
        Figure("suggestions 'bos'", ["/api/search/suggestions?q=bos"]),
        Figure("suggestions 'dishw'", ["/api/search/suggestions?q=dishw"]),
        Figure("page: warranties 'careshield'", ["/warranties/?search=careshield"]),
        Figure("page: warranties, default order", ["/warranties/"]),
    ]


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")
    load_at_start = load_average()
    token = prepare_token(args.purchases, args.skip_load)
    clean_up()
    if not args.skip_load:
        give_words()
    user = get_user_model().objects.get(username=BENCH_USER)
    Membership.objects.update_or_create(user=user, defaults={"role": Role.OWNER})
    page_client = Client()
    page_client.force_login(user)
    session = page_client.cookies[settings.SESSION_COOKIE_NAME].value
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    written = str(Purchase.objects.order_by("serial_number").values_list("id", flat=True)[7])
    figures = search_figures()
    queries = {
        figure.label: count_queries(api_client, page_client, figure, written, "search")
        for figure in figures
    }
    rows, failed = [], False
    load_before_timing = load_average()
    try:
        with serving("gunicorn") as (base_url, _):
            single = Connection(urlsplit(base_url).port, token, session)
            write = Writer(single, written, "search")
            for figure in figures:
                row = Row(figure.label, queries=queries[figure.label])
                try:
                    timings, found = time_figure(single, figure, args.runs, write)
                except Unexpected as exc:
                    print(f"!! {figure.label}: {exc}")
                    row.note, failed = "ERROR", True
                    rows.append(row)
                    continue
                row.median, row.p95 = statistics.median(timings), p95(timings)
                if found is not None:
                    row.label += f" ({found:,} found)"
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
            f"== {connection.vendor}, {Purchase.objects.count():,} purchases; gunicorn "
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
