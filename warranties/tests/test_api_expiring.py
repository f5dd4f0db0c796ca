"""The expiring warranties: active ones ending within a window, soonest first, capped, with
the total in a header (docs/api.md §5.2; decision §9.26)."""

import pytest

from kernel.testing import assert_validation_error
from warranties.tests.api_helpers import (
    BOUGHT,
    EXPIRING,
    WARRANTY_KEYS,
    days_from_today,
    ids,
    warranty_ending,
)
from warranties.tests.factories import ClaimFactory, WarrantyFactory

pytestmark = pytest.mark.django_db


def test_expiring_is_a_bare_array_of_active_warranties_within_30_days_soonest_first(api_client):
    in_30_days = warranty_ending(30)
    today = warranty_ending(0)
    in_12_days = warranty_ending(12)
    warranty_ending(31)
    warranty_ending(-1)
    warranty_ending(3, voided=True)

    response = api_client.get(EXPIRING)

    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert ids(response) == [str(today.id), str(in_12_days.id), str(in_30_days.id)]


def test_expiring_embeds_the_purchase(api_client):
    warranty = WarrantyFactory(
        purchase__product_name="Espresso machine",
        purchase__purchase_date=BOUGHT,
        warranty_end=days_from_today(5),
    )

    item = api_client.get(EXPIRING).json()[0]

    assert item.keys() >= WARRANTY_KEYS
    assert item["status"] == "ACTIVE"
    assert item["purchase"] == {
        "id": str(warranty.purchase_id),
        "product_name": "Espresso machine",
        "purchase_date": BOUGHT.isoformat(),
    }


@pytest.mark.parametrize(
    ("days", "included"), [(1, {0, 1}), (7, {0, 1, 7}), (365, {0, 1, 7, 8, 365})]
)
def test_expiring_days_sets_the_window(api_client, days, included):
    by_offset = {offset: warranty_ending(offset) for offset in (0, 1, 7, 8, 365, 366)}

    response = api_client.get(EXPIRING, {"days": days})

    assert set(ids(response)) == {str(by_offset[offset].id) for offset in included}


@pytest.mark.parametrize("days", [0, -1, 366, "soon"])
def test_expiring_days_outside_1_to_365_is_rejected(api_client, days):
    assert_validation_error(api_client.get(EXPIRING, {"days": days}))


def test_expiring_gives_the_soonest_limit_and_counts_them_all_in_a_header(
    api_client, django_assert_num_queries
):
    ending = [warranty_ending(offset) for offset in (9, 2, 5, 7)]
    for warranty in ending:
        ClaimFactory.create_batch(2, warranty=warranty)
    api_client.get(EXPIRING)  # the token's first use is recorded once

    # token, count, page (purchase and people joined in), claims, their documents
    with django_assert_num_queries(5):
        response = api_client.get(EXPIRING, {"limit": 2})

    assert ids(response) == [str(ending[1].id), str(ending[2].id)]
    assert response["X-Total-Count"] == "4"


@pytest.mark.parametrize("limit", [0, 501, "all"])
def test_expiring_limit_outside_1_to_500_is_rejected(api_client, limit):
    assert_validation_error(api_client.get(EXPIRING, {"limit": limit}))


@pytest.mark.parametrize("path", [EXPIRING, EXPIRING + "/"])
def test_expiring_is_not_taken_for_a_warranty_id(api_client, path):
    warranty_ending(3)

    response = api_client.get(path)

    assert response.status_code == 200
    assert len(response.json()) == 1
