"""Fixtures of the import and export tests (factories.py builds what they hold)."""

import pytest

from interchange.tests.factories import (
    PHOTO,
    RECEIPT,
    attach,
    kitchen_kettle,
    settings_stored,
    toaster,
)
from warranties.tests.factories import WarrantyFactory


@pytest.fixture
def household():
    """Settings, two purchases with a warranty each, three attachments sharing two blobs."""
    settings_stored()
    kettle, other = kitchen_kettle(), toaster()
    for purchase in (kettle, other):
        WarrantyFactory(purchase=purchase)
    attach(kettle, "receipt.pdf", RECEIPT)
    attach(kettle, "photo.JPG", PHOTO)
    attach(other, "receipt-copy.pdf", RECEIPT)
    return kettle
