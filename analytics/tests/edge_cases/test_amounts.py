"""What counts and how it rounds: the price is the line total, ordered and received purchases
count, large sums are exact, averages and percentages round half up (docs/api.md §5.5,
decisions §9.9 and §9.11)."""

import pytest

from analytics.tests.edge_cases.helpers import (
    buy,
    get_json,
    share,
)
from catalog.tests.factories import BrandFactory, RetailerFactory

pytestmark = pytest.mark.django_db


def test_price_is_the_line_total_whatever_the_quantity(api_client):
    buy("30.00", quantity=3)

    assert get_json(api_client, "/summary")["total_spent"] == "30.00"
    assert get_json(api_client, "/top-products")["top_products"][0]["avg_price"] == "30.00"


def test_ordered_and_received_purchases_both_count(api_client):
    buy("10.00", status="ORDERED")
    buy("20.00", status="RECEIVED")

    summary = get_json(api_client, "/summary")

    assert (summary["total_spent"], summary["total_items"]) == ("30.00", 2)
    assert get_json(api_client, "/spending")["spending_over_time"][0]["item_count"] == 2


def test_sums_beyond_the_largest_price_are_exact(api_client):
    for _ in range(3):
        buy("99999999.99")
    buy("0.03")

    summary = get_json(api_client, "/summary")

    assert (summary["total_spent"], summary["avg_price"]) == ("300000000.00", "75000000.00")
    assert get_json(api_client, "/spending")["spending_over_time"][0]["total_amount"] == (
        "300000000.00"
    )


@pytest.mark.parametrize(
    ("prices", "average"),
    [
        (["0.01", "0.02"], "0.02"),  # 0.015
        (["10.00", "10.01"], "10.01"),  # 10.005
        (["2.50", "2.51", "2.51", "2.52"], "2.51"),  # 2.51
        (["0.01", "0.01", "0.02"], "0.01"),  # 0.0133…
        (["1.00", "1.00", "1.01"], "1.00"),  # 1.0033…
        (["1.01", "1.01", "1.00"], "1.01"),  # 1.0066…
        (["99999999.99", "99999999.98"], "99999999.99"),  # 99999999.985
    ],
)
def test_average_prices_round_half_up(api_client, prices, average):
    for price in prices:
        buy(price)

    assert get_json(api_client, "/summary")["avg_price"] == average
    assert get_json(api_client, "/top-products")["top_products"][0]["avg_price"] == average


def test_percentages_round_half_up(api_client):
    rare, common = RetailerFactory(name="Rare"), RetailerFactory(name="Common")
    rare_brand, common_brand = BrandFactory(name="Rare"), BrandFactory(name="Common")
    buy("1.00", retailer=rare, brand=rare_brand)
    for _ in range(31):
        buy("1.00", retailer=common, brand=common_brand)

    response = get_json(api_client, "/retailers")

    # 31/32 = 96.875 % and 1/32 = 3.125 %: half-up gives 96.88 and 3.13 (half-even 96.88, 3.12).
    assert [(item["name"], item["percentage"]) for item in response["retailers"]] == [
        ("Common", 96.88),
        ("Rare", 3.13),
    ]
    assert [item["percentage"] for item in response["brands"]] == [96.88, 3.13]


def test_percentages_of_thirds_leave_out_purchases_without_a_retailer(api_client):
    big, small = RetailerFactory(name="Big"), RetailerFactory(name="Small")
    buy("1.00", retailer=big)
    buy("1.00", retailer=big)
    buy("1.00", retailer=small)
    buy("1.00")  # no retailer: not part of the whole

    retailers = get_json(api_client, "/brands")["retailers"]

    assert retailers == [
        share("retailer", "Big", 2, 66.67, "2.00"),
        share("retailer", "Small", 1, 33.33, "1.00"),
    ]
