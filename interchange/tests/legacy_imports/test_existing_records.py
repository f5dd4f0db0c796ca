"""Legacy records whose id exists already: skipped in mode skip, updated in mode update
(docs/api.md §6.5)."""

import datetime
import uuid
from decimal import Decimal

import pytest

from catalog.models import Retailer
from interchange.imports import import_json
from interchange.tests.legacy_imports.helpers import (
    P_LAPTOP,
    P_MUG_HEX,
    W_LAPTOP,
    json_file,
    legacy_purchase,
    legacy_warranty,
)
from purchases.models import Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db


def duplicate_file() -> dict:
    """The laptop again (its id written without dashes), its warranty, and one new purchase."""
    shop_id = str(Retailer.objects.get(name="Old Shop").id)
    return {
        "retailers": [{"id": shop_id, "name": "Renamed Shop", "url": "", "created_at": None}],
        "purchases": [
            legacy_purchase(
                id=uuid.UUID(P_LAPTOP).hex,
                product_name="Laptop",
                price="20.5",
                retailer_id=shop_id,
                purchase_date="2025-02-03",
            ),
            legacy_purchase(id=P_MUG_HEX, product_name="Mug", price="3"),
        ],
        "warranties": [
            legacy_warranty(id=W_LAPTOP, purchase_id=P_LAPTOP, warranty_type="LIMITED"),
        ],
    }


def test_records_whose_id_exists_are_skipped_in_mode_skip(existing_laptop):
    report = import_json(json_file(duplicate_file()), mode="skip").as_dict()

    assert report["purchases_skipped_existing"] == 1
    assert report["purchases_added"] == 1
    assert report["retailers_added"] == 0 and report["warranties_added"] == 0
    existing_laptop.refresh_from_db()
    assert (existing_laptop.product_name, existing_laptop.price) == ("Old laptop", Decimal("1"))
    assert Warranty.objects.get().warranty_type == "OLD"
    assert Retailer.objects.get().name == "Old Shop"
    assert Purchase.objects.count() == 2


def test_records_whose_id_exists_are_updated_in_mode_update(existing_laptop):
    report = import_json(json_file(duplicate_file()), mode="update").as_dict()

    assert report["purchases_skipped_existing"] == 0
    assert report["purchases_added"] == 1
    existing_laptop.refresh_from_db()
    assert existing_laptop.product_name == "Laptop"
    assert existing_laptop.price == Decimal("20.50")
    assert existing_laptop.purchase_date == datetime.date(2025, 2, 3)
    assert existing_laptop.updated_at is not None
    assert Warranty.objects.get().warranty_type == "LIMITED"
    assert Retailer.objects.get().name == "Renamed Shop"
    assert Purchase.objects.count() == 2
