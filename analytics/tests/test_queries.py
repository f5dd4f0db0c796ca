"""How many SQL queries each figure the dashboard asks the analytics API for costs, cold (right
after a write through a service, every cached figure stale): aggregations stay in the database,
one query per figure (docs/performance.md), whatever the data and its currencies."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from purchases.rollups import rollups_brought_in_step
from purchases.services import purchase_update
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

# Each: the token's look-up (its account and role joined), the currency setting (not for the
# warranty figures), the data version with the summaries' mark (once per request: the cached
# figures and the rollups' in-step check share it), then one query per figure computed. Summary:
# the sums per currency (a cached figure of their own) and the warranty counts. Retailers: the
# retailers and the brands (each also reads the entries' names) and the conversion counts every
# money answer carries (issue 20: from the sums per currency). Spending and top products: the
# figure and the conversion counts. Timeline: it and the warranty counts.
COLD_QUERIES = {
    "/api/analytics/summary": 5,
    "/api/analytics/retailers": 8,
    "/api/analytics/spending?months=12": 5,
    "/api/analytics/warranties/timeline?months=12": 4,
    "/api/analytics/top-products?sort_by=count&limit=10": 5,
}


def some_purchases(count: int) -> None:
    for number in range(count):
        currency = ["USD", "EUR", "JPY"][number % 3]
        purchase = PurchaseFactory(
            currency_code=currency,
            base_currency_code="USD",
            base_price=None if number % 7 == 0 else Decimal(number + 1),
        )
        WarrantyFactory(purchase=purchase)


@pytest.mark.django_db(transaction=True)  # as a request runs (kernel.versioning.data_version)
@pytest.mark.parametrize("url", COLD_QUERIES)
def test_each_dashboard_figure_costs_a_fixed_number_of_queries_cold(
    api_client, django_assert_num_queries, url
):
    api_client.get(url)  # the token's first use is recorded once, not on every request
    for count in (3, 30):
        some_purchases(count)
        rollups_brought_in_step()
        purchase_update(purchase=PurchaseFactory._meta.model.objects.first(), data={"notes": "x"})
        cache.clear()
        with django_assert_num_queries(COLD_QUERIES[url]):
            assert api_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/api/analytics/recent-purchases?limit=30", "/api/analytics/recent-warranties?limit=30"],
)
def test_the_recent_lists_read_their_claims_in_a_fixed_number_of_queries(
    api_client, django_assert_num_queries, url
):
    """Purchase and warranty objects carry their claims: prefetched, never one query each."""
    api_client.get(url)
    counts = []
    for count in (2, 12):
        for number in range(count):
            warranty = WarrantyFactory(purchase=PurchaseFactory())
            ClaimFactory(warranty=warranty, number=f"RMA-{count}-{number}")
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(url)
        assert response.status_code == 200
        assert response.json()[0]["warranties" if "purchases" in url else "claims"]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
