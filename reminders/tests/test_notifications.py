"""Apprise notifications, and the refusal of private targets for them and for webhooks."""

import json

import pytest

from kernel.testing import json_post_recorder
from reminders import services
from reminders.models import Channel, ReminderDelivery
from reminders.tests.conftest import TODAY, warranty_ending
from reminders.tests.factories import ReminderPreferencesFactory

pytestmark = pytest.mark.django_db
PREFERENCES = "/api/reminders/preferences"
JSON = "application/json"


@pytest.fixture
def apprise_target():
    """A JSON endpoint on 127.0.0.1 that Apprise's json:// service posts to."""
    with json_post_recorder() as server:
        server.apprise_url = f"json://127.0.0.1:{server.port}/notify"
        yield server


def put(api_client, **changes):
    return api_client.put(PREFERENCES, json.dumps(changes), content_type=JSON)


def test_notification_urls_are_saved_and_reach_the_person_through_apprise(
    api_client, owner, apprise_target, settings, today
):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True  # the household's own server
    response = put(api_client, apprise_urls=[apprise_target.apprise_url, " "], email_enabled=False)
    assert response.status_code == 200, response.content
    assert response.json()["apprise_urls"] == [apprise_target.apprise_url]
    assert response.json()["channels"] == ["apprise"]

    warranty_ending(TODAY, product_name="Espresso machine")
    test = api_client.post("/api/reminders/test")
    assert test.json()["results"] == [{"channel": "apprise", "ok": True, "error": None}]
    assert "Espresso machine" in apprise_target.received[0]["message"]

    report = services.reminders_send()
    assert report.sent == {"apprise": 1}
    (delivery,) = ReminderDelivery.objects.all()
    assert delivery.channel == Channel.APPRISE and delivery.status == "sent"
    assert len(apprise_target.received) == 2
    assert apprise_target.received[1]["title"].startswith("Spends Tracker")


def test_an_unknown_notification_url_is_refused_in_plain_words(api_client, owner):
    response = put(api_client, apprise_urls=["ntfys://ntfy.sh/topic", "nosuchservice://x"])
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "apprise_urls"
    assert "Notification URL 2 is not one Apprise knows" in error["msg"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("webhook_url", "http://127.0.0.1:8000/api/purchases"),
        ("webhook_url", "http://localhost/admin"),
        ("webhook_url", "http://[::1]:5432/"),
        ("webhook_url", "http://169.254.169.254/latest/meta-data"),
        ("webhook_url", "http://192.168.1.1/"),
        ("apprise_urls", ["json://10.0.0.5:22/"]),
        ("apprise_urls", ["ntfy://localhost/topic"]),
        ("apprise_urls", ["gotify://172.16.0.9/token123"]),
    ],
)
def test_private_and_loopback_targets_are_refused_without_naming_ports(
    api_client, owner, field, value
):
    response = put(api_client, **{field: value})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert "this server or a private network" in error["msg"]
    assert "SPENDS_ALLOW_PRIVATE_TARGETS" in error["msg"]
    assert "refused" not in error["msg"].lower() and "timed out" not in error["msg"].lower()


def test_the_operator_setting_allows_a_household_s_own_ntfy(api_client, owner, settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    response = put(
        api_client,
        webhook_url="http://192.168.1.20/reminders",
        apprise_urls=["ntfy://192.168.1.20/reminders"],
    )
    assert response.status_code == 200


def test_a_target_that_became_private_is_refused_when_sending(
    owner, apprise_target, settings, today
):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = False
    ReminderPreferencesFactory(
        user=owner, email_enabled=False, apprise_urls=[apprise_target.apprise_url]
    )
    warranty_ending(TODAY, product_name="Kettle")

    services.reminders_send()

    (delivery,) = ReminderDelivery.objects.all()
    assert delivery.status == "failed" and "private network" in delivery.last_error
    assert apprise_target.received == []


def test_an_unreachable_service_fails_without_saying_why(owner, closed_port_url, today):
    port = closed_port_url.split(":")[2].split("/")[0]
    ReminderPreferencesFactory(
        user=owner, email_enabled=False, apprise_urls=[f"json://127.0.0.1:{port}/"]
    )
    warranty_ending(TODAY, product_name="Kettle")

    services.reminders_send()

    (delivery,) = ReminderDelivery.objects.all()
    assert delivery.status == "failed"
    assert delivery.last_error == (
        "A notification service did not accept the reminder; check its URL and try again."
    )
