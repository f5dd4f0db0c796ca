"""Search inside receipts, timed: what the receipts' words add to a search's count and page.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (bench/
dataset.py; --skip-load reuses them), gives one purchase in ten a receipt whose reading holds
about twenty lines of the dataset's words and a receipt number, and one in 500 the rare word
"Mazzer", then times in one process, for each search, the count, the first page of 20 and the
receipts' lines of that page (median of --runs, ms): once with the receipts searched
(docs/search.md §7) and once without, on the same data.

    psql -h 127.0.0.1 -U postgres -c "create database spends_bench_receipts"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench_receipts \\
        .venv/bin/python bench/receipt_search_bench.py --purchases 100000

Not a test: run by hand; its figures are in docs/search.md §7.
"""

import hashlib
import random
import statistics
import time

from dataset import WORDS, arguments, prepare_token
from django.db import connection, transaction

from kernel.hooks import purchases_with_receipt_word
from purchases.models import Attachment, Blob, FileType, Purchase
from purchases.selectors import purchase_list, with_receipt_matches
from receipts import search as receipts_search
from receipts.models import ReadingStatus, ReceiptReading

SEARCHES = ["kettle drill", "kettle", "mazzer", "kettle mazzer", "RN-004242", "SN00042424"]


def give_receipts() -> int:
    """A receipt for one purchase in ten (see above); returns how many."""
    rng = random.Random(7)
    ReceiptReading.objects.all().delete()
    Attachment.objects.all().delete()
    Blob.objects.all().delete()
    purchases = list(Purchase.objects.order_by("serial_number").values_list("pk", flat=True))
    chosen = purchases[::10]
    for start in range(0, len(chosen), 2000):
        blobs, attachments, readings = [], [], []
        for index, purchase_id in enumerate(chosen[start : start + 2000], start):
            lines = [f"Receipt RN-{index:06d}", "Shop street 1, 10115 Town"]
            lines += [
                f"{rng.randint(1, 3)} x {' '.join(rng.sample(WORDS, 3))} {rng.randint(1, 900)},99"
                for _ in range(rng.randint(5, 20))
            ]
            if index % 50 == 0:
                lines.append("1 x Mazzer Super Jolly grinder 349,00")
            lines.append(f"Total {rng.randint(10, 5000)},00 EUR")
            text = "\n".join(lines)
            blob = Blob(sha256=hashlib.sha256(text.encode()).hexdigest(), size=len(text))
            blobs.append(blob)
            attachments.append(
                Attachment(
                    purchase_id=purchase_id,
                    blob=blob,
                    filename=f"receipt-{index}.pdf",
                    mime_type="application/pdf",
                    file_type=FileType.RECEIPT,
                )
            )
            readings.append(ReceiptReading(blob=blob, status=ReadingStatus.DONE, text=text))
        with transaction.atomic():
            Blob.objects.bulk_create(blobs)
            Attachment.objects.bulk_create(attachments)
            ReceiptReading.objects.bulk_create(readings)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return len(chosen)


def timed(text: str, runs: int) -> tuple[float, float, float, int]:
    """Median ms of the count, the first page and its receipts' lines; and the count."""
    counts, pages, lines = [], [], []
    for _ in range(runs):
        purchases = purchase_list(search=text, with_claims=False)
        began = time.perf_counter()
        total = purchases.count()
        counted = time.perf_counter()
        page = list(purchases[:20])
        paged = time.perf_counter()
        with_receipt_matches(page, text)
        counts.append((counted - began) * 1000)
        pages.append((paged - counted) * 1000)
        lines.append((time.perf_counter() - paged) * 1000)
    return statistics.median(counts), statistics.median(pages), statistics.median(lines), total


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    prepare_token(args.purchases, args.skip_load)
    if not args.skip_load or not ReceiptReading.objects.exists():
        print(f"{give_receipts():,} receipts")
    print(f"{'search':<16} {'receipts':>8} {'found':>7} {'count':>8} {'page':>8} {'lines':>8}")
    for text in SEARCHES:
        for with_receipts in (True, False):
            purchases_with_receipt_word.provide(
                receipts_search.purchases_with_receipt_word if with_receipts else lambda word: None
            )
            timed(text, 1)  # warm
            count, page, lines, total = timed(text, args.runs)
            print(
                f"{text:<16} {'yes' if with_receipts else 'no':>8} {total:>7,} "
                f"{count:>7.1f}ms {page:>7.1f}ms {lines:>7.1f}ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
