"""Reading retailers and brands: the list (pagination envelope, order, is_brand, a query count
that does not grow with the rows), a single entry, and credentials (docs/api.md §2.7, §4.3,
§5.3, §5.4; decisions §9.1, §9.2, §9.4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.api_helpers import BRANDS, RETAILERS, UNKNOWN_ID, assert_string_detail, names
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.testing import assert_validation_error

pytestmark = pytest.mark.django_db


def test_the_list_answers_in_the_pagination_envelope(api_client, kind):
    path, _, factory = kind
    factory.create_batch(3)

    response = api_client.get(path)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"items", "total", "page", "limit", "pages"}
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (3, 1, 100, 1)
    assert len(data["items"]) == 3


def test_the_list_shows_100_entries_by_default(api_client, kind):
    path, _, factory = kind
    factory.create_batch(101)

    data = api_client.get(path).json()

    assert len(data["items"]) == 100
    assert (data["total"], data["limit"], data["pages"]) == (101, 100, 2)


def test_skip_and_limit_select_a_page(api_client, kind):
    path, _, factory = kind
    for name in ["a", "b", "c", "d", "e"]:
        factory(name=name)

    data = api_client.get(path, {"skip": 2, "limit": 2}).json()

    assert [item["name"] for item in data["items"]] == ["c", "d"]
    assert (data["total"], data["page"], data["limit"], data["pages"]) == (5, 2, 2, 3)


@pytest.mark.parametrize("limit", [1, 100])
def test_a_limit_at_the_bounds_is_allowed(api_client, kind, limit):
    path, _, factory = kind
    factory.create_batch(2)

    response = api_client.get(path, {"limit": limit})

    assert response.status_code == 200
    assert response.json()["limit"] == limit
    assert len(response.json()["items"]) == min(limit, 2)


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"skip": -1}])
def test_a_limit_or_skip_out_of_bounds_is_rejected(api_client, kind, query):
    path, _, _ = kind

    assert_validation_error(api_client.get(path, query))


def test_the_list_is_ordered_by_name_ignoring_case(api_client, kind):
    path, _, factory = kind
    for name in ["banana", "Date", "apple", "Cherry", "Elderberry"]:
        factory(name=name)

    assert names(api_client.get(path)) == ["apple", "banana", "Cherry", "Date", "Elderberry"]


def test_list_items_have_the_same_shape_as_the_detail(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    item = api_client.get(path).json()["items"][0]

    assert item == api_client.get(f"{path}/{entry.id}").json()
    assert item["id"] == str(entry.id)
    assert (item["name"], item["url"]) == ("Corner Shop", "https://corner.example")


def test_retailers_carry_is_brand_and_brands_do_not(api_client):
    RetailerFactory()
    BrandFactory()

    retailer = api_client.get(RETAILERS).json()["items"][0]
    brand = api_client.get(BRANDS).json()["items"][0]

    assert {"id", "name", "url", "created_at", "is_brand"} <= set(retailer)
    assert {"id", "name", "url", "created_at"} <= set(brand)
    assert "is_brand" not in brand


def test_is_brand_is_true_exactly_when_a_brand_has_the_same_name_ignoring_case(api_client):
    RetailerFactory(name="Apple")
    RetailerFactory(name="Best Buy")
    RetailerFactory(name="Sony Store")
    BrandFactory(name="APPLE")
    BrandFactory(name="Sony")  # a prefix is not the same name
    BrandFactory(name="Best Buy Essentials")

    items = api_client.get(RETAILERS).json()["items"]

    assert {item["name"]: item["is_brand"] for item in items} == {
        "Apple": True,
        "Best Buy": False,
        "Sony Store": False,
    }


def test_listing_retailers_takes_the_same_number_of_queries_for_3_and_30_rows(api_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(RETAILERS)
        assert response.status_code == 200
        return len(captured)

    def add(count: int):
        for index, retailer in enumerate(RetailerFactory.create_batch(count)):
            if index % 2:  # about half of them are brands too
                BrandFactory(name=retailer.name.upper())

    add(3)
    api_client.get(RETAILERS)  # the token's first use of the minute is recorded once
    few = count_queries()

    add(27)
    many = count_queries()

    assert few == many
    items = api_client.get(RETAILERS).json()["items"]
    assert len(items) == 30
    assert any(item["is_brand"] for item in items)
    assert not all(item["is_brand"] for item in items)


def test_getting_an_entry_returns_it(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")
    factory(name="Other")

    response = api_client.get(f"{path}/{entry.id}")

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["name"], data["url"]) == (
        str(entry.id),
        "Corner Shop",
        "https://corner.example",
    )


@pytest.mark.parametrize("brand_name", ["IKEA", "ikea"])
def test_a_single_retailer_carries_is_brand(api_client, brand_name):
    retailer = RetailerFactory(name="Ikea")
    BrandFactory(name=brand_name)
    other = RetailerFactory(name="Ikea Outlet")

    assert api_client.get(f"{RETAILERS}/{retailer.id}").json()["is_brand"] is True
    assert api_client.get(f"{RETAILERS}/{other.id}").json()["is_brand"] is False


@pytest.mark.parametrize("entry_id", [UNKNOWN_ID, "not-a-uuid", "12345"])
def test_getting_an_unknown_or_malformed_id_answers_404(api_client, kind, entry_id):
    path, _, factory = kind
    factory()

    assert_string_detail(api_client.get(f"{path}/{entry_id}"), 404)


def test_an_entry_answers_with_and_without_a_trailing_slash(api_client, kind):
    path, _, factory = kind
    entry = factory()

    without_slash = api_client.get(f"{path}/{entry.id}")
    with_slash = api_client.get(f"{path}/{entry.id}/")

    assert without_slash.status_code == with_slash.status_code == 200
    assert without_slash.json() == with_slash.json()
    assert api_client.get(f"{path}/").json() == api_client.get(path).json()


@pytest.mark.parametrize("path", [RETAILERS, BRANDS])
def test_the_lists_require_credentials(client, path):
    RetailerFactory()

    response = client.get(path)

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
