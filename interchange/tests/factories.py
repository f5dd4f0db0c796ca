"""How import and export tests build a household: one way, used by every test file."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.tests.factories import BrandFactory, RetailerFactory
from preferences.services import preferences_update
from purchases.models import Attachment, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory

# The files of the household of conftest.py: two contents, the receipt attached twice.
RECEIPT = b"%PDF-1.4 receipt of the kettle and the toaster"
PHOTO = b"\xff\xd8\xff\xe0 photo of the kettle" + bytes(48)


def attach(purchase: Purchase, name: str, content: bytes, file_type: str = "receipt") -> Attachment:
    """Attach CONTENT to PURCHASE as the file NAME, through the blob store's service."""
    upload = SimpleUploadedFile(name, content)
    return attachment_add(purchase=purchase, upload=upload, file_type=file_type)[0]


def settings_stored() -> None:
    """Store settings that differ from the defaults, so that an export has some to carry."""
    preferences_update(currency_code="EUR", date_format="DD.MM.YYYY")


def kitchen_kettle() -> Purchase:
    """The kettle bought at Kitchen Outlet, a Delonghi, on 1 March 2024."""
    return PurchaseFactory(
        product_name="Kettle",
        retailer=RetailerFactory(name="Kitchen Outlet"),
        brand=BrandFactory(name="Delonghi"),
        purchase_date=datetime.date(2024, 3, 1),
    )


def toaster() -> Purchase:
    return PurchaseFactory(product_name="Toaster", purchase_date=datetime.date(2024, 4, 2))
