"""Paths, the two kinds and request helpers shared by the retailers and brands API tests
(test_api_*.py)."""

import pytest

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory

RETAILERS = "/api/retailers"
BRANDS = "/api/brands"
# A fixed id, so that parallel workers collect the same test ids.
UNKNOWN_ID = "5b0f4c47-1d2e-4a8b-9c3d-7e6f5a4b3c2d"

# Both kinds answer the same way; `model` and `factory` build the entries behind `path`.
KINDS = [
    pytest.param((RETAILERS, Retailer, RetailerFactory), id="retailers"),
    pytest.param((BRANDS, Brand, BrandFactory), id="brands"),
]


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
