"""The household of the disaster recovery tests (test_disaster_recovery_*.py), and the data as
it was before a disaster: every record and setting, as a JSON export without its timestamp,
and the bytes of every stored file.

The tests check that this is the same after the recovery, or after a refused or interrupted
restore. `prepare` (and the seeding it calls) also runs inside other installations
(disaster_sites.py, through `manage.py shell -c`), hence the local imports.
"""

import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange.exports import export_json_chunks

SECTIONS = ("retailers", "brands", "purchases", "warranties", "claims", "files")


def seed_household() -> None:
    """A household's data with the awkward parts: settings, text, shared files, voided warranty.

    Also run inside the other installations (`manage.py shell -c`), hence the local imports.
    """
    import datetime

    from catalog.tests.factories import BrandFactory, RetailerFactory
    from preferences.services import preferences_update
    from purchases.services import attachment_add
    from purchases.tests.factories import PurchaseFactory
    from warranties.services import claim_create
    from warranties.tests.factories import WarrantyFactory

    preferences_update(currency_code="CHF", date_format="DD.MM.YYYY")
    espresso = PurchaseFactory(
        product_name="Espresso machine ☕",
        price=Decimal("1299.95"),
        currency_code="CHF",
        retailer=RetailerFactory(name="Brocante Ève", url=""),
        brand=BrandFactory(name="Delonghi"),
        purchase_date=datetime.date(2024, 2, 29),
        notes="Line one\nline two",
        tags="kitchen,coffee",
        quantity=2,
    )
    espresso.save()  # updated_at is set by a change after creation
    warranty = WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2026, 2, 28))
    WarrantyFactory(purchase=espresso, warranty_end=datetime.date(2030, 1, 31), voided=True)
    kettle = PurchaseFactory(product_name="Kettle", retailer=None, brand=None, notes="")
    photo = b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(48 * 1024)
    attachments = [
        attachment_add(
            purchase=purchase, upload=SimpleUploadedFile(name, content), file_type="receipt"
        )[0]
        for purchase, name, content in [
            (espresso, "Reçu.PDF", b"%PDF-1.7 the receipt"),
            (espresso, "manual", b"plain-text manual"),
            (kettle, "kettle.jpg", photo),
            (kettle, "same receipt.pdf", b"%PDF-1.7 the receipt"),  # one file, two attachments
        ]
    ]
    # A warranty claim with its document, and a closed one (docs/claims.md §6).
    claim_create(
        warranty=warranty,
        data={
            "opened_on": datetime.date(2025, 1, 6),
            "number": "RMA-77",
            "cost": Decimal("15.00"),
            "follow_up_on": datetime.date(2025, 1, 20),
            "document_ids": [attachments[0].pk],
        },
    )
    claim_create(
        warranty=warranty,
        data={"opened_on": datetime.date(2024, 6, 1), "status": "RESOLVED", "resolution": "Fixed"},
    )


def seed_many(purchases: int, files: int) -> None:
    """The household, PURCHASES demo purchases and FILES scanned receipts, and backup A of them;
    then the data moves on (a setting, a name, a new file), so that A and the data differ."""
    from django.core.management import call_command

    from preferences.services import preferences_update
    from purchases.demo import purchases_load_demo
    from purchases.models import Purchase
    from purchases.services import attachment_add

    seed_household()
    purchases_load_demo(count=purchases, seed=7)
    scans = random.Random(7)
    for number, purchase in enumerate(Purchase.objects.order_by("id")[:files]):
        scan = b"%PDF-1.7\n" + scans.randbytes(96 * 1024)
        attachment_add(
            purchase=purchase,
            upload=SimpleUploadedFile(f"scan {number}.pdf", scan),
            file_type="receipt",
        )
    call_command("backups_create", "--note", "A")
    preferences_update(currency_code="EUR")
    Purchase.objects.filter(product_name="Kettle").update(product_name="Kettle (descaled)")
    attachment_add(
        purchase=Purchase.objects.order_by("id").last(),
        upload=SimpleUploadedFile("added after A.pdf", AFTER_A),
        file_type="manual",
    )


AFTER_A = b"%PDF-1.7 added after backup A" + random.Random(8).randbytes(256 * 1024)


def prepare(name: str, export: str) -> None:
    """Fill an installation (run in it by `manage.py shell -c`), then export what it holds."""
    from django.core.management import call_command

    if name == "household":
        seed_household()
        call_command("backups_create", "--note", "before the disaster")
    else:
        seed_many(5000, 40)
    call_command("backups_export", "--format", "json", "-o", export)


def normalised(export: dict) -> dict:
    """A JSON export without its timestamp, each section in id order.

    The audit trail is left out: a restore keeps it and adds itself to it (see
    `test_audit.py`), so it grows where the data comes back as it was.
    """
    export.pop("exported_at")
    export.pop("audit", None)
    for key in SECTIONS:
        export[key] = sorted(export[key], key=lambda record: record["id"])
    return export


def tree(folder: Path) -> dict[str, bytes]:
    """The files under FOLDER by relative path (hidden scratch folders left out)."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found[relative.as_posix()] = path.read_bytes()
    return found


def _blob_name(content: bytes, extension: str) -> str:
    """Where the attachment store (and a backup folder's blobs/) keeps CONTENT."""
    digest = hashlib.sha256(content).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}{extension}"


def snapshot() -> dict:
    """Everything the household owns in this process's database and uploads folder."""
    export = json.loads("".join(export_json_chunks()))
    return {**normalised(export), "uploads": tree(settings.MEDIA_ROOT)}
