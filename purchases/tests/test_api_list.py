"""Listing purchases: the pagination envelope, paging and order, search, the filters, sorting,
and list items shaped like the detail (docs/api.md §2, §4.1, §5.1; decisions §9.1, §9.3, §9.7)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.testing import assert_validation_error
from purchases.models import Purchase
from purchases.tests.api_helpers import (
    BOUGHT,
    PURCHASES,
    days_from_today,
    ids,
    ids_of,
)
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def created_in_order(count: int, **fields) -> list[Purchase]:
    """Create COUNT purchases, one minute apart, oldest first."""
    start = timezone.now() - datetime.timedelta(days=1)
    return [
        PurchaseFactory(created_at=start + datetime.timedelta(minutes=n), **fields)
        for n in range(count)
    ]


def test_the_list_answers_in_the_pagination_envelope(api_client):
    PurchaseFactory.create_batch(3)

    data = api_client.get(PURCHASES).json()

    assert set(data) == {"items", "total", "page", "limit", "pages"}
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (3, 1, 20, 1)
    assert len(data["items"]) == 3


def test_an_empty_list_has_zero_pages(api_client):
    data = api_client.get(PURCHASES).json()

    assert data == {"items": [], "total": 0, "page": 1, "limit": 20, "pages": 0}


def test_the_list_shows_20_purchases_by_default(api_client):
    purchases = created_in_order(25)

    data = api_client.get(PURCHASES).json()

    assert len(data["items"]) == 20
    assert (data["total"], data["pages"], data["limit"]) == (25, 2, 20)
    assert [item["id"] for item in data["items"]] == [str(p.id) for p in purchases[::-1][:20]]


def test_skip_and_limit_select_a_page(api_client):
    purchases = created_in_order(7)[::-1]

    data = api_client.get(PURCHASES, {"skip": 4, "limit": 2}).json()

    assert [item["id"] for item in data["items"]] == [str(p.id) for p in purchases[4:6]]
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (7, 3, 2, 4)


def test_skip_past_the_end_gives_an_empty_page_with_the_total(api_client):
    PurchaseFactory.create_batch(2)

    data = api_client.get(PURCHASES, {"skip": 10}).json()

    assert data["items"] == []
    assert data["total"] == 2


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"skip": -1}])
def test_a_limit_or_skip_out_of_bounds_is_rejected(api_client, query):
    assert_validation_error(api_client.get(PURCHASES, query))


def test_a_limit_of_100_is_allowed(api_client):
    PurchaseFactory.create_batch(2)

    assert api_client.get(PURCHASES, {"limit": 100}).json()["limit"] == 100


def test_the_list_is_ordered_newest_created_first(api_client):
    start = timezone.now() - datetime.timedelta(days=1)
    middle = PurchaseFactory(created_at=start + datetime.timedelta(hours=1), purchase_date=BOUGHT)
    newest = PurchaseFactory(
        created_at=start + datetime.timedelta(hours=2), purchase_date=datetime.date(2020, 1, 1)
    )
    oldest = PurchaseFactory(created_at=start, purchase_date=datetime.date(2023, 1, 1))

    assert ids(api_client.get(PURCHASES)) == [str(newest.id), str(middle.id), str(oldest.id)]


def test_paging_through_purchases_created_at_the_same_instant_shows_each_once(api_client):
    moment = timezone.now() - datetime.timedelta(hours=1)
    purchases = PurchaseFactory.create_batch(7, created_at=moment)

    seen = []
    for skip in range(0, 7, 2):
        seen += ids(api_client.get(PURCHASES, {"skip": skip, "limit": 2}))

    assert sorted(seen) == sorted(str(p.id) for p in purchases)


@pytest.mark.parametrize(
    ("fields", "term"),
    [
        ({"product_name": "MacBook Pro"}, "macbook"),
        ({"product_name": "espresso machine"}, "ESPRESSO"),
        ({"model_number": "XJ-9000"}, "xj-90"),
        ({"serial_number": "SN77ABC"}, "77abc"),
        ({"retailer_order_number": "ORD-55120"}, "ord-551"),
        ({"notes": "Bought on holiday in Lisbon"}, "LISBON"),
        ({"tags": "kitchen,coffee"}, "Coffee"),
        ({"retailer__name": "Fnac Lisboa"}, "fnac"),
        ({"brand__name": "Delonghi"}, "DELON"),
    ],
)
def test_search_matches_case_insensitively_across_fields(api_client, fields, term):
    match = PurchaseFactory(**fields)
    PurchaseFactory(
        product_name="Unrelated",
        notes="nothing",
        tags="misc",
        retailer__name="Some shop",
        brand__name="Some brand",
    )

    data = api_client.get(PURCHASES, {"search": term}).json()

    assert ids_of(data) == [str(match.id)]
    assert data["total"] == 1


def test_search_finds_a_substring_in_the_middle_of_a_name(api_client):
    match = PurchaseFactory(product_name="Big espresso machine")
    PurchaseFactory(product_name="Kettle")

    assert ids(api_client.get(PURCHASES, {"search": "presso mach"})) == [str(match.id)]


def test_every_word_of_a_search_must_be_found_each_in_any_field(api_client):
    bosch = BrandFactory(name="Bosch")
    dishwasher = PurchaseFactory(product_name="Serie 6 dishwasher", brand=bosch)
    PurchaseFactory(product_name="Serie 6 dishwasher", brand__name="Siemens")
    PurchaseFactory(product_name="Drill", brand=bosch)

    data = api_client.get(PURCHASES, {"search": "  bosch   DISH "}).json()

    assert ids_of(data) == [str(dishwasher.id)]
    assert data["total"] == 1


def test_a_search_of_only_spaces_lists_everything(api_client):
    PurchaseFactory.create_batch(2)

    assert api_client.get(PURCHASES, {"search": "   "}).json()["total"] == 2


@pytest.mark.parametrize("term", ['12" pizza', "tab\tstop", "NOT", "NEAR(x"])
def test_search_words_with_quotes_operators_or_control_characters_are_plain_text(api_client, term):
    match = PurchaseFactory(product_name=f"Oven {term.replace(chr(9), ' ')}", notes=term)
    PurchaseFactory(product_name="Kettle")

    response = api_client.get(PURCHASES, {"search": term})

    assert response.status_code == 200
    assert ids(response) == [str(match.id)]


def test_search_treats_wildcard_characters_literally(api_client):
    match = PurchaseFactory(product_name="100% cotton_shirt")
    PurchaseFactory(product_name="Wool jumper")

    assert ids(api_client.get(PURCHASES, {"search": "%"})) == [str(match.id)]
    assert ids(api_client.get(PURCHASES, {"search": "_"})) == [str(match.id)]


def test_list_prices_have_exactly_two_decimals(api_client):
    for price in ("7", "7.5", "1249.99", "0.01"):
        PurchaseFactory(price=Decimal(price))

    prices = {item["price"] for item in api_client.get(PURCHASES).json()["items"]}

    assert prices == {"7.00", "7.50", "1249.99", "0.01"}


def test_retailer_filter_keeps_that_retailers_purchases(api_client):
    retailer = RetailerFactory()
    mine = created_in_order(2, retailer=retailer)
    PurchaseFactory.create_batch(3)

    data = api_client.get(PURCHASES, {"retailer_id": str(retailer.id), "limit": 1}).json()

    assert data["total"] == 2
    assert ids_of(data) == [str(mine[1].id)]


def test_an_empty_retailer_filter_means_no_filter(api_client):
    PurchaseFactory.create_batch(3)

    response = api_client.get(f"{PURCHASES}?retailer_id=")

    assert response.status_code == 200
    assert response.json()["total"] == 3


def test_brand_filter_keeps_that_brands_purchases(api_client):
    brand = BrandFactory()
    mine = PurchaseFactory(brand=brand)
    PurchaseFactory.create_batch(2)

    assert ids(api_client.get(PURCHASES, {"brand_id": str(brand.id)})) == [str(mine.id)]


def test_status_filter_keeps_purchases_in_that_status(api_client):
    ordered = PurchaseFactory(status="ORDERED")
    PurchaseFactory(status="RECEIVED")

    assert ids(api_client.get(PURCHASES, {"status": "ORDERED"})) == [str(ordered.id)]


def test_an_unknown_purchase_status_filter_is_rejected(api_client):
    assert_validation_error(api_client.get(PURCHASES, {"status": "LOST"}))


def test_date_bounds_are_inclusive(api_client):
    first = PurchaseFactory(purchase_date=datetime.date(2023, 1, 1))
    second = PurchaseFactory(purchase_date=datetime.date(2023, 1, 2))
    third = PurchaseFactory(purchase_date=datetime.date(2023, 1, 3))

    def matching(**query):
        return set(ids(api_client.get(PURCHASES, query)))

    assert matching(date_from="2023-01-02") == {str(second.id), str(third.id)}
    assert matching(date_to="2023-01-02") == {str(first.id), str(second.id)}
    assert matching(date_from="2023-01-02", date_to="2023-01-02") == {str(second.id)}
    assert matching(date_from="2023-01-04") == set()


def test_filters_combine(api_client):
    retailer = RetailerFactory()
    match = PurchaseFactory(retailer=retailer, product_name="Lamp", status="ORDERED")
    PurchaseFactory(retailer=retailer, product_name="Lamp", status="RECEIVED")
    PurchaseFactory(product_name="Lamp", status="ORDERED")

    query = {"retailer_id": str(retailer.id), "search": "lamp", "status": "ORDERED"}
    assert ids(api_client.get(PURCHASES, query)) == [str(match.id)]


def test_warranty_status_filter_uses_the_primary_warranty_effective_status(api_client):
    active = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=active, warranty_end=days_from_today(300))
    WarrantyFactory(purchase=active, warranty_end=days_from_today(-30))
    expired = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=expired, warranty_end=days_from_today(-1))
    voided = PurchaseFactory(purchase_date=BOUGHT)
    WarrantyFactory(purchase=voided, warranty_end=days_from_today(300), voided=True)
    PurchaseFactory()

    def matching(status):
        return ids(api_client.get(PURCHASES, {"warranty_status": status}))

    assert matching("ACTIVE") == [str(active.id)]
    assert matching("EXPIRED") == [str(expired.id)]
    assert matching("VOIDED") == [str(voided.id)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["cheap", "middle", "dear"]),
        ("-price", ["dear", "middle", "cheap"]),
        ("purchase_date", ["dear", "cheap", "middle"]),
        ("-purchase_date", ["middle", "cheap", "dear"]),
        ("product_name", ["cheap", "dear", "middle"]),
        ("created_at", ["middle", "dear", "cheap"]),
    ],
)
def test_sort_orders_the_list(api_client, sort, expected):
    start = timezone.now() - datetime.timedelta(days=1)
    rows = {
        "middle": ("20.00", datetime.date(2023, 5, 1), 0),
        "dear": ("300.00", datetime.date(2021, 5, 1), 1),
        "cheap": ("5.00", datetime.date(2022, 5, 1), 2),
    }
    for name, (price, day, minutes) in rows.items():
        PurchaseFactory(
            product_name=name,
            price=Decimal(price),
            purchase_date=day,
            created_at=start + datetime.timedelta(minutes=minutes),
        )

    data = api_client.get(PURCHASES, {"sort": sort}).json()

    assert [item["product_name"] for item in data["items"]] == expected


def test_an_unknown_sort_key_is_rejected(api_client):
    assert_validation_error(api_client.get(PURCHASES, {"sort": "password"}))


def test_list_items_carry_the_primary_warranty_and_all_warranties(api_client):
    purchase = PurchaseFactory(purchase_date=BOUGHT)
    late = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(500))
    early = WarrantyFactory(purchase=purchase, warranty_end=days_from_today(50))
    bare = PurchaseFactory(retailer=None, brand=None)

    items = {item["id"]: item for item in api_client.get(PURCHASES).json()["items"]}

    item = items[str(purchase.id)]
    assert item["warranty_id"] == str(late.id)
    assert item["warranty_expiry"] == late.warranty_end.isoformat()
    assert item["warranty"]["id"] == str(late.id)
    assert [w["id"] for w in item["warranties"]] == [str(early.id), str(late.id)]
    assert item["retailer"] == {"id": str(purchase.retailer.id), "name": purchase.retailer.name}
    empty = items[str(bare.id)]
    assert (empty["warranty"], empty["warranty_id"], empty["warranty_expiry"]) == (
        None,
        None,
        None,
    )
    assert empty["warranties"] == []
    assert (empty["retailer"], empty["brand"]) == (None, None)


def test_list_items_have_the_same_shape_as_the_detail(api_client):
    purchase = PurchaseFactory()
    WarrantyFactory(purchase=purchase)

    item = api_client.get(PURCHASES).json()["items"][0]

    assert item == api_client.get(f"{PURCHASES}/{purchase.id}").json()
