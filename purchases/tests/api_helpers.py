"""Paths, dates, request helpers and the length-limited text fields shared by the purchases API
tests (test_api_*.py)."""

import datetime
import uuid

from kernel import clock

PURCHASES = "/api/purchases"
# A date far enough in the past that "not after today" never matters.
BOUGHT = datetime.date(2021, 3, 14)
WARRANTY_KEYS = {
    "id",
    "warranty_start",
    "warranty_end",
    "warranty_type",
    "status",
    "provider",
    "notes",
}


def days_from_today(days: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=days)


def post(client, body, path=PURCHASES):
    return client.post(path, body, content_type="application/json")


def put(client, purchase_id, body):
    return client.put(f"{PURCHASES}/{purchase_id}", body, content_type="application/json")


def minimal_body(**overrides):
    return {"product_name": "Espresso machine", "price": 429, "purchase_date": "2021-03-14"} | (
        overrides
    )


def is_uuid_string(value) -> bool:
    return isinstance(value, str) and str(uuid.UUID(value)) == value


def parse_datetime(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def ids_of(data) -> list[str]:
    return [item["id"] for item in data["items"]]


def ids(response) -> list[str]:
    return ids_of(response.json())


LIMITED_TEXT_FIELDS = [
    "model_number",
    "serial_number",
    "retailer_order_number",
    "link",
    "return_policy",
    "tags",
]
