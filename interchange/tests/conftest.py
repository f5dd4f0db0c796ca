"""Fixtures of the import and export tests (factories.py builds what they hold)."""

import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request in another language earlier in the same process
    (Accept-Language, a person's choice) leaves that language active in the thread, and the
    messages these tests compare are the English ones (docs/i18n.md)."""
    translation.activate("en")
    yield
    translation.deactivate()
