"""Creating retailers and brands: the stored entry, trimmed names, an existing name answered
with the existing entry, the limits of names and URLs, is_brand on a new retailer
(docs/api.md §4.3, §5.3, §5.4; decisions §9.1, §9.2, §9.4)."""

import datetime
import uuid

import pytest

from catalog.models import Brand
from catalog.tests.api_helpers import (
    BRANDS,
    RETAILERS,
    post,
)
from catalog.tests.factories import BrandFactory, RetailerFactory
from kernel.testing import assert_validation_error

pytestmark = pytest.mark.django_db


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
