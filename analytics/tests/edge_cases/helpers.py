"""The pinned today, routes and builders of the analytics edge cases: purchases and warranties
with only the fields a case needs, the API's answers and the month buckets and shares they
are compared with."""

import datetime
from decimal import Decimal

from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

ANALYTICS = "/api/analytics"
TODAY = datetime.date(2025, 3, 15)
CREATED = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
ROUTES = [
    "/summary",
    "/spending",
    "/spending/by-period",
    "/warranties/timeline",
    "/warranties/summary",
    "/retailers",
    "/brands",
    "/top-products",
    "/expensive-purchases",
    "/recent-purchases",
    "/recent-warranties",
]
LIMITED_ROUTES = [
    "/top-products",
    "/expensive-purchases",
    "/recent-purchases",
    "/recent-warranties",
]
EMPTY_WARRANTY_SUMMARY = {"active": 0, "expired": 0, "voided": 0, "expiring_soon": 0, "total": 0}
# What a money answer in the base says of its currencies when every purchase is in the base.
IN_USD = {"currency": "USD", "base_currency": "USD", "converted_count": 0, "without_rate_count": 0}


def pin_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr("kernel.clock.today", lambda: day)


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


def buy(price: str, purchase_date=datetime.date(2025, 1, 10), **fields):
    """Create a purchase; without retailer or brand unless given."""
    return PurchaseFactory(
        **{
            "product_name": "Kettle",
            "price": Decimal(price),
            "purchase_date": purchase_date,
            "retailer": None,
            "brand": None,
            **fields,
        }
    )


def cover(purchase, end: datetime.date, **fields):
    return WarrantyFactory(
        purchase=purchase,
        warranty_start=min(purchase.purchase_date, end),
        warranty_end=end,
        **fields,
    )


def get(client, path: str, **params):
    return client.get(f"{ANALYTICS}{path}", params)


def get_json(client, path: str, **params):
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    return response.json()


def bucket(month: str, period: str, total: str = "0.00", count: int = 0) -> dict:
    return {
        "month": month,
        "period": period,
        "total_amount": total,
        "item_count": count,
        "without_rate_count": 0,
    }


def share(field: str, name: str, count: int, percentage: float, total: str) -> dict:
    return {
        "name": name,
        f"{field}_name": name,
        "count": count,
        "percentage": percentage,
        "total_spent": total,
        "without_rate_count": 0,
    }


def assert_validation_error(response):
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
