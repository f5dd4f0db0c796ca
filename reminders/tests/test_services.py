"""The reminder services called directly: checking preferences, the feed token, planning and
recording a day's digests, what a digest says, and a delivery whose channel was switched off
(test_send.py runs the whole command; test_api.py the HTTP side)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import MemberFactory
from reminders.channels import ReminderError, reminder_channels
from reminders.digests import digest_message
from reminders.models import (
    Channel,
    DeliveryStatus,
    ReminderDelivery,
    ReminderDigest,
    ReminderPreferences,
    ReminderSent,
)
from reminders.planning import reminder_digest_record, reminder_plan
from reminders.services import (
    reminder_delivery_send,
    reminder_feed_regenerate,
    reminder_feed_revoke,
    reminder_preferences_clean,
    reminder_preferences_update,
    reminder_send_test,
)
from reminders.tests.conftest import TODAY, warranty_ending
from reminders.tests.factories import ReminderPreferencesFactory

pytestmark = pytest.mark.django_db


def entry(product: str, due: datetime.date, kind: str = "warranty", detail=None) -> dict:
    return {"kind": kind, "product_name": product, "due_date": due.isoformat(), "detail": detail}


# --- Preferences --------------------------------------------------------------------------------


def test_thresholds_are_kept_largest_first_and_kinds_in_their_usual_order():
    cleaned = reminder_preferences_clean(
        {"thresholds": [1, 30, 7], "kinds": ["return", "warranty"]}
    )
    assert cleaned == {"thresholds": [30, 7, 1], "kinds": ["warranty", "return"]}


def test_unknown_preference_keys_are_left_out():
    assert reminder_preferences_clean({"feed_token": "mine", "email_enabled": 0}) == {
        "email_enabled": False
    }


@pytest.mark.parametrize(
    "thresholds, message",
    [
        ([], "Choose at least one threshold (days before a deadline)."),
        ([7, 7], "Each threshold may be given once."),
        ([400], "Each threshold is between 0 and 365 days."),
        ([True], "Each threshold is a whole number of days."),
        (list(range(11)), "Choose at most 10 thresholds."),
    ],
)
def test_each_bad_threshold_list_is_refused_in_words(thresholds, message):
    with pytest.raises(ValidationError) as raised:
        reminder_preferences_clean({"thresholds": thresholds})
    assert raised.value.message_dict == {"thresholds": [message]}


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationError) as raised:
        reminder_preferences_clean({"kinds": ["birthday"], "webhook_url": "ftp://example.org/x"})
    assert raised.value.message_dict == {
        "kinds": ["Kinds are chosen from warranty, return, claim."],
        "webhook_url": ["The webhook URL must be an http:// or https:// address."],
    }


def test_a_refused_update_changes_none_of_the_preferences():
    prefs = ReminderPreferencesFactory(thresholds=[14])
    with pytest.raises(ValidationError):
        reminder_preferences_update(user=prefs.user, thresholds=[3], email="not an address")
    assert ReminderPreferences.objects.get(pk=prefs.pk).thresholds == [14]


def test_an_update_creates_the_preferences_and_an_empty_address_means_the_accounts():
    person = MemberFactory(email="kim@example.org")
    prefs = reminder_preferences_update(user=person, email="  ", thresholds=[2])
    stored = ReminderPreferences.objects.get(user=person)
    assert (stored.email, stored.thresholds, prefs.recipient) == (None, [2], "kim@example.org")


def test_a_new_feed_token_replaces_the_old_one_and_revoking_removes_it():
    person = MemberFactory()
    first = reminder_feed_regenerate(user=person).feed_token
    second = reminder_feed_regenerate(user=person).feed_token
    assert len(second) >= 43 and second != first
    reminder_feed_revoke(user=person)
    assert ReminderPreferences.objects.get(user=person).feed_token is None


# --- Channels and messages ----------------------------------------------------------------------


def test_email_is_a_channel_only_when_the_server_can_send_it(settings):
    prefs = ReminderPreferencesFactory(webhook_url="https://hooks.example.org/x")
    assert reminder_channels(prefs) == [Channel.EMAIL, Channel.WEBHOOK]
    settings.SPENDS_EMAIL_CONFIGURED = False
    assert reminder_channels(prefs) == [Channel.WEBHOOK]


def test_a_test_reminder_without_any_channel_says_how_to_add_one(settings):
    settings.SPENDS_EMAIL_CONFIGURED = False
    prefs = ReminderPreferencesFactory()
    with pytest.raises(ReminderError) as raised:
        reminder_send_test(user=prefs.user)
    assert str(raised.value) == (
        "No way to reach you: switch email reminders on with an address (and configure "
        "EMAIL_URL on the server), or set a webhook or notification URL."
    )


def test_a_digest_of_one_deadline_names_it_in_the_subject_on_one_line():
    subject, text, payload = digest_message(
        [entry("Kettle\nDeluxe", TODAY + datetime.timedelta(days=7))], today=TODAY
    )
    assert subject == "Spends Tracker: Kettle Deluxe, warranty ends in 7 days"
    assert payload["deadlines"][0]["days_left"] == 7
    assert text.startswith("A deadline is coming up:\n")


def test_a_digest_counts_its_deadlines_and_says_when_each_falls_due():
    subject, text, payload = digest_message(
        [
            entry("Drill", TODAY, kind="return", detail="order 42"),
            entry("Lamp", TODAY + datetime.timedelta(days=1)),
            entry("Desk", TODAY - datetime.timedelta(days=2)),
        ],
        today=TODAY,
    )
    assert subject == "Spends Tracker: 3 deadlines coming up"
    assert "- Drill (order 42): last day to return today, Mon 10 Mar 2025" in text
    assert "- Lamp: warranty ends tomorrow" in text
    assert "- Desk: warranty ends 2 days ago" in text
    assert (payload["day"], payload["test"]) == ("2025-03-10", False)


def test_a_digest_names_a_warranty_type_by_its_label_and_its_payload_keeps_the_code():
    _subject, text, payload = digest_message(
        [entry("Oven", TODAY + datetime.timedelta(days=3), detail="EXTENDED")], today=TODAY
    )
    assert "- Oven (Extended warranty): warranty ends in 3 days" in text
    assert payload["deadlines"][0]["detail"] == "EXTENDED"


# --- Planning, recording and delivering ---------------------------------------------------------


def test_the_plan_lists_each_reached_threshold_once_and_writes_nothing():
    reachable = ReminderPreferencesFactory(thresholds=[30, 7])
    unreachable = ReminderPreferencesFactory(email_enabled=False)
    warranty_ending(TODAY + datetime.timedelta(days=5), product_name="Kettle")
    plan = reminder_plan(today=TODAY)
    [digest] = plan.digests
    assert digest.user == reachable.user
    assert [e["thresholds"] for e in digest.entries] == [[30, 7]]
    assert [planned.user for planned in plan.unreachable] == [unreachable.user]
    assert not ReminderDigest.objects.exists()


def test_recording_a_digest_writes_its_thresholds_and_one_pending_delivery_per_channel():
    ReminderPreferencesFactory(thresholds=[7], webhook_url="https://hooks.example.org/x")
    warranty_ending(TODAY + datetime.timedelta(days=3))
    [planned] = reminder_plan(today=TODAY).digests
    digest = reminder_digest_record(planned, today=TODAY)
    assert (digest.day, digest.entries) == (TODAY, planned.entries)
    assert list(ReminderSent.objects.values_list("threshold", flat=True)) == [7]
    assert sorted(digest.deliveries.values_list("channel", "status")) == [
        (Channel.EMAIL, DeliveryStatus.PENDING),
        (Channel.WEBHOOK, DeliveryStatus.PENDING),
    ]
    assert reminder_plan(today=TODAY).already_today == 1


def test_a_delivery_whose_email_was_switched_off_is_cancelled_and_not_sent(mailoutbox):
    prefs = ReminderPreferencesFactory(thresholds=[7])
    warranty_ending(TODAY + datetime.timedelta(days=3))
    reminder_digest_record(reminder_plan(today=TODAY).digests[0], today=TODAY)
    reminder_preferences_update(user=prefs.user, email_enabled=False)
    delivery = ReminderDelivery.objects.get()
    assert reminder_delivery_send(delivery, today=TODAY) == DeliveryStatus.CANCELLED
    delivery.refresh_from_db()
    assert (delivery.last_error, delivery.attempts) == ("Email reminders were switched off.", 0)
    assert mailoutbox == []


def test_a_delivery_is_sent_once_and_then_no_longer_open(mailoutbox):
    ReminderPreferencesFactory(thresholds=[7])
    warranty_ending(TODAY + datetime.timedelta(days=3), product_name="Toaster")
    reminder_digest_record(reminder_plan(today=TODAY).digests[0], today=TODAY)
    delivery = ReminderDelivery.objects.get()
    assert reminder_delivery_send(delivery, today=TODAY) == DeliveryStatus.SENT
    assert reminder_delivery_send(delivery, today=TODAY) == "busy"
    assert [message.subject for message in mailoutbox] == [
        "Spends Tracker: Toaster, warranty ends in 3 days"
    ]
