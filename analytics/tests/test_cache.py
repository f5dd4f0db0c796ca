"""Cached figures are never served after a write, whichever way the write was made.

spends_tracker/tests/test_write_paths.py drives every other write path the same way.
"""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interchange.imports import import_csv
from purchases.models import Purchase
from purchases.services import purchase_create, purchase_delete, purchases_delete
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

SUMMARY = "/api/analytics/summary"


def total_spent(client) -> str:
    return client.get(SUMMARY).json()["total_spent"]


def test_a_repeated_request_is_answered_from_the_cache(api_client):
    PurchaseFactory(price=Decimal("10.00"))
    api_client.get(SUMMARY)
    with CaptureQueriesContext(connection) as first:
        api_client.get(SUMMARY)
    PurchaseFactory(price=Decimal("5.00"))
    with CaptureQueriesContext(connection) as after_write:
        assert total_spent(api_client) == "15.00"
    # Served from the cache: only authentication and the data-version check touch the database.
    assert len(first.captured_queries) < len(after_write.captured_queries)


@pytest.mark.parametrize(
    "write",
    [
        lambda: purchase_create(data={"product_name": "Mug", "price": Decimal("1.00")}),
        lambda: import_csv(  # the update mode of an import: bulk updates
            io.BytesIO(
                b"id,product_name,price,currency_code,purchase_date\n"
                + f"{Purchase.objects.get().pk},Kettle,2.00,USD,2025-01-02\n".encode()
            ),
            mode="update",
        ),
        lambda: purchases_delete(purchases=Purchase.objects.all()),
        lambda: purchase_delete(purchase=Purchase.objects.get()),
    ],
    ids=["create", "bulk-update", "bulk-delete", "delete"],
)
def test_every_kind_of_write_is_seen_by_the_next_request(api_client, write):
    PurchaseFactory(price=Decimal("10.00"))
    assert total_spent(api_client) == "10.00"

    write()

    expected = sum((p.price for p in Purchase.objects.all()), Decimal("0"))
    assert expected != Decimal("10.00"), "the write changes the figure"
    assert total_spent(api_client) == f"{expected:.2f}"


def test_a_write_through_the_api_is_seen_at_once(api_client):
    assert total_spent(api_client) == "0.00"
    api_client.post(
        "/api/purchases",
        {"product_name": "Kettle", "price": "20.50", "purchase_date": "2024-05-01"},
        content_type="application/json",
    )
    assert total_spent(api_client) == "20.50"


def test_figures_follow_the_date_even_without_writes(api_client, monkeypatch):
    import datetime

    from warranties.tests.factories import WarrantyFactory

    WarrantyFactory(
        warranty_start=datetime.date(2025, 1, 1), warranty_end=datetime.date(2025, 6, 15)
    )
    monkeypatch.setattr("kernel.clock.today", lambda: datetime.date(2025, 6, 15))
    assert api_client.get(SUMMARY).json()["active_warranties"] == 1
    monkeypatch.setattr("kernel.clock.today", lambda: datetime.date(2025, 6, 16))
    assert api_client.get(SUMMARY).json()["expired_warranties"] == 1
