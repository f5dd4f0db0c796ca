"""Query counts of the purchases endpoints: a list, a detail, filtered lists and searches take
a fixed number of queries whatever the rows and warranties (docs/api.md §4.1, §5.1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.models import Purchase
from purchases.tests.api_helpers import BOUGHT, PURCHASES, days_from_today
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db


def purchases_with_details(count: int) -> list[Purchase]:
    purchases = PurchaseFactory.create_batch(count, purchase_date=BOUGHT)
    for purchase in purchases:
        WarrantyFactory(purchase=purchase, warranty_end=days_from_today(100))
        ClaimFactory(
            warranty=WarrantyFactory(purchase=purchase, warranty_end=days_from_today(-100))
        )
    return purchases


def count_queries(client, path, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return len(captured)


def test_listing_purchases_takes_the_same_number_of_queries_for_3_and_30_rows(api_client):
    purchases_with_details(3)
    api_client.get(PURCHASES)  # the token's first use of the minute is recorded once
    few = count_queries(api_client, PURCHASES, {"limit": 100})

    purchases_with_details(27)
    many = count_queries(api_client, PURCHASES, {"limit": 100})

    assert few == many
    assert len(api_client.get(PURCHASES, {"limit": 100}).json()["items"]) == 30


def test_listing_purchases_stays_within_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries
):
    purchases_with_details(30)
    api_client.get(PURCHASES)

    # token, count, page (retailer, brand and people joined in), warranties, claims, documents
    with django_assert_max_num_queries(6):
        response = api_client.get(PURCHASES, {"limit": 100})

    assert all(len(item["warranties"]) == 2 for item in response.json()["items"])


def test_a_purchase_detail_takes_the_same_number_of_queries_for_any_number_of_warranties(
    api_client, django_assert_max_num_queries
):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    for warranty in WarrantyFactory.create_batch(2, purchase=purchase):
        ClaimFactory(warranty=warranty)
    path = f"{PURCHASES}/{purchase.id}"
    api_client.get(path)
    few = count_queries(api_client, path)

    for warranty in WarrantyFactory.create_batch(20, purchase=purchase):
        ClaimFactory.create_batch(2, warranty=warranty)
    many = count_queries(api_client, path)

    assert few == many
    # token, purchase (retailer, brand and people joined in), warranties, claims, documents
    with django_assert_max_num_queries(5):
        assert len(api_client.get(path).json()["warranties"]) == 22


def test_a_purchase_whose_warranties_have_no_claim_takes_three_queries(
    api_client, django_assert_num_queries
):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory.create_batch(2, purchase=purchase)
    path = f"{PURCHASES}/{purchase.id}"
    api_client.get(path)  # the token's first use of the minute is recorded once

    # token, purchase (retailer, brand and people joined in), warranties (whether each has
    # claims asked in the same query)
    with django_assert_num_queries(3):
        warranties = api_client.get(path).json()["warranties"]

    assert [warranty["claims"] for warranty in warranties] == [[], []]


def test_a_page_reads_the_claims_of_the_warranties_that_have_some_and_gives_each_its_own(
    api_client, django_assert_num_queries
):
    quiet = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=quiet)
    claimed = PurchaseFactory(purchase_date=BOUGHT)
    with_claims, without = WarrantyFactory.create_batch(2, purchase=claimed)
    older = ClaimFactory(warranty=with_claims, opened_on=days_from_today(-20))
    newer = ClaimFactory(warranty=with_claims, opened_on=days_from_today(-10))
    api_client.get(PURCHASES)

    # token, count, page, warranties, the claims of the one warranty that has some, their
    # documents
    with django_assert_num_queries(6):
        items = api_client.get(PURCHASES).json()["items"]

    claims = {
        warranty["id"]: [claim["id"] for claim in warranty["claims"]]
        for item in items
        for warranty in item["warranties"]
    }
    assert claims[str(with_claims.id)] == [str(newer.id), str(older.id)]
    assert claims[str(without.id)] == []
    assert all(
        claim["purchase_id"] == str(claimed.id) and claim["product_name"] == claimed.product_name
        for item in items
        for warranty in item["warranties"]
        for claim in warranty["claims"]
    )


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # token, count, page, warranties, their claims, the claims' documents
        ({"retailer_id": "RETAILER"}, 6),
        ({"brand_id": "BRAND"}, 6),
        ({"date_from": "BOUGHT", "date_to": "BOUGHT"}, 6),
        # ... the retailers and brands named by any word, in one query, how common each word
        # is, in one more, and which typos of the rare ones occur (they are looked for too)
        ({"search": "kettle"}, 9),
        ({"search": "kettle blue 12"}, 9),
        # ... a word too short to be counted, and the lines of the receipts of the purchases
        # found by something their row does not show (one has "12" in its notes only)
        ({"search": "12"}, 8),
    ],
)
def test_filtered_lists_and_searches_take_a_fixed_number_of_queries(
    api_client, django_assert_num_queries, query, queries
):
    purchases = purchases_with_details(12)
    for purchase in purchases[:6]:
        Purchase.objects.filter(pk=purchase.pk).update(product_name="Blue kettle 12")
    # Whether a factory's name, serial or order number holds "12" depends on the tests run
    # before: one purchase found by its notes alone makes the receipts' lines always read.
    Purchase.objects.filter(pk=purchases[6].pk).update(
        product_name="Toaster", brand=None, retailer=None, notes="Bought on the 12th"
    )
    retailer, brand = purchases[0].retailer, purchases[0].brand
    query = {
        key: {"RETAILER": str(retailer.id), "BRAND": str(brand.id), "BOUGHT": str(BOUGHT)}.get(
            value, value
        )
        for key, value in query.items()
    }
    api_client.get(PURCHASES)

    with django_assert_num_queries(queries):
        response = api_client.get(PURCHASES, query)

    assert response.json()["total"] >= 1
