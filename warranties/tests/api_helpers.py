"""Paths, dates and request helpers shared by the warranties API tests (test_api_*.py)."""

import datetime

from kernel import clock
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

WARRANTIES = "/api/warranties"
EXPIRING = "/api/warranties/expiring"
BOUGHT = datetime.date(2021, 3, 14)
WARRANTY_KEYS = {
    "id",
    "purchase_id",
    "warranty_start",
    "warranty_end",
    "warranty_type",
    "status",
    "provider",
    "notes",
    "created_at",
    "updated_at",
}


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)


def warranty_ending(days: int, **fields) -> Warranty:
    return WarrantyFactory(
        purchase__purchase_date=BOUGHT,
        warranty_start=BOUGHT,
        warranty_end=days_from_today(days),
        **fields,
    )


def post(client, body):
    return client.post(WARRANTIES, body, content_type="application/json")


def put(client, warranty_id, body):
    return client.put(f"{WARRANTIES}/{warranty_id}", body, content_type="application/json")


def create_body(purchase, **overrides):
    return {
        "purchase_id": str(purchase.id),
        "warranty_start": "2021-03-14",
        "warranty_end": "2023-03-14",
    } | overrides


def ids(response) -> list[str]:
    data = response.json()
    return [item["id"] for item in (data["items"] if isinstance(data, dict) else data)]


def assert_not_found(response):
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
