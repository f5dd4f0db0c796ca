import datetime

import pytest
from django.test import Client

from purchases.tests.factories import PurchaseFactory
from reminders.models import ReminderPreferences
from reminders.tests.conftest import TODAY, warranty_ending

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
JSON = "application/json"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/reminders/preferences"),
        ("put", "/api/reminders/preferences"),
        ("post", "/api/reminders/test"),
        ("get", "/api/reminders/feed"),
        ("post", "/api/reminders/feed"),
        ("delete", "/api/reminders/feed"),
        ("get", "/api/deadlines"),
    ],
)
def test_every_route_needs_credentials(method, path):
    response = getattr(Client(), method)(path, content_type=JSON)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_preferences_start_with_the_defaults(api_client, owner):
    response = api_client.get("/api/reminders/preferences")

    assert response.status_code == 200
    assert response.json() == {
        "thresholds": [30, 7, 1],
        "kinds": ["warranty", "return", "claim"],
        "email_enabled": True,
        "email": None,
        "recipient": "owner@example.org",
        "email_available": True,
        "webhook_url": None,
        "apprise_urls": [],
        "channels": ["email"],
        "feed_url": None,
        "failing_deliveries": [],
    }
    assert not ReminderPreferences.objects.exists()  # reading writes nothing


def test_preferences_update_only_what_is_sent(api_client, owner):
    response = api_client.put(
        "/api/reminders/preferences",
        {"thresholds": [1, 14], "webhook_url": "https://ntfy.example.org/house", "x": 1},
        content_type=JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["thresholds"] == [14, 1]
    assert body["webhook_url"] == "https://ntfy.example.org/house"
    assert body["channels"] == ["email", "webhook"]

    body = api_client.put(
        "/api/reminders/preferences",
        {"email_enabled": False, "email": "me@example.org", "kinds": ["return"]},
        content_type=JSON,
    ).json()
    assert body["thresholds"] == [14, 1]
    assert (body["email"], body["recipient"], body["kinds"]) == (
        "me@example.org",
        "me@example.org",
        ["return"],
    )
    assert body["channels"] == ["webhook"]

    body = api_client.put(
        "/api/reminders/preferences", {"webhook_url": None, "email": ""}, content_type=JSON
    ).json()
    assert (body["webhook_url"], body["email"], body["recipient"]) == (
        None,
        None,
        "owner@example.org",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"thresholds": []},
        {"thresholds": [-1]},
        {"thresholds": [366]},
        {"thresholds": [7, 7]},
        {"thresholds": ["7"]},
        {"thresholds": [1.5]},
        {"thresholds": [True]},
        {"thresholds": list(range(11))},
        {"kinds": ["birthday"]},
        {"email": "not an address"},
        {"webhook_url": "ftp://example.org/x"},
        {"webhook_url": "javascript:alert(1)"},
    ],
)
def test_bad_preferences_answer_422_and_change_nothing(api_client, owner, body):
    response = api_client.put("/api/reminders/preferences", body, content_type=JSON)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert api_client.get("/api/reminders/preferences").json()["thresholds"] == [30, 7, 1]


def test_the_feed_url_is_made_regenerated_and_revoked(api_client, owner, today):
    warranty_ending(TODAY + 7 * DAY)
    assert api_client.get("/api/reminders/feed").json() == {"feed_url": None}

    first = api_client.post("/api/reminders/feed").json()["feed_url"]
    assert first.startswith("http://testserver/calendar/") and first.endswith(".ics")
    assert api_client.get("/api/reminders/feed").json()["feed_url"] == first
    assert api_client.get("/api/reminders/preferences").json()["feed_url"] == first
    assert Client().get(first).status_code == 200

    second = api_client.post("/api/reminders/feed").json()["feed_url"]
    assert second != first
    assert Client().get(first).status_code == 404

    assert api_client.delete("/api/reminders/feed").json() == {"feed_url": None}
    assert Client().get(second).status_code == 404


def test_a_test_reminder_goes_through_each_channel_and_records_nothing(
    api_client, owner, today, mailoutbox, webhook_server
):
    api_client.put(
        "/api/reminders/preferences", {"webhook_url": webhook_server.url}, content_type=JSON
    )
    warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")

    response = api_client.post("/api/reminders/test")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"channel": "email", "ok": True, "error": None},
            {"channel": "webhook", "ok": True, "error": None},
        ]
    }
    assert mailoutbox[0].subject == "Spends Tracker: test reminder"
    assert "Espresso machine" in mailoutbox[0].body
    assert webhook_server.requests[0]["json"]["test"] is True
    assert not owner.reminder_digests.exists()


def test_a_test_reminder_reports_a_failing_channel(api_client, owner, closed_port_url):
    api_client.put(
        "/api/reminders/preferences",
        {"email_enabled": False, "webhook_url": closed_port_url},
        content_type=JSON,
    )

    (result,) = api_client.post("/api/reminders/test").json()["results"]

    assert result["channel"] == "webhook"
    assert result["ok"] is False
    assert result["error"].startswith("The webhook could not be reached")


def test_a_test_reminder_without_any_channel_answers_400(api_client, api_user):
    response = api_client.post("/api/reminders/test")  # no address, no webhook

    assert response.status_code == 400
    assert "No way to reach you" in response.json()["detail"]


def test_reminder_routes_need_a_person_when_the_api_is_open(settings):
    settings.SPENDS_API_OPEN = True

    response = Client().get("/api/reminders/preferences")

    assert response.status_code == 403


def test_deadlines_are_listed_soonest_first_with_days_left(api_client, today):
    warranty = warranty_ending(TODAY + 7 * DAY, product_name="Kettle")
    purchase = PurchaseFactory(product_name="Boots", return_deadline=TODAY)
    warranty_ending(TODAY + 40 * DAY)

    response = api_client.get("/api/deadlines/?days=30")

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    assert body["items"] == [
        {
            "kind": "return",
            "source_id": str(purchase.id),
            "purchase_id": str(purchase.id),
            "product_name": "Boots",
            "due_date": TODAY.isoformat(),
            "days_left": 0,
            "detail": None,
        },
        {
            "kind": "warranty",
            "source_id": str(warranty.id),
            "purchase_id": str(warranty.purchase_id),
            "product_name": "Kettle",
            "due_date": (TODAY + 7 * DAY).isoformat(),
            "days_left": 7,
            "detail": None,
        },
    ]
    only_returns = api_client.get("/api/deadlines?days=30&kind=return").json()
    assert [item["kind"] for item in only_returns["items"]] == ["return"]
    assert api_client.get("/api/deadlines?days=-1").status_code == 422
    assert api_client.get("/api/deadlines?kind=birthday").status_code == 422


def test_deadlines_page_is_two_queries(api_client, today, django_assert_max_num_queries):
    for offset in range(30):
        warranty_ending(TODAY + offset * DAY)
    # Authentication (token lookup) plus the count and the page.
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/deadlines?days=60&limit=10&skip=10")
    assert [item["days_left"] for item in response.json()["items"]] == list(range(10, 20))


@pytest.mark.parametrize("value", [0, 1, "yes", "true"])
def test_email_enabled_must_be_a_json_boolean(api_client, value):
    response = api_client.put(
        "/api/reminders/preferences", {"email_enabled": value}, content_type="application/json"
    )

    assert response.status_code == 422
