"""Time and peak memory of exporting N purchases (default 100,000) as JSON, CSV and ZIP.

Loads the data into the scratch database named by DATABASE_URL (emptied first; --skip-load
reuses it), then runs each export to a temporary file in a fresh process, so that each peak
resident memory figure is that export's own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/export_bench.py

Targets on 2 cores: under 10 s and under 150 MB for 100,000 purchases. Not a test.
"""

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dataset import arguments, prepare

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    prepare(args.purchases, args.skip_load)
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("json", "csv", "zip"):
            target = Path(folder) / f"export.{fmt}"
            command = [sys.executable, str(ROOT / "manage.py"), "interchange_export"]
            began = time.perf_counter()
            subprocess.run([*command, "--format", fmt, "-o", str(target)], check=True)
            elapsed = time.perf_counter() - began
            peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            size_mib = target.stat().st_size / 1024 / 1024
            print(
                f"export {fmt:<4} {elapsed:6.1f} s   file {size_mib:6.1f} MiB   "
                f"peak RSS so far {peak_mib:6.1f} MiB"
            )


if __name__ == "__main__":
    main()
