"""Time of importing a foreign spreadsheet of N rows (default 100,000) through a column mapping.

Writes a household's own spreadsheet as an office program set to German saves it (semicolons,
Windows-1252, day-first dates, decimal commas with a euro sign, a warranty in months, two columns
no field holds), empties the scratch database named by DATABASE_URL (when unset, a scratch SQLite
file in the temporary folder, never the application's own database), then in a fresh process
each:

1. imports it through the mapping guessed from its header, mode skip;
2. imports it again: every row is found already there and nothing is added.

Each step's report and the database are checked (exit 2 when wrong, so that a fast import that
imported nothing fails).

    DATABASE_URL=postgres://<user>@<host>:5432/<scratch database> \\
        .venv/bin/python bench/spreadsheet_import_bench.py [--rows 20000]

Target on 2 cores for 100,000 rows (issue 22): the first import under 60 s on PostgreSQL. Exits 1
when it is missed. Not a test.
"""

import argparse
import csv
import datetime
import json
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from import_bench import (  # sets up Django and the scratch database first
    Mismatch,
    load_average,
    measured,
    reset,
    run_child,
    snapshot,
)

from interchange.imports import import_spreadsheet

SIZE = 100_000
TARGET_S = 60
HEADER = [
    "Artikel",
    "Preis",
    "Kaufdatum",
    "Händler",
    "Marke",
    "Garantie",
    "Seriennummer",
    "Zimmer",
    "Beleg",
]
SHOPS = ["MediaMarkt", "Saturn", "Amazon", "OTTO", "IKEA", "Baumarkt", "Apotheke", "Bäckerei"]
BRANDS = ["Bosch", "Siemens", "Miele", "Graef", "WMF", "Philips", "Braun", "Tefal"]
ROOMS = ["Küche", "Keller", "Bad", "Wohnzimmer", "Büro"]


def write_spreadsheet(path: Path, rows: int) -> Decimal:
    """Write ROWS rows to PATH; return the sum of their prices."""
    generator = random.Random(22)
    total = Decimal(0)
    start = datetime.date(2015, 1, 1)
    with path.open("w", encoding="cp1252", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        for index in range(rows):
            cents = generator.randint(100, 250_000)
            price = Decimal(cents) / 100
            total += price
            euros, rest = divmod(cents, 100)
            written = f"{euros:,}".replace(",", ".") + f",{rest:02d} €"
            day = start + datetime.timedelta(days=generator.randint(0, 3600))
            writer.writerow(
                [
                    f"Gerät {index}",
                    written,
                    day.strftime("%d.%m.%Y"),
                    generator.choice(SHOPS),
                    generator.choice(BRANDS),
                    generator.choice(["", "12", "24", "36"]),
                    f"SN{index:08d}",
                    generator.choice(ROOMS),
                    generator.choice(["", "Quittung im Ordner"]),
                ]
            )
    return total


def child(path: str) -> None:
    def run() -> dict:
        with open(path, "rb") as file:
            report = import_spreadsheet(file, filename=Path(path).name)
        return {"counts": dict(report.counts), "errors": report.errors[:5]}

    print(json.dumps(measured(run), default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=SIZE)
    parser.add_argument("--child", metavar="FILE")
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child)
        return
    path = Path(tempfile.gettempdir()) / "spends_spreadsheet_bench.csv"
    price_sum = write_spreadsheet(path, arguments.rows)
    reset()
    first = run_child("--child", str(path), script=__file__)
    after_first = snapshot()
    again = run_child("--child", str(path), script=__file__)
    problems = []
    if first["counts"].get("purchases_added") != arguments.rows or first["errors"]:
        problems.append(f"first import: {first['counts']}, {first['errors']}")
    if after_first["purchases"] != arguments.rows or after_first["price_sum"] != price_sum:
        problems.append(f"database after the first import: {after_first}, prices {price_sum}")
    if again["counts"].get("purchases_added") or snapshot()["purchases"] != arguments.rows:
        problems.append(f"the second import added rows: {again['counts']}")
    if problems:
        raise Mismatch("; ".join(problems))
    met = first["seconds"] < TARGET_S or arguments.rows < SIZE
    print(f"{arguments.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, load {load_average()}")
    for label, result in (("first import", first), ("second import (adds 0)", again)):
        rate = arguments.rows / result["seconds"]
        print(
            f"{label:<24} {result['seconds']:6.1f} s  cpu {result['cpu']:5.1f} s  "
            f"{rate:8,.0f} rows/s  peak {result['peak_mb']:4.0f} MB"
        )
    print(
        f"target: first import under {TARGET_S} s for {SIZE:,} rows: {'met' if met else 'MISSED'}"
    )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    try:
        main()
    except Mismatch as error:
        print(f"\nWRONG RESULT: {error}", file=sys.stderr)
        sys.exit(2)
