"""How long the ECB's whole history takes to load, to load again, and to answer a rate.

Empties the exchange rates of the scratch database named by DATABASE_URL (migrating it first),
loads the history shipped with the app (about 7,100 days, 220,000 rates), loads it again (no new
day: nothing is added), then times `rate_on` for a cross rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/rates_load.py
    DATABASE_URL=sqlite:///data/bench.sqlite3 .venv/bin/python bench/rates_load.py

Target: the first load well under 30 s on SQLite and PostgreSQL (docs/currencies.md §5 has the
figures). Not a test: run by hand.
"""

import datetime
import statistics
import time

import dataset  # noqa: F401  (configures Django first)
from django.core.management import call_command
from django.db import connection

from currencies.models import ExchangeRate
from currencies.selectors import rate_on
from currencies.services import rates_load_ecb


def timed(label: str, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.2f} s: {result}")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    ExchangeRate.objects.all().delete()
    print(f"{connection.vendor}")
    timed("First load", rates_load_ecb)
    timed("Second load", rates_load_ecb)
    day = datetime.date(2025, 3, 16)
    times = []
    for _ in range(200):
        started = time.perf_counter()
        rate_on(currency_code="USD", base_code="JPY", day=day)
        times.append((time.perf_counter() - started) * 1000)
    print(f"rate_on USD to JPY: median {statistics.median(times):.2f} ms over {len(times)} calls")


if __name__ == "__main__":
    main()
