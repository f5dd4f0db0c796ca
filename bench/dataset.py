"""What the benchmark scripts share: Django set-up, a large generated dataset, a timing loop.

Import this module first: it configures Django for a scratch database named by DATABASE_URL.
"""

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

from accounts.models import Membership, Role  # noqa: E402
from accounts.services import api_token_create  # noqa: E402
from catalog.models import Brand, Retailer  # noqa: E402
from currencies.models import ExchangeRate  # noqa: E402
from currencies.services import rates_load_ecb  # noqa: E402
from kernel import clock  # noqa: E402
from kernel.money import quantize_in  # noqa: E402
from kernel.versioning import data_changed  # noqa: E402
from preferences.selectors import preferred_currency_code  # noqa: E402
from purchases.conversions import conversions_complete  # noqa: E402
from purchases.models import Purchase  # noqa: E402
from warranties.models import Warranty  # noqa: E402

WORDS = [
    *("laptop", "phone", "camera", "kettle", "drill", "monitor", "speaker", "blender", "vacuum"),
    *("lamp", "printer", "router", "watch", "tablet", "headphones", "keyboard", "mouse", "chair"),
    *("desk", "toaster", "heater", "fan", "mixer", "projector"),
]


# The five currencies of the benchmarks' household (issue 20): the base first, then about a
# tenth of the purchases in each other one, priced at roughly the local equivalent.
CURRENCIES = [
    ("USD", Decimal(1)),
    ("EUR", Decimal("0.92")),
    ("GBP", Decimal("0.79")),
    ("JPY", Decimal("150")),
    ("CHF", Decimal("0.88")),
]


def _currency_of(index: int) -> tuple[str, Decimal]:
    return CURRENCIES[index % 10 - 5] if index % 10 >= 6 else CURRENCIES[0]


def _delete_all(model, batch: int = 5000) -> None:
    """Delete every row of MODEL, BATCH at a time: deleting 125,000 warranties at once made
    Django look up their related rows with more parameters than PostgreSQL takes (65,535)."""
    while keys := list(model.objects.values_list("pk", flat=True)[:batch]):
        model.objects.filter(pk__in=keys).delete()


def load(count: int, seed: int = 42) -> None:
    """COUNT purchases over ten years in five currencies (CURRENCIES), with their warranties,
    each converted to the base currency in bulk as an import converts (the ECB's history
    shipped with the app is loaded first when no rate is stored)."""
    rng = random.Random(seed)
    if not ExchangeRate.objects.exists():
        rates_load_ecb()
    with transaction.atomic():
        for model in (Warranty, Purchase, Retailer, Brand):
            _delete_all(model)
        retailers = Retailer.objects.bulk_create(Retailer(name=f"Shop {i}") for i in range(50))
        brands = Brand.objects.bulk_create(Brand(name=f"Maker {i}") for i in range(80))
        data_changed()  # written around the services, like an import
    today = clock.today()
    batch = 5000
    for start in range(0, count, batch):
        purchases, warranties = [], []
        for i in range(start, min(start + batch, count)):
            day = today - datetime.timedelta(days=rng.randint(0, 3650))
            code, factor = _currency_of(i)
            price = Decimal(rng.randint(100, 500000)) / 100
            purchase = Purchase(
                id=uuid.UUID(int=rng.getrandbits(128)),
                product_name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
                price=quantize_in(price * factor, code),  # JPY in whole yen
                currency_code=code,
                tax_deductible=i % 5 == 0,
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
                        voided=i % 20 == 0,
                    )
                )
        with transaction.atomic():
            Purchase.objects.bulk_create(purchases)
            Warranty.objects.bulk_create(warranties)
            data_changed()
        print(f"\rloaded {min(start + batch, count):,} / {count:,} purchases", end="", flush=True)
    print()
    began = time.perf_counter()
    with transaction.atomic():
        conversions_complete(base_code=preferred_currency_code())
        data_changed()
    print(f"converted in {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does on a live server: statistics and the visibility map that
            # index-only scans need.
            cursor.execute("VACUUM ANALYZE")


def measure(client: Client, label: str, url: str, runs: int, before=None) -> None:
    client.get(url)  # warm caches and connections
    timings = []
    for _ in range(runs):
        if before:
            before()
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


BENCH_USER = "bench"


def prepare(count: int, skip_load: bool) -> Client:
    """Migrate, load COUNT purchases unless SKIP_LOAD, and return a client with a token."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {prepare_token(count, skip_load)}")


def prepare_token(count: int, skip_load: bool) -> str:
    """Migrate, load COUNT purchases unless SKIP_LOAD, and return a new API token of the owner
    BENCH_USER (for clients other than Django's test client)."""
    call_command("migrate", verbosity=0)
    if not skip_load:
        began = time.perf_counter()
        load(count)
        print(f"load took {time.perf_counter() - began:.0f} s")
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    Membership.objects.update_or_create(user=user, defaults={"role": Role.OWNER})
    _, token = api_token_create(user=user, name="benchmark")
    print(
        f"{connection.vendor}, {Purchase.objects.count():,} purchases, "
        f"{Warranty.objects.count():,} warranties"
    )
    return token


def arguments(description: str):
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-load", action="store_true", help="Reuse the data already loaded.")
    return parser.parse_args()


def a_write() -> None:
    """One write as a person makes it (through the service), after which every figure is stale."""
    from purchases.services import purchase_update

    purchase = Purchase.objects.order_by("created_at").first()
    purchase_update(purchase=purchase, data={"notes": f"changed {time.perf_counter()}"})
