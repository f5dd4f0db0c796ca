"""Warranty figures around today: status and the sticky voided, expiring soon over a year
boundary, a void through the API counted at once, the timeline's months (docs/api.md §5.5,
decision §9.5)."""

import datetime

import pytest

from analytics.tests.edge_cases.helpers import (
    buy,
    cover,
    days,
    get_json,
    pin_today,
)

pytestmark = pytest.mark.django_db


def test_warranty_status_follows_today_and_voided_is_sticky(api_client):
    purchase = buy("100.00", datetime.date(2023, 3, 1))
    cover(purchase, days(0))  # active, expiring
    cover(purchase, days(-1))  # expired
    cover(purchase, days(30))  # active, expiring
    cover(purchase, days(31))  # active
    cover(purchase, days(0), voided=True)
    cover(purchase, days(400), voided=True)
    expected = {"active": 3, "expired": 1, "voided": 2, "expiring_soon": 2, "total": 6}

    assert get_json(api_client, "/warranties/summary") == expected
    summary = get_json(api_client, "/summary")
    assert (
        summary["active_warranties"],
        summary["expired_warranties"],
        summary["expiring_warranties"],
    ) == (3, 1, 2)
    assert get_json(api_client, "/warranties/timeline") == {
        "timeline": [
            {
                "month": "Mar 2025",
                "period": "2025-03",
                "active": 1,
                "expired": 1,
                "expiring_soon": 1,
            },
            {
                "month": "Apr 2025",
                "period": "2025-04",
                "active": 2,
                "expired": 0,
                "expiring_soon": 1,
            },
        ],
        "summary": expected,
    }


def test_expiring_soon_crosses_a_year_boundary(api_client, monkeypatch):
    pin_today(monkeypatch, datetime.date(2024, 12, 31))
    purchase = buy("100.00", datetime.date(2024, 1, 1))
    cover(purchase, datetime.date(2025, 1, 30))  # today + 30
    cover(purchase, datetime.date(2025, 1, 31))  # today + 31
    cover(purchase, datetime.date(2024, 12, 31))  # today

    timeline = get_json(api_client, "/warranties/timeline")["timeline"]

    assert timeline == [
        {"month": "Dec 2024", "period": "2024-12", "active": 1, "expired": 0, "expiring_soon": 1},
        {"month": "Jan 2025", "period": "2025-01", "active": 2, "expired": 0, "expiring_soon": 1},
    ]


def test_voiding_a_warranty_through_the_api_is_counted_at_once(api_client):
    warranty = cover(buy("10.00"), days(10))
    assert get_json(api_client, "/warranties/summary")["active"] == 1

    response = api_client.put(
        f"/api/warranties/{warranty.id}", {"status": "VOIDED"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert get_json(api_client, "/warranties/summary") == {
        "active": 0,
        "expired": 0,
        "voided": 1,
        "expiring_soon": 0,
        "total": 1,
    }
    assert get_json(api_client, "/warranties/timeline")["timeline"] == []


def test_timeline_leaves_out_months_with_only_voided_warranties(api_client):
    purchase = buy("100.00")
    cover(purchase, datetime.date(2026, 5, 1), voided=True)
    cover(purchase, datetime.date(2026, 6, 1))

    response = get_json(api_client, "/warranties/timeline")

    assert [item["period"] for item in response["timeline"]] == ["2026-06"]
    assert response["summary"]["voided"] == 1
    assert response["summary"]["total"] == 2


def test_timeline_months_keeps_the_months_within_n_of_this_one(api_client):
    purchase = buy("100.00", datetime.date(2024, 6, 1))
    for end in ["2025-01-31", "2025-02-01", "2025-04-30", "2025-05-01"]:
        cover(purchase, datetime.date.fromisoformat(end))

    response = get_json(api_client, "/warranties/timeline", months=1)

    assert [item["period"] for item in response["timeline"]] == ["2025-02", "2025-04"]
    assert response["summary"]["total"] == 4  # the summary ignores the window


def test_warranties_are_counted_one_by_one_in_every_currency(api_client):
    cover(buy("10.00", currency_code="EUR"), days(100))
    usd = buy("10.00")
    cover(usd, days(100))
    cover(usd, days(200), warranty_type="EXTENDED")

    summary = get_json(api_client, "/summary", currency="USD")

    assert summary["active_warranties"] == 3
    assert get_json(api_client, "/warranties/summary", currency="GBP")["total"] == 3
