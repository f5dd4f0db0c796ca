"""Every write to the household's data gives it a new version, whatever path it takes."""

import datetime
import io

import pytest

from analytics.selectors import analytics_summary
from catalog.models import Retailer
from catalog.tests.factories import RetailerFactory
from interchange.imports import import_csv
from kernel.models import data_version
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def changes_version(write) -> bool:
    before = data_version()
    write()
    return data_version() != before


def test_saving_and_deleting_an_object_change_the_version():
    purchase = PurchaseFactory()
    assert changes_version(lambda: setattr(purchase, "notes", "x") or purchase.save())
    assert changes_version(purchase.delete)


def test_bulk_writes_change_the_version():
    PurchaseFactory.create_batch(2)
    assert changes_version(lambda: Purchase.objects.update(notes="bulk"))
    assert changes_version(lambda: Purchase.objects.filter(notes="bulk").delete())
    retailer = RetailerFactory()
    assert changes_version(lambda: Retailer.objects.bulk_create([Retailer(name="Another shop")]))
    retailer.name = "Renamed"
    assert changes_version(lambda: Retailer.objects.bulk_update([retailer], ["name"]))


def test_warranty_and_preference_writes_change_the_version():
    warranty = WarrantyFactory()
    assert changes_version(
        lambda: Warranty.objects.filter(pk=warranty.pk).update(
            warranty_end=warranty.warranty_end + datetime.timedelta(days=1)
        )
    )
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
    from django.db import transaction

    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        PurchaseFactory()
        raise RuntimeError
    assert data_version() == before
