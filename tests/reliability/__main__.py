"""Run the reliability suite: `python -m tests.reliability [--short] [--only PART ...]`."""

import argparse
import sys
import time

from tests.reliability import access, faults, hostile, load

FULL = {"purchases": 100_000, "clients": 16, "seconds": 60, "fault_seconds": 20, "stale": 15}
SHORT = {"purchases": 5_000, "clients": 8, "seconds": 15, "fault_seconds": 6, "stale": 6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="the bounded form CI runs")
    parser.add_argument("--only", nargs="+", choices=["access", "hostile", "load", "faults"])
    options = parser.parse_args()
    size = SHORT if options.short else FULL
    parts = {
        "access": access.run,
        "hostile": hostile.run,
        "load": lambda: load.run(
            purchases=size["purchases"], clients=size["clients"], seconds=size["seconds"]
        ),
        "faults": lambda: faults.run(
            purchases=size["purchases"], seconds=size["fault_seconds"], stale_seconds=size["stale"]
        ),
    }
    started = time.monotonic()
    outcome = {}
    for name, run in parts.items():
        if options.only and name not in options.only:
            continue
        outcome[name] = run()
    form = "short" if options.short else "full"
    print(f"== reliability ({form}, {time.monotonic() - started:.0f} s):")
    for name, passed in outcome.items():
        print(f"  {name}: {'passed' if passed else 'FAILED'}")
    return 0 if all(outcome.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
