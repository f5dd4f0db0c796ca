"""Every write to the household's data gives it a new version, whatever path it takes.

The writes go through the paths the application has for them (services, imports); writing
through the ORM directly changes nothing by itself (kernel/versioning.py).
spends_tracker/tests/test_write_paths.py drives every write path against the dashboard's cache.
"""

import datetime
import io

import pytest
from django.db import transaction

from analytics.selectors import analytics_summary
from catalog.models import Retailer
from catalog.tests.factories import RetailerFactory
from interchange.imports import import_csv, import_records
from kernel.versioning import data_version
from preferences.services import preferences_update
from purchases.models import Purchase, PurchaseStatus
from purchases.services import (
    purchase_create,
    purchase_delete,
    purchase_update,
    purchases_delete,
    purchases_mark_received,
)
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.services import warranties_set_voided, warranty_update
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def changes_version(write) -> bool:
    before = data_version()
    write()
    return data_version() != before


def test_saving_and_deleting_a_purchase_change_the_version():
    purchase = PurchaseFactory()
    assert changes_version(lambda: purchase_update(purchase=purchase, data={"notes": "x"}))
    assert changes_version(lambda: purchase_delete(purchase=purchase))


def test_bulk_writes_change_the_version():
    PurchaseFactory.create_batch(2, status=PurchaseStatus.ORDERED)
    assert changes_version(lambda: purchases_mark_received(purchases=Purchase.objects.all()))
    assert changes_version(lambda: purchases_delete(purchases=Purchase.objects.all()))
    retailer = RetailerFactory()
    new = [("row 1", {"name": "Another shop"})]
    assert changes_version(lambda: import_records("retailers", new))
    renamed = [("row 1", {"id": str(retailer.pk), "name": "Renamed"})]
    assert changes_version(lambda: import_records("retailers", renamed, mode="update"))
    assert Retailer.objects.get(pk=retailer.pk).name == "Renamed"


def test_warranty_and_preference_writes_change_the_version():
    warranty = WarrantyFactory()
    end = warranty.warranty_end + datetime.timedelta(days=1)
    assert changes_version(lambda: warranty_update(warranty=warranty, data={"warranty_end": end}))
    warranties = Warranty.objects.filter(pk=warranty.pk)
    assert changes_version(lambda: warranties_set_voided(warranties=warranties, voided=True))
    assert changes_version(lambda: preferences_update(currency_code="EUR"))


def test_an_import_changes_the_version_so_no_figure_cached_before_it_is_served():
    """Imports insert new purchases and warranties with COPY on PostgreSQL, outside the ORM."""
    cached = analytics_summary(currency="EUR")
    before = data_version()

    import_csv(
        io.BytesIO(
            b"product_name,price,currency_code,purchase_date,warranty_end\n"
            b"Kettle,25.00,EUR,2025-01-02,2099-01-02\n"
        )
    )

    assert data_version() != before
    summary = analytics_summary(currency="EUR")
    assert summary["total_items"] == cached["total_items"] + 1
    assert summary["active_warranties"] == cached["active_warranties"] + 1


def test_reads_do_not_change_the_version():
    PurchaseFactory()
    assert not changes_version(lambda: list(Purchase.objects.with_details()))


def test_a_rolled_back_write_leaves_the_version_as_it_was():
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        purchase_create(data={"product_name": "Kettle", "price": "5"})
        raise RuntimeError
    assert data_version() == before
