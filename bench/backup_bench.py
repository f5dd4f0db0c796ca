"""Time and peak memory of a backup and a restore of N purchases with G GiB of attachments.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL and G GiB
(default 1) of attachment files into a scratch data folder, then runs, each in its own process
so that each peak resident memory figure is its own:

1. `backups_create` — the first backup, which copies every file into the backup location;
2. `backups_create` again — incremental: the files are there already;
3. `backups_restore` of the first backup after the uploads folder is lost, which takes a restore
   point, replaces every row and copies every file back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/backup_bench.py [--purchases N] [--gib G]

Memory must stay flat: it must not grow with the size of the attachments. Not a test.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(tempfile.mkdtemp(prefix="spends-backup-bench-"))
os.environ["SPENDS_DATA_DIR"] = str(DATA_DIR)

from dataset import load  # noqa: E402  (configures Django for DATABASE_URL)
from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402

from purchases.blobs import store_file  # noqa: E402
from purchases.models import Attachment, Blob, Purchase  # noqa: E402

FILE_MIB = 4


def attach_files(gib: float) -> int:
    """Store GIB of distinct random files and attach each to a purchase; return the count."""
    count = max(1, int(gib * 1024 / FILE_MIB))
    purchases = list(Purchase.objects.values_list("pk", flat=True)[:count])
    blobs, attachments = [], []
    for index, purchase_id in enumerate(purchases):
        content = os.urandom(FILE_MIB * 1024 * 1024)
        sha256 = hashlib.sha256(content).hexdigest()
        blob = Blob(sha256=sha256, extension=".bin", size=len(content), reference_count=1)
        store_file(blob.name, File(BytesIO(content), name=blob.name))
        blobs.append(blob)
        attachments.append(
            Attachment(
                id=uuid.uuid4(),
                purchase_id=purchase_id,
                blob=blob,
                filename=f"scan-{index}.bin",
                file_type="receipt",
            )
        )
    Blob.objects.bulk_create(blobs)
    Attachment.objects.bulk_create(attachments)
    return len(blobs)


# Runs a manage.py command and then prints its own peak resident memory. (The kernel's
# ru_maxrss of a child also counts what it inherited before exec from this process, which holds
# the generated files; VmHWM belongs to the command's own address space only.)
RUNNER = """
import sys
sys.path.insert(0, sys.argv.pop(1))
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(["manage.py", *sys.argv[1:]])
finally:
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM"))
    print("PEAK", int(peak.split()[1]) // 1024, file=sys.stderr)
"""


def run(*arguments: str) -> tuple[float, float, str]:
    """Run a manage.py command; return its seconds, its own peak RSS in MiB, and its output."""
    began = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", RUNNER, str(ROOT), *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "spends_tracker.settings"},
    )
    elapsed = time.perf_counter() - began
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{finished.stdout}{finished.stderr}")
    peak = float(finished.stderr.rsplit("PEAK", 1)[1])
    return elapsed, peak, finished.stdout


def folder_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    load(args.purchases)
    Attachment.objects.all().delete()
    files = attach_files(args.gib)
    print(
        f"loaded {Purchase.objects.count():,} purchases and {files} files "
        f"({folder_mib(DATA_DIR / 'uploads'):,.0f} MiB) in {time.perf_counter() - began:.0f} s"
    )
    try:
        for label in ("backup (first)", "backup (incremental)"):
            seconds, peak, output = run("backups_create")
            print(f"{label:<24} {seconds:6.1f} s   peak RSS {peak:6.1f} MiB   {output.strip()}")
        first = sorted((DATA_DIR / "backups").glob("backup_*.zip"))[0]
        shutil.rmtree(DATA_DIR / "uploads")  # the disaster: every attachment file is lost
        seconds, peak, output = run("backups_restore", str(first), "--no-input")
        print(f"{'restore (files lost)':<24} {seconds:6.1f} s   peak RSS {peak:6.1f} MiB")
        restored = Attachment.objects.filter(blob__missing=False).count()
        print(
            f"after the restore: {Purchase.objects.count():,} purchases, {restored} of {files} "
            f"attachments available, uploads {folder_mib(DATA_DIR / 'uploads'):,.0f} MiB, "
            f"backup location {folder_mib(DATA_DIR / 'backups'):,.0f} MiB"
        )
        assert Purchase.objects.count() == args.purchases and restored == files
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
