"""Warranty claims to follow up (docs/claims.md §5): in the calendar feed as all-day events with
a stable UID, and in the digest on the day their follow-up comes, once."""

import datetime
import io

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reminders.models import DeadlineKind, ReminderSent
from reminders.selectors import deadline_list_upcoming
from reminders.services import reminder_feed_regenerate
from reminders.tests.conftest import TODAY, warranty_ending
from reminders.tests.factories import ReminderPreferencesFactory
from warranties.models import ClaimStatus
from warranties.tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def claim_to_follow_up(day, *, product_name="Bosch dishwasher", **fields):
    warranty = warranty_ending(TODAY + 400 * DAY, product_name=product_name)
    fields = {"number": "RMA-123", "opened_on": TODAY - 10 * DAY} | fields
    return ClaimFactory(warranty=warranty, follow_up_on=day, **fields)


def send() -> None:
    call_command("reminders_send", stdout=io.StringIO(), stderr=io.StringIO())


def events(prefs) -> dict:
    response = Client().get(reverse("reminders:feed", kwargs={"token": prefs.feed_token}))
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_an_open_claim_to_follow_up_is_an_all_day_event_with_a_stable_uid(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    claim = claim_to_follow_up(TODAY + 5 * DAY)
    claim_to_follow_up(TODAY + 6 * DAY, status=ClaimStatus.RESOLVED, closed_on=TODAY)
    claim_to_follow_up(None)

    first = events(prefs)
    claim.follow_up_on = TODAY + 9 * DAY
    claim.save()
    moved = events(prefs)

    uid = f"claim-{claim.id}@spends-tracker"
    claim_events = {key: event for key, event in first.items() if key.startswith("claim-")}
    assert list(claim_events) == [uid]
    event = claim_events[uid]
    assert str(event["SUMMARY"]) == "Follow up claim RMA-123 · Bosch dishwasher"
    assert event.decoded("DTSTART") == TODAY + 5 * DAY
    assert type(event.decoded("DTSTART")) is datetime.date
    assert event.decoded("DTEND") == TODAY + 6 * DAY
    assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [datetime.timedelta(hours=9)]
    assert moved[uid].decoded("DTSTART") == TODAY + 9 * DAY  # the same event, moved


def test_a_claim_without_a_number_is_named_by_its_product(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    claim = claim_to_follow_up(TODAY + DAY, number=None)

    event = events(prefs)[f"claim-{claim.id}@spends-tracker"]

    assert str(event["SUMMARY"]) == "Follow up claim · Bosch dishwasher"


def test_the_follow_up_is_in_the_digest_on_its_day_once_and_not_before(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    claim = claim_to_follow_up(TODAY + 2 * DAY)

    send()
    assert mailoutbox == []  # not before the day
    today(TODAY + 2 * DAY)
    send()
    today(TODAY + 3 * DAY)
    send()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == ("Spends Tracker: Bosch dishwasher, claim follow-up due today")
    assert "Bosch dishwasher (RMA-123): claim follow-up due today" in message.body
    sent = ReminderSent.objects.get(user=prefs.user)
    assert (sent.kind, sent.source_id, sent.threshold) == (DeadlineKind.CLAIM, claim.id, 0)


def test_an_overdue_follow_up_comes_once_and_again_when_its_day_moves(today, mailoutbox):
    ReminderPreferencesFactory()
    claim = claim_to_follow_up(TODAY - 3 * DAY)

    send()
    today(TODAY + DAY)
    send()
    claim.follow_up_on = TODAY + 2 * DAY
    claim.save()
    today(TODAY + 2 * DAY)
    send()

    assert [m.subject.rsplit(", ", 1)[1] for m in mailoutbox] == [
        "claim follow-up due 3 days ago",
        "claim follow-up due today",
    ]


def test_closed_claims_and_people_who_untick_claims_get_no_follow_up(today, mailoutbox):
    ReminderPreferencesFactory(kinds=["warranty", "return"])
    claim_to_follow_up(TODAY)
    claim_to_follow_up(TODAY, status=ClaimStatus.REJECTED, closed_on=TODAY)
    assert len(deadline_list_upcoming(days=10, kinds=[DeadlineKind.CLAIM])) == 1

    send()

    assert mailoutbox == []
