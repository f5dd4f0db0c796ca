"""Fixtures of the legacy import tests: a catalog that names a retailer and a brand differently
from the file, a laptop whose ids the file has too, and a household of their own (it
overrides the one of interchange/tests/conftest.py)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.tests.legacy_imports.helpers import (
    KNOWN,
    P_LAPTOP,
    W_LAPTOP,
)
from preferences.services import preferences_update
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory


@pytest.fixture
def existing_catalog():
    """The new application already knows a retailer and a brand that the file names differently."""
    return {"home": RetailerFactory(name="Home Depot"), "sony": BrandFactory(name="Sony")}


@pytest.fixture
def existing_laptop():
    shop = RetailerFactory(name="Old Shop")
    laptop = PurchaseFactory(
        id=uuid.UUID(P_LAPTOP),
        product_name="Old laptop",
        price=Decimal("1.00"),
        retailer=shop,
        brand=None,
        purchase_date=datetime.date(2024, 1, 1),
    )
    WarrantyFactory(id=uuid.UUID(W_LAPTOP), purchase=laptop, warranty_type="OLD")
    return laptop


@pytest.fixture
def household():
    preferences_update(currency_code="GBP")
    laptop = PurchaseFactory(product_name="Existing laptop")
    WarrantyFactory(purchase=laptop)
    attachment_add(
        purchase=laptop, upload=SimpleUploadedFile("known.png", KNOWN), file_type="warranty"
    )
    return laptop
