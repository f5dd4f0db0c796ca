"""The retailers and brands endpoints (docs/api.md §2.7, §4.3, §5.3, §5.4; decisions §9.1, §9.2,
§9.4)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.testing import assert_validation_error
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

RETAILERS = "/api/retailers"
BRANDS = "/api/brands"
# A fixed id, so that parallel workers collect the same test ids.
UNKNOWN_ID = "5b0f4c47-1d2e-4a8b-9c3d-7e6f5a4b3c2d"

# Both kinds answer the same way; `model` and `factory` build the entries behind `path`.
KINDS = [
    pytest.param((RETAILERS, Retailer, RetailerFactory), id="retailers"),
    pytest.param((BRANDS, Brand, BrandFactory), id="brands"),
]


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def put(client, path, body):
    return client.put(path, body, content_type="application/json")


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def assert_string_detail(response, status: int):
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail


# --- list ---------------------------------------------------------------------------------------


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


# --- create -------------------------------------------------------------------------------------


def test_creating_an_entry_answers_201_and_stores_it(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "Corner Shop", "url": "https://corner.example"})

    assert response.status_code == 201
    data = response.json()
    assert (data["name"], data["url"]) == ("Corner Shop", "https://corner.example")
    assert str(uuid.UUID(data["id"])) == data["id"]
    stored = model.objects.get(pk=data["id"])
    assert (stored.name, stored.url) == ("Corner Shop", "https://corner.example")
    assert api_client.get(f"{path}/{data['id']}").json() == data


def test_ids_are_lowercase_uuid_strings_and_timestamps_carry_utc(api_client, kind):
    path, _, factory = kind
    factory()

    item = api_client.get(path).json()["items"][0]

    assert isinstance(item["id"], str)
    assert str(uuid.UUID(item["id"])) == item["id"]
    created = datetime.datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
    assert created.utcoffset() == datetime.timedelta(0)


def test_creating_an_entry_without_url_gives_a_null_url(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "Corner Shop"})

    assert response.status_code == 201
    assert response.json()["url"] is None
    assert model.objects.get().url is None


def test_an_empty_url_is_accepted_and_returned_as_empty(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "Corner Shop", "url": ""})

    assert response.status_code == 201
    assert response.json()["url"] == ""
    assert model.objects.get().url == ""
    assert api_client.get(f"{path}/{response.json()['id']}").json()["url"] == ""


def test_surrounding_spaces_are_trimmed_from_a_new_name(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "  Corner Shop  "})

    assert response.status_code == 201
    assert response.json()["name"] == "Corner Shop"
    assert model.objects.get().name == "Corner Shop"


@pytest.mark.parametrize("name", ["corner shop", "CORNER SHOP", "  Corner Shop ", " cOrNeR sHoP"])
def test_creating_an_existing_name_answers_200_with_the_existing_entry(api_client, kind, name):
    path, model, factory = kind
    existing = factory(name="Corner Shop", url="https://corner.example")

    response = post(api_client, path, {"name": name, "url": "https://other.example"})

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(existing.id)
    assert (data["name"], data["url"]) == ("Corner Shop", "https://corner.example")
    assert model.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.name, existing.url) == ("Corner Shop", "https://corner.example")


def test_a_retailer_and_a_brand_may_share_a_name(api_client):
    RetailerFactory(name="Apple")

    response = post(api_client, BRANDS, {"name": "Apple"})

    assert response.status_code == 201
    assert Brand.objects.filter(name="Apple").exists()


@pytest.mark.parametrize("name", ["", " ", "   \t  "])
def test_an_empty_or_blank_name_is_rejected(api_client, kind, name):
    path, model, _ = kind

    assert_validation_error(post(api_client, path, {"name": name}))
    assert not model.objects.exists()


def test_a_missing_name_is_rejected(api_client, kind):
    path, model, _ = kind

    assert_validation_error(post(api_client, path, {"url": "https://corner.example"}))
    assert not model.objects.exists()


def test_a_name_of_255_characters_is_accepted(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "n" * 255})

    assert response.status_code == 201
    assert model.objects.get().name == "n" * 255


def test_a_name_longer_than_255_characters_is_rejected(api_client, kind):
    path, model, _ = kind

    assert_validation_error(post(api_client, path, {"name": "n" * 256}))
    assert not model.objects.exists()


def test_a_url_longer_than_255_characters_is_rejected(api_client, kind):
    path, model, _ = kind

    url = "https://example.com/" + "x" * 236
    assert_validation_error(post(api_client, path, {"name": "Corner Shop", "url": url}))
    assert not model.objects.exists()


def test_unknown_fields_in_a_create_body_are_ignored(api_client, kind):
    path, model, _ = kind

    response = post(api_client, path, {"name": "Corner Shop", "colour": "red", "is_brand": True})

    assert response.status_code == 201
    assert model.objects.get().name == "Corner Shop"


def test_creating_a_retailer_that_is_also_a_brand_says_so(api_client):
    BrandFactory(name="LEGO")

    response = post(api_client, RETAILERS, {"name": "Lego"})

    assert response.status_code == 201
    assert response.json()["is_brand"] is True


def test_creating_a_retailer_without_a_brand_of_that_name_says_it_is_no_brand(api_client):
    BrandFactory(name="Legoland")

    response = post(api_client, RETAILERS, {"name": "Lego"})

    assert response.status_code == 201
    assert response.json()["is_brand"] is False


def test_getting_an_existing_retailer_by_create_carries_is_brand(api_client):
    RetailerFactory(name="Lego")
    BrandFactory(name="lego")

    response = post(api_client, RETAILERS, {"name": "LEGO"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is True


# --- get ----------------------------------------------------------------------------------------


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


# --- update -------------------------------------------------------------------------------------


def test_renaming_an_entry_answers_200_and_stores_the_name(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"name": "  Village Shop "})

    assert response.status_code == 200
    assert response.json()["id"] == str(entry.id)
    assert response.json()["name"] == "Village Shop"
    assert response.json()["url"] == "https://corner.example"
    entry.refresh_from_db()
    assert entry.name == "Village Shop"


@pytest.mark.parametrize(
    "new_name", ["Village Shop", "village shop", "VILLAGE SHOP", " village SHOP "]
)
def test_renaming_onto_another_entrys_name_answers_409_and_changes_nothing(
    api_client, kind, new_name
):
    path, model, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")
    factory(name="Village Shop")

    response = put(
        api_client, f"{path}/{entry.id}", {"name": new_name, "url": "https://changed.example"}
    )

    assert_string_detail(response, 409)
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Corner Shop", "https://corner.example")
    assert sorted(model.objects.values_list("name", flat=True)) == ["Corner Shop", "Village Shop"]


def test_renaming_an_entry_to_another_case_of_its_own_name_is_allowed(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop")

    response = put(api_client, f"{path}/{entry.id}", {"name": "CORNER shop"})

    assert response.status_code == 200
    assert response.json()["name"] == "CORNER shop"
    entry.refresh_from_db()
    assert entry.name == "CORNER shop"


def test_an_update_with_only_url_leaves_the_name(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"url": "https://new.example"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["url"]) == (
        "Corner Shop",
        "https://new.example",
    )
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Corner Shop", "https://new.example")


def test_an_update_with_only_name_leaves_the_url(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"name": "Village Shop"})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.url == "https://corner.example"


def test_an_update_can_set_an_empty_url(api_client, kind):
    path, _, factory = kind
    entry = factory(name="Corner Shop", url="https://corner.example")

    response = put(api_client, f"{path}/{entry.id}", {"url": ""})

    assert response.status_code == 200
    assert response.json()["url"] == ""


@pytest.mark.parametrize("name", ["", "   ", "n" * 256])
def test_an_update_to_an_invalid_name_is_rejected_and_changes_nothing(api_client, kind, name):
    path, _, factory = kind
    entry = factory(name="Corner Shop")

    assert_validation_error(put(api_client, f"{path}/{entry.id}", {"name": name}))
    entry.refresh_from_db()
    assert entry.name == "Corner Shop"


@pytest.mark.parametrize("entry_id", [UNKNOWN_ID, "not-a-uuid"])
def test_updating_an_unknown_or_malformed_id_answers_404(api_client, kind, entry_id):
    path, _, _ = kind

    assert_string_detail(put(api_client, f"{path}/{entry_id}", {"name": "Anything"}), 404)


def test_renaming_a_retailer_onto_a_brand_name_makes_it_a_brand(api_client):
    retailer = RetailerFactory(name="Corner Shop")
    BrandFactory(name="NINTENDO")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"name": "Nintendo"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is True


def test_renaming_a_retailer_away_from_a_brand_name_makes_it_no_brand(api_client):
    retailer = RetailerFactory(name="Nintendo")
    BrandFactory(name="Nintendo")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"name": "Corner Shop"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is False


def test_an_update_of_a_retailer_that_is_a_brand_keeps_saying_so(api_client):
    retailer = RetailerFactory(name="Nintendo")
    BrandFactory(name="nintendo")

    response = put(api_client, f"{RETAILERS}/{retailer.id}", {"url": "https://nintendo.example"})

    assert response.status_code == 200
    assert response.json()["is_brand"] is True


# --- delete -------------------------------------------------------------------------------------


def test_deleting_an_entry_answers_204_with_an_empty_body_then_404(api_client, kind):
    path, model, factory = kind
    entry = factory()
    other = factory()

    response = api_client.delete(f"{path}/{entry.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert list(model.objects.all()) == [other]
    assert api_client.get(f"{path}/{entry.id}").status_code == 404
    assert_string_detail(api_client.delete(f"{path}/{entry.id}"), 404)


@pytest.mark.parametrize("entry_id", [UNKNOWN_ID, "not-a-uuid"])
def test_deleting_an_unknown_or_malformed_id_answers_404(api_client, kind, entry_id):
    path, model, factory = kind
    factory()

    assert_string_detail(api_client.delete(f"{path}/{entry_id}"), 404)
    assert model.objects.count() == 1


def test_deleting_a_retailer_keeps_its_purchases_without_a_retailer(api_client):
    retailer = RetailerFactory()
    purchases = PurchaseFactory.create_batch(2, retailer=retailer)
    brand = purchases[0].brand

    assert api_client.delete(f"{RETAILERS}/{retailer.id}").status_code == 204

    assert Purchase.objects.count() == 2
    data = api_client.get(f"/api/purchases/{purchases[0].id}").json()
    assert (data["retailer_id"], data["retailer"]) == (None, None)
    assert data["brand_id"] == str(brand.id)
    assert data["brand"] == {"id": str(brand.id), "name": brand.name}


def test_deleting_a_brand_keeps_its_purchases_without_a_brand(api_client):
    brand = BrandFactory()
    purchases = PurchaseFactory.create_batch(2, brand=brand)
    retailer = purchases[0].retailer

    assert api_client.delete(f"{BRANDS}/{brand.id}").status_code == 204

    assert Purchase.objects.count() == 2
    data = api_client.get(f"/api/purchases/{purchases[0].id}").json()
    assert (data["brand_id"], data["brand"]) == (None, None)
    assert data["retailer_id"] == str(retailer.id)
    assert data["retailer"] == {"id": str(retailer.id), "name": retailer.name}


def test_deleting_a_brand_with_a_trailing_slash_works(api_client):
    """The Retailers page calls `DELETE /api/brands/{id}/` (docs/api.md §5.4, §1.2)."""
    brand = BrandFactory()

    response = api_client.delete(f"{BRANDS}/{brand.id}/")

    assert response.status_code == 204
    assert response.content == b""
    assert not Brand.objects.exists()


def test_deleting_a_retailer_without_a_trailing_slash_works(api_client):
    """The Retailers page calls `DELETE /api/retailers/{id}` (docs/api.md §1.2)."""
    retailer = RetailerFactory()

    assert api_client.delete(f"{RETAILERS}/{retailer.id}").status_code == 204
    assert not Retailer.objects.exists()


def test_deleting_the_same_named_brand_makes_the_retailer_no_brand(api_client):
    retailer = RetailerFactory(name="Lego")
    brand = BrandFactory(name="LEGO")

    assert api_client.delete(f"{BRANDS}/{brand.id}/").status_code == 204

    assert api_client.get(f"{RETAILERS}/{retailer.id}").json()["is_brand"] is False


# --- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [RETAILERS, BRANDS])
def test_the_lists_require_credentials(client, path):
    RetailerFactory()

    response = client.get(path)

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
