"""Distributions and rankings: their order and ties, top products by the chosen figure, the
expensive and recent lists, the limits of every list and of a period (docs/api.md §5.5,
decisions §9.10 and §9.12)."""

import datetime
import uuid

import pytest

from analytics.tests.edge_cases.helpers import (
    CREATED,
    LIMITED_ROUTES,
    assert_validation_error,
    bucket,
    buy,
    cover,
    days,
    get,
    get_json,
)
from catalog.tests.factories import BrandFactory, RetailerFactory

pytestmark = pytest.mark.django_db


def test_distributions_are_ordered_by_count_then_name_ignoring_case(api_client):
    retailers = {name: RetailerFactory(name=name) for name in ["banana", "Apple", "cherry", "Date"]}
    buy("1.00", retailer=retailers["banana"])
    buy("2.00", retailer=retailers["Apple"])
    buy("3.00", retailer=retailers["cherry"])
    buy("4.00", retailer=retailers["cherry"])

    names = [item["name"] for item in get_json(api_client, "/retailers")["retailers"]]

    assert names == ["cherry", "Apple", "banana", "Date"]


@pytest.mark.parametrize(
    ("sort_by", "names"),
    [
        (None, ["Kettle", "Blender", "Mixer", "Laptop", "Oven"]),
        ("count", ["Kettle", "Blender", "Mixer", "Laptop", "Oven"]),
        ("total_spent", ["Laptop", "Mixer", "Kettle", "Oven", "Blender"]),
        ("avg_price", ["Laptop", "Mixer", "Oven", "Kettle", "Blender"]),
    ],
)
def test_top_products_are_ranked_by_the_chosen_figure(api_client, products, sort_by, names):
    params = {"sort_by": sort_by} if sort_by else {}

    top = get_json(api_client, "/top-products", **params)["top_products"]

    assert [item["product_name"] for item in top] == names
    assert top[names.index("Mixer")] == {
        "product_name": "Mixer",
        "count": 2,
        "total_spent": "201.00",
        "avg_price": "100.50",
        "without_rate_count": 0,
    }


def test_top_products_group_by_the_exact_name(api_client):
    buy("5.00", product_name="Kettle")
    buy("5.00", product_name="Kettle")
    buy("7.00", product_name="kettle")

    top = get_json(api_client, "/top-products")["top_products"]

    assert [(item["product_name"], item["count"]) for item in top] == [("Kettle", 2), ("kettle", 1)]


def test_top_products_break_ties_by_name(api_client):
    for name in ["Toaster", "Radio", "Lamp"]:
        buy("12.00", product_name=name)

    for sort_by in ["count", "total_spent", "avg_price"]:
        top = get_json(api_client, "/top-products", sort_by=sort_by)["top_products"]
        assert [item["product_name"] for item in top] == ["Lamp", "Radio", "Toaster"], sort_by


@pytest.mark.parametrize("sort_by", ["total_spent", "avg_price"])
def test_top_products_with_equal_figures_are_tied_exactly(api_client, sort_by):
    # 0.10 + 0.20 is 0.30 exactly; summed as binary floats it is 0.30000000000000004.
    buy("0.10", product_name="Zeta")
    buy("0.20", product_name="Zeta")
    buy("0.30" if sort_by == "total_spent" else "0.15", product_name="Alpha")

    top = get_json(api_client, "/top-products", sort_by=sort_by)["top_products"]

    assert [item["product_name"] for item in top] == ["Alpha", "Zeta"]


@pytest.mark.parametrize("sort_by", ["price", "name", "COUNT", ""])
def test_top_products_reject_an_unknown_ranking(api_client, sort_by):
    assert_validation_error(get(api_client, "/top-products", sort_by=sort_by))


def test_expensive_purchases_break_ties_by_later_date_then_id(api_client):
    brand = BrandFactory(name="Acme")
    january, february = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)
    low_id, high_id = uuid.UUID(int=1), uuid.UUID(int=2)
    # Created in an order that none of the expected orderings follows.
    buy("50.00", february, id=high_id, brand=brand)
    buy("50.00", january, id=uuid.UUID(int=3))
    buy("50.00", february, id=low_id)
    buy("80.00", datetime.date(2020, 1, 1), id=uuid.UUID(int=4))

    purchases = get_json(api_client, "/expensive-purchases")["purchases"]

    assert [(item["id"], item["price"]) for item in purchases] == [
        (str(uuid.UUID(int=4)), "80.00"),
        (str(low_id), "50.00"),
        (str(high_id), "50.00"),
        (str(uuid.UUID(int=3)), "50.00"),
    ]
    assert [item["brand_name"] for item in purchases] == [None, None, "Acme", None]


def test_recent_purchases_are_the_last_created_in_full(api_client):
    for minutes in [5, 1, 9, 3]:
        buy("1.00", created_at=CREATED + datetime.timedelta(minutes=minutes), notes=str(minutes))

    recent = get_json(api_client, "/recent-purchases", limit=3)

    assert [item["notes"] for item in recent] == ["9", "5", "3"]
    for item in recent:
        assert item == api_client.get(f"/api/purchases/{item['id']}").json()


def test_recent_warranties_are_the_last_created_in_full(api_client):
    purchase = buy("1.00")
    for minutes in [5, 1, 9, 3]:
        cover(purchase, days(minutes), created_at=CREATED + datetime.timedelta(minutes=minutes))

    recent = get_json(api_client, "/recent-warranties", limit=3)

    assert [item["warranty_end"] for item in recent] == [
        days(9).isoformat(),
        days(5).isoformat(),
        days(3).isoformat(),
    ]
    for item in recent:
        assert item == api_client.get(f"/api/warranties/{item['id']}").json()


@pytest.mark.parametrize("path", LIMITED_ROUTES)
@pytest.mark.parametrize("limit", [0, -1, 101, "ten"])
def test_limits_outside_1_to_100_are_rejected(api_client, path, limit):
    assert_validation_error(get(api_client, path, limit=limit))


@pytest.mark.parametrize("path", LIMITED_ROUTES)
def test_limits_default_to_10_and_reach_from_1_to_100(api_client, path):
    for number in range(12):
        purchase = buy(
            f"{number + 1}.00",
            product_name=f"Product {number:02d}",
            created_at=CREATED + datetime.timedelta(minutes=number),
        )
        cover(purchase, days(number), created_at=CREATED + datetime.timedelta(minutes=number))

    def count(**params):
        data = get_json(api_client, path, **params)
        return len(data if isinstance(data, list) else next(iter(data.values())))

    assert (count(), count(limit=1), count(limit=100)) == (10, 1, 12)


def test_spending_by_period_reaches_december_9999_and_refuses_a_longer_span(api_client):
    buy("5.00", datetime.date(9999, 12, 31))
    period = get_json(
        api_client, "/spending/by-period", start_date="9999-11-15", end_date="9999-12-31"
    )
    assert period["spending_over_time"] == [
        bucket("Nov 9999", "9999-11"),
        bucket("Dec 9999", "9999-12", "5.00", 1),
    ]

    buy("1.00", datetime.date(2025, 1, 1))
    response = get(api_client, "/spending/by-period", end_date="9999-12-31")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "end_date"]
    assert "at most 100 years" in response.json()["detail"][0]["msg"]
    # A hundred years exactly is allowed.
    hundred_years = get_json(
        api_client, "/spending/by-period", start_date="2025-01-01", end_date="2124-12-31"
    )
    assert len(hundred_years["spending_over_time"]) == 1200
