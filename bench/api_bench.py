"""Latency of the purchase list, search and detail endpoints with a large database.

Loads N purchases (default 100,000) with one or two warranties each into the database named by
DATABASE_URL (its data tables are emptied first: point it at a scratch database), then calls the
API in-process through Django's test client with a real token and reports, per endpoint, the
median and 95th-percentile time and the number of SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/api_bench.py --purchases 100000

Not a test: run by hand; figures go in the notes of the change that needs them.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spends_tracker.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.services import api_token_create  # noqa: E402
from catalog.models import Brand, Retailer  # noqa: E402
from purchases.models import Purchase  # noqa: E402
from spends_tracker import clock  # noqa: E402
from warranties.models import Warranty  # noqa: E402

WORDS = [
    *("laptop", "phone", "camera", "kettle", "drill", "monitor", "speaker", "blender", "vacuum"),
    *("lamp", "printer", "router", "watch", "tablet", "headphones", "keyboard", "mouse", "chair"),
    *("desk", "toaster", "heater", "fan", "mixer", "projector"),
]


def load(count: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    with transaction.atomic():
        Warranty.objects.all().delete()
        Purchase.objects.all().delete()
        Retailer.objects.all().delete()
        Brand.objects.all().delete()
        retailers = Retailer.objects.bulk_create(Retailer(name=f"Shop {i}") for i in range(50))
        brands = Brand.objects.bulk_create(Brand(name=f"Maker {i}") for i in range(80))
    today = clock.today()
    batch = 5000
    for start in range(0, count, batch):
        purchases, warranties = [], []
        for i in range(start, min(start + batch, count)):
            day = today - datetime.timedelta(days=rng.randint(0, 3650))
            purchase = Purchase(
                id=uuid.UUID(int=rng.getrandbits(128)),
                product_name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
                price=Decimal(rng.randint(100, 500000)) / 100,
                currency_code="USD",
                retailer=rng.choice(retailers),
                brand=rng.choice(brands),
                purchase_date=day,
                serial_number=f"SN{i:08d}",
                tags=rng.choice(WORDS),
            )
            purchases.append(purchase)
            end = day + datetime.timedelta(days=rng.choice([365, 730, 1095]))
            warranties.append(Warranty(purchase=purchase, warranty_start=day, warranty_end=end))
            if i % 4 == 0:
                warranties.append(
                    Warranty(
                        purchase=purchase,
                        warranty_start=end,
                        warranty_end=end + datetime.timedelta(days=730),
                        warranty_type="EXTENDED",
                    )
                )
        with transaction.atomic():
            Purchase.objects.bulk_create(purchases)
            Warranty.objects.bulk_create(warranties)
        print(f"\rloaded {min(start + batch, count):,} / {count:,} purchases", end="", flush=True)
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client: Client, label: str, url: str, runs: int) -> None:
    client.get(url)  # warm caches and connections
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"{label:<34} median {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
        f"{len(queries.captured_queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-load", action="store_true", help="Reuse the data already loaded.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not args.skip_load:
        began = time.perf_counter()
        load(args.purchases)
        print(f"load took {time.perf_counter() - began:.0f} s")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    _, token = api_token_create(user=user, name="benchmark")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    total = Purchase.objects.count()
    some_id = Purchase.objects.order_by("serial_number").values_list("id", flat=True)[total // 2]
    print(f"{connection.vendor}, {total:,} purchases, {Warranty.objects.count():,} warranties")
    measure(client, "list, first page (20)", "/api/purchases", args.runs)
    measure(client, "list, page 100 (20)", "/api/purchases?skip=1980", args.runs)
    measure(client, "list, 100 per page", "/api/purchases?limit=100", args.runs)
    measure(client, "search 'kettle' (all fields)", "/api/purchases?search=kettle", args.runs)
    measure(client, "search rare 'SN0004242'", "/api/purchases?search=SN0004242", args.runs)
    measure(client, "filter retailer + date range", _retailer_filter(), args.runs)
    measure(client, "detail", f"/api/purchases/{some_id}", args.runs)
    measure(client, "warranties expiring in 30 days", "/api/warranties/expiring", args.runs)


def _retailer_filter() -> str:
    retailer = Retailer.objects.order_by("name").first()
    year_ago = clock.today() - datetime.timedelta(days=365)
    return f"/api/purchases?retailer_id={retailer.id}&date_from={year_ago}"


if __name__ == "__main__":
    main()
