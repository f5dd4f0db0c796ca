import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from kernel import clock
from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.search import (
    SEARCH_INDEX_NAME,
    SQLITE_SEARCH_TABLE,
    purchases_matching,
    search_words,
    typo_variants,
)
from purchases.selectors import purchase_listing
from purchases.tests.factories import PurchaseFactory
from warranties.models import WarrantyStatus
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)


@pytest.mark.parametrize("price", [Decimal("-1.00"), Decimal("0.00")])
def test_database_refuses_a_price_that_is_not_positive(price):
    with pytest.raises(IntegrityError):
        PurchaseFactory(price=price)


def test_database_refuses_a_quantity_below_one():
    with pytest.raises(IntegrityError):
        PurchaseFactory(quantity=0)


def test_price_is_stored_and_read_back_as_an_exact_decimal():
    purchase = PurchaseFactory(price=Decimal("99999999.99"))
    assert Purchase.objects.get(pk=purchase.pk).price == Decimal("99999999.99")


def test_new_purchases_take_the_preferred_currency():
    preferences_update(currency_code="EUR")
    assert Purchase(product_name="Kettle", price=Decimal("20")).currency_code == "EUR"


@pytest.mark.parametrize("stored", ["", "Euro", "eu"])
def test_a_preferred_currency_that_is_not_a_code_falls_back_to_usd(stored):
    preferences_update(currency_code=stored)
    assert Purchase(product_name="Kettle", price=Decimal("20")).currency_code == "USD"


def test_a_purchase_dated_in_the_future_does_not_validate():
    purchase = PurchaseFactory.build(purchase_date=clock.today() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        purchase.full_clean(exclude=["retailer", "brand"])
    assert "purchase_date" in error.value.message_dict


def test_updated_at_stays_empty_until_the_first_change():
    purchase = PurchaseFactory()
    assert purchase.updated_at is None
    purchase.notes = "Gift"
    purchase.save(update_fields=["notes"])
    assert Purchase.objects.get(pk=purchase.pk).updated_at is not None


def test_primary_warranty_is_the_non_voided_one_that_ends_last():
    purchase = PurchaseFactory(purchase_date=datetime.date(2024, 1, 1))
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2025, 1, 1))
    extended = WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2027, 1, 1))
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2030, 1, 1), voided=True)

    annotated = Purchase.objects.with_primary_warranty(TODAY).get(pk=purchase.pk)

    assert annotated.primary_warranty_id == extended.id
    assert annotated.primary_warranty_end == datetime.date(2027, 1, 1)
    assert annotated.primary_warranty_status == WarrantyStatus.ACTIVE


def test_primary_warranty_falls_back_to_the_latest_ending_voided_one():
    purchase = PurchaseFactory(purchase_date=datetime.date(2024, 1, 1))
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2025, 1, 1), voided=True)
    latest = WarrantyFactory(purchase=purchase, warranty_end=datetime.date(2026, 1, 1), voided=True)

    annotated = Purchase.objects.with_primary_warranty(TODAY).get(pk=purchase.pk)

    assert annotated.primary_warranty_id == latest.id
    assert annotated.primary_warranty_status == WarrantyStatus.VOIDED


def test_a_purchase_without_warranties_has_no_primary_warranty():
    purchase = PurchaseFactory()
    annotated = Purchase.objects.with_primary_warranty(TODAY).get(pk=purchase.pk)
    assert annotated.primary_warranty_id is None
    assert annotated.primary_warranty_status is None


TIE_TIME = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "warranties",
    [
        [("2025-01-01", False), ("2027-01-01", False), ("2030-01-01", True)],
        [("2025-01-01", True), ("2026-01-01", True)],
        [("2026-01-01", False), ("2026-01-01", False), ("2026-01-01", False)],
        [("2024-01-01", False)],
    ],
)
def test_the_primary_warranty_picked_in_python_is_the_one_the_database_picks(warranties):
    """`primary_warranty_of` (pages, API) and the subquery (admin, CSV export) must agree,
    down to ties on end date and creation time, which the id breaks."""
    purchase = PurchaseFactory(purchase_date=datetime.date(2024, 1, 1))
    for end, voided in warranties:
        WarrantyFactory(
            purchase=purchase,
            warranty_end=datetime.date.fromisoformat(end),
            voided=voided,
            created_at=TIE_TIME,
        )

    in_python = Purchase.objects.with_details().get(pk=purchase.pk).primary_warranty
    in_database = Purchase.objects.with_primary_warranty(TODAY).get(pk=purchase.pk)

    assert in_python.id == in_database.primary_warranty_id
    assert in_python.status_on(TODAY) == in_database.primary_warranty_status


def test_deleting_a_purchase_deletes_its_warranties_and_deleting_a_retailer_keeps_it():
    warranty = WarrantyFactory()
    purchase = warranty.purchase
    purchase.retailer.delete()
    purchase.refresh_from_db()
    assert purchase.retailer is None
    purchase.delete()
    assert not type(warranty).objects.filter(pk=warranty.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize("text", ["espresso", "bosch dish"])
def test_every_word_of_a_search_is_looked_up_in_the_one_search_index(text):
    PurchaseFactory.create_batch(5)
    queryset = purchases_matching(Purchase.objects.order_by(), text)
    with connection.cursor() as cursor:
        # On a handful of rows the planner prefers a scan; forbid it to see that the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert f"Bitmap Index Scan on {SEARCH_INDEX_NAME}" in plan, plan
    index_conditions = "".join(line for line in plan.lower().splitlines() if "index cond" in line)
    # Each word's exact LIKE and its typos' (a rare word's one-edit variants) are index
    # conditions; on a handful of rows the planner may check the other words in a filter.
    assert any(f"%{word}%" in index_conditions for word in search_words(text)), plan
    assert any(f"%{variant}%" in index_conditions for variant in typo_variants("espresso")) or (
        "_" in index_conditions
    ), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_search_index_takes_every_write_at_once_and_counts_are_planned_for_their_words():
    """No pending list for the planner to weigh (migration 0021), and the counts of the words
    and of their typos are planned for their patterns, not prepared (`_planned_for_its_values`)
    while the rest of the connection's statements still are."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [SEARCH_INDEX_NAME])
        assert cursor.fetchone()[0] == ["fastupdate=off"]
    PurchaseFactory(product_name="Copper kettle")
    driver = connection.connection
    prepared = driver.prepare_threshold
    seen = []

    def threshold_of_each(execute, sql, params, many, context):
        seen.append(driver.prepare_threshold)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(threshold_of_each):
        assert list(purchases_matching(Purchase.objects.all(), "kettle ketle"))

    # The retailers and brands named, the words' counts and the rare word's typos, the search.
    assert seen == [prepared, None, None, prepared] and prepared
    assert driver.prepare_threshold == prepared


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 search table is SQLite's")
def test_the_sqlite_search_table_follows_every_write_to_purchases():
    """Its triggers survive all migrations (a table rebuild would drop them) and keep it current."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {
        f"{SQLITE_SEARCH_TABLE}_{event}" for event in ("insert", "update", "delete")
    } <= triggers

    kettle = PurchaseFactory(product_name="Copper kettle")
    lamp = PurchaseFactory(product_name="Desk lamp", notes="brass")
    Purchase.objects.filter(pk=kettle.pk).update(product_name="Copper teapot")
    lamp.delete()

    def found(text):
        return set(purchases_matching(Purchase.objects.all(), text).values_list("pk", flat=True))

    assert found("teapot") == {kettle.pk}
    assert found("kettle") == set()
    assert found("brass") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL walks the newest instead")
def test_a_page_of_a_date_range_is_read_from_the_date_index_alone():
    PurchaseFactory.create_batch(5)
    listing = purchase_listing(
        date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 3, 31)
    )
    plan = listing.purchases.values("pk")[:20].explain()
    assert "COVERING INDEX purchase_date_newest_idx" in plan, plan
