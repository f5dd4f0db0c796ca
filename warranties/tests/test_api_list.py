"""Listing warranties: the pagination envelope, the status, expiring-soon and purchase
filters, and a query count that does not grow with the rows (docs/api.md §2.7, §4.2, §5.2)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kernel.testing import assert_validation_error
from warranties.tests.api_helpers import (
    BOUGHT,
    WARRANTIES,
    WARRANTY_KEYS,
    days_from_today,
    ids,
    warranty_ending,
)
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db


def test_the_list_answers_in_the_pagination_envelope_ordered_by_end_date(api_client):
    later = warranty_ending(300)
    earliest = warranty_ending(-400)
    middle = warranty_ending(10)

    response = api_client.get(WARRANTIES)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"items", "total", "page", "limit", "pages"}
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (3, 1, 20, 1)
    assert ids(response) == [str(earliest.id), str(middle.id), str(later.id)]


def test_list_items_are_warranty_objects(api_client):
    warranty = warranty_ending(30, warranty_type="LIMITED", provider="Maker", notes="Box")

    item = api_client.get(WARRANTIES).json()["items"][0]

    assert item.keys() >= WARRANTY_KEYS
    assert item["id"] == str(warranty.id)
    assert item["purchase_id"] == str(warranty.purchase_id)
    assert item["warranty_start"] == BOUGHT.isoformat()
    assert item["warranty_end"] == warranty.warranty_end.isoformat()
    assert (item["warranty_type"], item["provider"], item["notes"]) == ("LIMITED", "Maker", "Box")
    assert item["status"] == "ACTIVE"
    assert item["created_at"].endswith(("Z", "+00:00"))


def test_the_list_shows_20_warranties_by_default_and_pages(api_client):
    for n in range(23):
        warranty_ending(n)

    first = api_client.get(WARRANTIES).json()
    second = api_client.get(WARRANTIES, {"skip": 20}).json()

    assert len(first["items"]) == 20
    assert (first["total"], first["pages"]) == (23, 2)
    assert len(second["items"]) == 3
    assert second["page"] == 2


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"skip": -1}])
def test_a_limit_or_skip_out_of_bounds_is_rejected(api_client, query):
    assert_validation_error(api_client.get(WARRANTIES, query))


def test_the_status_filter_uses_the_effective_status(api_client):
    active = warranty_ending(10)
    expired = warranty_ending(-1)
    voided = warranty_ending(100, voided=True)
    voided_and_past = warranty_ending(-100, voided=True)

    def matching(status):
        return set(ids(api_client.get(WARRANTIES, {"status": status})))

    assert matching("ACTIVE") == {str(active.id)}
    assert matching("EXPIRED") == {str(expired.id)}
    assert matching("VOIDED") == {str(voided.id), str(voided_and_past.id)}


@pytest.mark.parametrize("status", ["BROKEN", "", "anything"])
def test_an_unknown_status_filter_is_rejected(api_client, status):
    warranty_ending(10)

    response = api_client.get(f"{WARRANTIES}?status={status}")

    if status == "":
        # An empty query value is no filter at all, or a validation error; never an empty list.
        assert response.status_code in (200, 422)
        if response.status_code == 200:
            assert response.json()["total"] == 1
    else:
        assert_validation_error(response)


def test_expiring_soon_keeps_active_warranties_ending_within_30_days(api_client):
    today = warranty_ending(0)
    in_30_days = warranty_ending(30)
    in_31_days = warranty_ending(31)
    yesterday = warranty_ending(-1)
    voided_soon = warranty_ending(5, voided=True)

    soon = set(ids(api_client.get(WARRANTIES, {"expiring_soon": "true"})))
    not_soon = set(ids(api_client.get(WARRANTIES, {"expiring_soon": "false"})))

    assert soon == {str(today.id), str(in_30_days.id)}
    assert not_soon == {str(in_31_days.id), str(yesterday.id), str(voided_soon.id)}


def test_the_purchase_filter_keeps_that_purchases_warranties(api_client):
    mine = warranty_ending(10)
    second = WarrantyFactory(purchase=mine.purchase, warranty_end=days_from_today(20))
    warranty_ending(15)

    response = api_client.get(WARRANTIES, {"purchase_id": str(mine.purchase_id)})

    assert ids(response) == [str(mine.id), str(second.id)]


def test_listing_warranties_takes_the_same_number_of_queries_for_3_and_30_rows(
    api_client, django_assert_max_num_queries
):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(WARRANTIES, {"limit": 100})
        assert response.status_code == 200
        return len(captured), len(response.json()["items"])

    for n in range(3):
        ClaimFactory(warranty=warranty_ending(n))
    api_client.get(WARRANTIES)  # the token's first use of the minute is recorded once
    few = count_queries()
    for n in range(27):
        ClaimFactory.create_batch(2, warranty=warranty_ending(n))
    many = count_queries()

    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0]
    # token, count, page (purchase joined in), the claims, their documents
    with django_assert_max_num_queries(5):
        api_client.get(WARRANTIES, {"limit": 100})
