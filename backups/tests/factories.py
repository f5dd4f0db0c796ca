"""How backups tests build a household and its backups: one way, used by every test file."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from backups import services
from backups.models import BackupKind, BackupRecord
from purchases.models import Attachment, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory


def attach(purchase: Purchase, name: str, content: bytes, file_type: str = "receipt") -> Attachment:
    """Attach CONTENT to PURCHASE as the file NAME, through the blob store's service."""
    upload = SimpleUploadedFile(name, content)
    return attachment_add(purchase=purchase, upload=upload, file_type=file_type)[0]


def kettle_with_warranty() -> Purchase:
    """The kettle most backups tests start from: 39.90, under warranty until 2027."""
    kettle = PurchaseFactory(product_name="Kettle", price=Decimal("39.90"))
    WarrantyFactory(purchase=kettle, warranty_end=datetime.date(2027, 1, 1))
    return kettle


def backup_taken(kind: str = BackupKind.MANUAL) -> BackupRecord:
    """Take a backup in this process (no job) and return its completed record."""
    return services.backup_create(services.backup_record_new(kind))
