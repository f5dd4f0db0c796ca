"""Time of importing N purchases (default 100,000) from CSV and JSON exports, and of the exports.

Loads N purchases with their warranties (bench/dataset.py) into the scratch database named by
DATABASE_URL (emptied first; when DATABASE_URL is unset, a scratch SQLite file in the temporary
folder, never the application's own database), exports them as CSV and JSON with the
`interchange_export` command, then:

1. empties the data (`backups.services.data_reset_all`) and imports the CSV, mode skip;
2. imports the same CSV again into the full database: every row is skipped as existing;
3. empties the data and imports the JSON export, mode skip;
4. imports the JSON export again with mode=update: every record is updated (--no-update: not).

Each export and each import runs in a fresh process that reports its own time, CPU time and peak
resident memory (VmHWM, read by the child: see peak_rss_mb). After each import the database is
counted and compared with what was exported, and the import's report with what it should say,
so a fast import that imported nothing fails (exit 2).

    DATABASE_URL=postgres://<user>@<host>:5432/<scratch database> \\
        .venv/bin/python bench/import_bench.py [--purchases 20000] [--no-update]

Targets on 2 cores for 100,000 purchases (not judged for fewer): CSV import under 30 s; each
export under 10 s and under 150 MB peak memory (MB = 10^6 bytes). Times are judged on the export
or import call; the whole process, start-up included, is shown beside it. Exits 1 when a target
is missed. Not a test.
"""

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if "DATABASE_URL" not in os.environ:
    # The settings' default is the application's own database, which this script empties.
    scratch = Path(tempfile.gettempdir()) / "spends_import_bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"

from dataset import Purchase, Warranty, call_command, connection, load
from django.db.models import Sum

from backups.services import data_reset_all
from catalog.models import Brand, Retailer
from interchange.imports import import_csv, import_json

ROOT = Path(__file__).resolve().parent.parent
MB = 1000 * 1000  # the targets' unit; bench/export_bench.py prints MiB
SIZE = 100_000  # the size the targets are set for
CSV_IMPORT_TARGET_S = 30
EXPORT_TARGET_S = 10
EXPORT_TARGET_MB = 150
IMPORTERS = {"csv": import_csv, "json": import_json}


class Mismatch(Exception):
    """The database or an import report is not what the step should have left."""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--purchases",
        type=int,
        default=int(os.environ.get("BENCH_PURCHASES", SIZE)),
        help="How many purchases to load (default: $BENCH_PURCHASES or 100,000).",
    )
    parser.add_argument(
        "--no-update", action="store_true", help="Leave out the slow JSON import in update mode."
    )
    # Internal: run one export or import in this (child) process and print its result as JSON.
    parser.add_argument("--child-export", nargs=2, metavar=("FORMAT", "FILE"))
    parser.add_argument("--child-import", nargs=3, metavar=("FORMAT", "MODE", "FILE"))
    return parser.parse_args()


# -- child processes -------------------------------------------------------------------------------
#
# A child's peak memory is read by the child itself: the peak RSS that wait4() or
# getrusage(RUSAGE_CHILDREN) report for a child is at least its parent's own peak (Linux carries it
# over at fork and exec), and the parent here has held the loaded data and run the resets.


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM: its own since exec, none inherited)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB  # KiB on Linux


def measured(run) -> dict:
    """Call RUN(); return its wall and CPU time in seconds and the process's peak RSS."""
    began, cpu = time.perf_counter(), time.process_time()
    result = run()
    return {
        "seconds": time.perf_counter() - began,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_rss_mb(),
        **(result or {}),
    }


def child_export(fmt: str, path: str) -> None:
    """Export with `manage.py interchange_export` (the command itself, in this process)."""
    result = measured(lambda: call_command("interchange_export", format=fmt, output=path))
    print(json.dumps(result))


def child_import(fmt: str, mode: str, path: str) -> None:
    """Import PATH and print the time of the import call and its report as one JSON line."""

    def progress(stage: str, done: int, total: int | None) -> None:
        of = f" / {total:,}" if total else ""
        print(f"\r  {stage.lower()}: {done:,}{of}   ", end="", file=sys.stderr, flush=True)

    def run() -> dict:
        with open(path, "rb") as file:
            on_terminal = progress if sys.stderr.isatty() else None
            report = IMPORTERS[fmt](file, mode=mode, progress=on_terminal)
        if on_terminal:
            print("\r" + " " * 60 + "\r", end="", file=sys.stderr)
        return {
            "counts": dict(report.counts),
            "errors_total": report.errors_total,
            "errors": report.errors[:5],
            "warnings_total": report.warnings_total,
        }

    print(json.dumps(measured(run)))


def run_child(*arguments: str, script: str = __file__) -> dict:
    """Run SCRIPT (this one) with ARGUMENTS in a fresh process; return what it printed last, plus
    the wall time of the whole process (`process_seconds`: Python and Django start-up included)."""
    command = [sys.executable, script, *arguments]
    began = time.perf_counter()
    output = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - began
    return result


def export(fmt: str, target: Path) -> dict:
    result = run_child("--child-export", fmt, str(target))
    result["size_mb"] = target.stat().st_size / MB
    return result


def run_import(fmt: str, mode: str, path: Path) -> dict:
    return run_child("--child-import", fmt, mode, str(path))


def code_version() -> str:
    """The commit the code is at, with -dirty when files differ from it (others may be editing)."""
    try:
        described = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.stdout.strip()


def load_average() -> str:
    return "/".join(f"{n:.1f}" for n in os.getloadavg())


# -- the database ----------------------------------------------------------------------------------


def snapshot() -> dict:
    """What the checks compare: row counts and the sum of the prices."""
    return {
        "purchases": Purchase.objects.count(),
        "warranties": Warranty.objects.count(),
        "retailers": Retailer.objects.count(),
        "brands": Brand.objects.count(),
        "price_sum": Purchase.objects.aggregate(total=Sum("price"))["total"],
    }


def reset() -> float:
    """Empty the data with data_reset_all (timed), then vacuum as bench/dataset.py's load does."""
    began = time.perf_counter()
    data_reset_all()
    elapsed = time.perf_counter() - began
    left = snapshot()
    if left["purchases"] or left["warranties"] or left["retailers"] or left["brands"]:
        raise Mismatch(f"the reset left data behind: {left}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum would do before long; without it, each run would find the dead
            # rows of the previous ones in the tables and their indexes.
            cursor.execute("VACUUM ANALYZE")
    return elapsed


def check(step: str, result: dict, expected_counts: dict, expected_db: dict) -> None:
    """Compare the import's report and the database with what STEP should have left."""
    problems = []
    if result["errors_total"]:
        problems.append(f"{result['errors_total']} errors, first: {result['errors']}")
    for key, value in expected_counts.items():
        if result["counts"].get(key, 0) != value:
            problems.append(f"report {key} = {result['counts'].get(key, 0):,}, expected {value:,}")
    found = snapshot()
    for key, value in expected_db.items():
        if found[key] != value:
            problems.append(f"database {key} = {found[key]}, expected {value}")
    if problems:
        raise Mismatch(f"{step}: " + "; ".join(problems))


def database_name() -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    return f"SQLite {sqlite3.sqlite_version}"


# -- the benchmark ---------------------------------------------------------------------------------


def main() -> None:
    args = arguments()
    if args.child_export:
        child_export(*args.child_export)
        return
    if args.child_import:
        child_import(*args.child_import)
        return
    count = args.purchases
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    load(count)
    print(f"load took {time.perf_counter() - began:.0f} s")
    exported = snapshot()
    if exported["purchases"] != count:
        raise Mismatch(f"loaded {exported['purchases']:,} purchases, expected {count:,}")
    # What a CSV file brings back: the purchases, and a warranty for each primary warranty end
    # (every loaded purchase has one); retailers and brands are created from the names in use.
    from_csv = {
        "purchases": count,
        "warranties": count,
        "retailers": Purchase.objects.values("retailer").distinct().count(),
        "brands": Purchase.objects.values("brand").distinct().count(),
        "price_sum": exported["price_sum"],
    }
    kinds = ("purchases", "warranties", "retailers", "brands")
    records = sum(exported[key] for key in kinds)
    title = (
        f"{database_name()}, {count:,} purchases, {exported['warranties']:,} warranties, "
        f"{exported['retailers']} retailers, {exported['brands']} brands; code {code_version()}; "
        f"load average {load_average()} at the start"
    )
    print(title)
    rows = []  # (step, result, rate or None, target text, met or None)

    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for fmt in ("csv", "json"):
            files[fmt] = Path(folder) / f"export.{fmt}"
            result = export(fmt, files[fmt])
            met = result["seconds"] < EXPORT_TARGET_S and result["peak_mb"] < EXPORT_TARGET_MB
            print(
                f"export {fmt}: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB, "
                f"file {result['size_mb']:.0f} MB"
            )
            target = f"< {EXPORT_TARGET_S} s, < {EXPORT_TARGET_MB} MB"
            rows.append((f"export {fmt.upper()}", result, None, target, met))

        def step(label, fmt, mode, expected_counts, expected_db, target_s=None, per=count):
            result = run_import(fmt, mode, files[fmt])
            check(label, result, expected_counts, expected_db)
            met = None if target_s is None else result["seconds"] < target_s
            target = "" if target_s is None else f"< {target_s:g} s"
            rows.append((label, result, per / result["seconds"], target, met))
            print(f"{label}: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB")

        resets = [reset()]
        step(
            "import CSV into empty db (skip)",
            "csv",
            "skip",
            {"rows_total": count, "purchases_added": count, "warranties_added": count},
            from_csv,
            target_s=CSV_IMPORT_TARGET_S,
        )
        step(
            "re-import CSV, all rows exist",
            "csv",
            "skip",
            {"rows_total": count, "purchases_added": 0, "purchases_skipped_existing": count},
            from_csv,
        )
        resets.append(reset())
        added = {f"{key}_added": exported[key] for key in kinds}
        step("import JSON into empty db (skip)", "json", "skip", added, exported, per=records)
        if not args.no_update:
            updated = {f"{key}_updated": exported[key] for key in kinds}
            step("import JSON again, mode=update", "json", "update", updated, exported, per=records)

    judged = count >= SIZE  # the targets are set for 100,000 purchases
    if not judged:
        rows = [(*row[:4], None) for row in rows]
    print_table(title, rows, resets)
    if not judged:
        print(f"targets are set for {SIZE:,} purchases: not judged at {count:,}")
    elif any(met is False for *_, met in rows):
        sys.exit(1)


def print_table(title: str, rows: list, resets: list[float]) -> None:
    print()
    print(title)
    header = (
        f"{'step':<33} {'time':>7} {'process':>8} {'cpu':>7} {'rate':>9} {'peak RSS':>9}   "
        f"{'target':<18} met"
    )
    print(header)
    print("-" * len(header))
    for label, result, rate, target, met in rows:
        rate_text = f"{rate:,.0f}/s" if rate else ""
        verdict = {True: "yes", False: "NO", None: ""}[met]
        print(
            f"{label:<33} {result['seconds']:>5.1f} s {result['process_seconds']:>6.1f} s "
            f"{result['cpu']:>5.1f} s {rate_text:>9} {result['peak_mb']:>6.0f} MB   "
            f"{target:<18} {verdict}"
        )
    print(
        "time: wall clock of the export or import call; process: of its whole process, start-up"
        " included; cpu: of the call, in that process only (the database server's is not"
        " counted). rate: CSV rows/s, or JSON records/s (purchases + warranties + retailers +"
        " brands). peak RSS: of that process, MB = 10^6 bytes."
    )
    resets_text = ", ".join(f"{seconds:.1f} s" for seconds in resets)
    print(f"reset with data_reset_all: {resets_text}; load average at the end {load_average()}")


if __name__ == "__main__":
    try:
        main()
    except Mismatch as error:
        print(f"\nWRONG RESULT: {error}", file=sys.stderr)
        sys.exit(2)
