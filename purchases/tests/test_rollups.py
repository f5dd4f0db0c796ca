"""The rollups the dashboard reads: kept in step by the write services, rebuilt after any other
write, and in both cases equal to what a rebuild from the data gives."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel import clock
from kernel.summaries import summaries_in_step
from purchases.models import Purchase, SpendingRollup
from purchases.rollups import rollups_brought_in_step, rollups_rebuild
from purchases.services import purchase_create, purchase_delete, purchase_update
from purchases.tests.base_prices import converting_saves
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty, WarrantyRollup
from warranties.services import (
    warranties_set_voided,
    warranty_create,
    warranty_delete,
    warranty_update,
)

pytestmark = pytest.mark.django_db


def rollup_rows():
    spending = SpendingRollup.objects.values_list(
        "currency_code",
        "base_currency_code",
        "dimension",
        "key",
        "purchase_count",
        "tax_deductible_count",
        "total_units",
        "base_units",
        "unconverted_count",
    )
    warranties = WarrantyRollup.objects.values_list("warranty_end", "voided", "warranty_count")
    return sorted(spending), sorted(warranties)


def a_day(rng) -> datetime.date:
    return clock.today() - datetime.timedelta(days=rng.randint(0, 800))


def purchase_data(rng, retailers, brands) -> dict:
    return {
        "product_name": rng.choice(["Kettle", "Drill", "Laptop", "Lamp"]),
        "price": Decimal(rng.randint(1, 99999)) / 100,
        "currency_code": rng.choice(["USD", "EUR", "JPY"]),
        "retailer_id": rng.choice([None, *retailers]),
        "brand_id": rng.choice([None, *brands]),
        "purchase_date": a_day(rng),
        "tax_deductible": rng.random() < 0.3,
    }


def one_write(rng, retailers, brands) -> None:
    """A random write through a service, as people make them."""
    purchases = list(Purchase.objects.all())
    warranties = list(Warranty.objects.all())
    action = rng.choice(["create"] * 3 + ["update", "move", "delete", "warranty", "void"])
    if action == "create" or not purchases:
        data = purchase_data(rng, retailers, brands)
        if rng.random() < 0.7:
            data["warranty_expiry"] = data["purchase_date"] + datetime.timedelta(days=400)
        purchase_create(data=data)
    elif action == "update":
        changed = purchase_data(rng, retailers, brands)
        keys = rng.sample(sorted(changed), rng.randint(1, 4))
        purchase_update(purchase=rng.choice(purchases), data={key: changed[key] for key in keys})
    elif action == "move":
        purchase = rng.choice(purchases)
        end = rng.choice([None, purchase.purchase_date + datetime.timedelta(days=30)])
        purchase_update(purchase=purchase, data={"warranty_expiry": end})
    elif action == "delete":
        purchase_delete(purchase=rng.choice(purchases))
    elif action == "warranty" or not warranties:
        purchase = rng.choice(purchases)
        start = purchase.purchase_date
        warranty_create(
            purchase=purchase,
            data={"warranty_start": start, "warranty_end": start + datetime.timedelta(days=90)},
        )
    elif rng.random() < 0.5:
        warranty = rng.choice(warranties)
        warranty_update(warranty=warranty, data={"status": rng.choice(["VOIDED", "ACTIVE"])})
    elif rng.random() < 0.5:
        ids = [warranty.pk for warranty in rng.sample(warranties, min(3, len(warranties)))]
        warranties_set_voided(warranties=Warranty.objects.filter(pk__in=ids), voided=True)
    else:
        warranty_delete(warranty=rng.choice(warranties))


@pytest.mark.parametrize("seed", range(4))
def test_the_write_services_keep_the_rollups_as_a_rebuild_would(seed, monkeypatch):
    rng = random.Random(seed)
    # Converted at random rates, some missing; the base changes half-way for some seeds, as
    # when the household changes its currency and older purchases keep their former base.
    bases = ["USD", rng.choice(["USD", "EUR"])]
    converting_saves(monkeypatch, base=bases[0], rng=rng)
    retailers = [RetailerFactory().pk for _ in range(3)]
    brands = [BrandFactory().pk for _ in range(3)]
    rollups_brought_in_step()

    for write in range(40):
        if write == 20:
            converting_saves(monkeypatch, base=bases[1], rng=rng)
        one_write(rng, retailers, brands)
        assert summaries_in_step()
    kept = rollup_rows()
    rollups_rebuild()

    assert kept == rollup_rows()
    assert sum(count for *_, count in kept[1]) == Warranty.objects.count()
    assert {row[1] for row in kept[0] if row[2] != "name"} <= set(bases)
    # The every-currency rows count each purchase once, as the day rows do.
    names = [row for row in kept[0] if row[2] == "name"]
    assert {row[:2] for row in names} <= {("", "")}
    assert sum(row[4] for row in names) == Purchase.objects.count()
    purchases = Purchase.objects.all()
    days = [row for row in kept[0] if row[2] == "day"]
    assert sum(row[8] for row in days) == purchases.filter(base_price=None).count()
    assert sum(row[7] for row in days) == sum(
        int(price * 1000)
        for price in purchases.exclude(base_price=None).values_list("base_price", flat=True)
    )


def test_a_write_around_the_services_is_caught_up_by_the_next_reader(api_client):
    purchase_create(data=purchase_data(random.Random(1), [], []) | {"currency_code": "USD"})
    rollups_brought_in_step()
    PurchaseFactory(currency_code="USD")  # around the services, as imports and the admin write
    assert not summaries_in_step()

    summary = api_client.get("/api/analytics/summary", {"currency": "USD"}).json()

    assert summary["total_items"] == 2
    assert summaries_in_step()


def test_a_failed_write_changes_no_rollup():
    rollups_brought_in_step()
    before = rollup_rows()

    # The purchase is saved, then its warranty is refused: nothing of it may stay.
    with pytest.raises(ValidationError):
        purchase_create(
            data={
                "product_name": "Kettle",
                "price": Decimal("5"),
                "purchase_date": clock.today(),
                "warranty_expiry": clock.today() - datetime.timedelta(days=1),
            }
        )

    assert rollup_rows() == before
    assert summaries_in_step()
