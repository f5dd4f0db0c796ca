"""The calendar feed, read back with the icalendar library as a calendar app would."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.services import profile_language_set
from purchases.tests.factories import PurchaseFactory
from reminders.services import reminder_feed_regenerate, reminder_feed_revoke
from reminders.tests.conftest import TODAY, warranty_ending
from reminders.tests.factories import ReminderPreferencesFactory
from warranties.tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def feed_url(prefs):
    return reverse("reminders:feed", kwargs={"token": prefs.feed_token})


def fetch(prefs):
    response = Client().get(feed_url(prefs))  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, icalendar.Calendar.from_ical(response.content)


def test_the_feed_shows_each_deadline_as_an_all_day_event_with_alarms(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    warranty = warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")
    purchase = PurchaseFactory(
        product_name="Boots", return_deadline=TODAY + 3 * DAY, return_policy="30 days"
    )

    _, calendar = fetch(prefs)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"warranty-{warranty.id}@spends-tracker",
        f"return-{purchase.id}@spends-tracker",
    }
    event = events[f"warranty-{warranty.id}@spends-tracker"]
    assert str(event["SUMMARY"]) == "Warranty ends: Espresso machine"
    # All-day: DATE values, not date-times, one day long.
    assert event.decoded("DTSTART") == TODAY + 7 * DAY
    assert type(event.decoded("DTSTART")) is datetime.date
    assert event.decoded("DTEND") == TODAY + 8 * DAY
    assert event.decoded("DTSTAMP").tzinfo is not None
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    # 09:00 on the day 30, 7 and 1 days before.
    assert triggers == [
        datetime.timedelta(days=-30, hours=9),
        datetime.timedelta(days=-7, hours=9),
        datetime.timedelta(days=-1, hours=9),
    ]
    assert all(alarm["ACTION"] == "DISPLAY" for alarm in event.walk("VALARM"))
    returns = events[f"return-{purchase.id}@spends-tracker"]
    assert str(returns["SUMMARY"]) == "Last day to return: Boots"
    assert str(returns["DESCRIPTION"]) == "30 days"


def test_the_feed_is_the_same_from_one_fetch_to_the_next_and_follows_moved_dates(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    warranty = warranty_ending(TODAY + 7 * DAY)

    first, _ = fetch(prefs)
    again, _ = fetch(prefs)
    warranty.warranty_end = TODAY + 9 * DAY
    warranty.save()
    _, moved = fetch(prefs)

    assert first == again
    (event,) = moved.walk("VEVENT")
    assert str(event["UID"]) == f"warranty-{warranty.id}@spends-tracker"
    assert event.decoded("DTSTART") == TODAY + 9 * DAY


def test_the_feed_follows_the_person_s_kinds_and_thresholds(today):
    prefs = ReminderPreferencesFactory(kinds=["warranty"], thresholds=[14])
    prefs = reminder_feed_regenerate(user=prefs.user)
    warranty_ending(TODAY + 400 * DAY)
    warranty_ending(TODAY - 10 * DAY)  # recently past: still shown
    warranty_ending(TODAY - 100 * DAY)  # long past: dropped
    voided = warranty_ending(TODAY + 5 * DAY)
    voided.voided = True
    voided.save()
    PurchaseFactory(return_deadline=TODAY + 3 * DAY)

    _, calendar = fetch(prefs)

    events = calendar.walk("VEVENT")
    assert sorted(event.decoded("DTSTART") for event in events) == [
        TODAY - 10 * DAY,
        TODAY + 400 * DAY,
    ]
    assert {alarm.decoded("TRIGGER") for alarm in calendar.walk("VALARM")} == {
        datetime.timedelta(days=-14, hours=9)
    }


def test_an_unknown_regenerated_or_revoked_token_answers_404(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    old_url = feed_url(prefs)
    client = Client()

    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get(old_url).status_code == 200

    prefs = reminder_feed_regenerate(user=prefs.user)
    assert len(prefs.feed_token) >= 43
    assert client.get(old_url).status_code == 404
    new_url = feed_url(prefs)
    assert client.get(new_url).status_code == 200

    reminder_feed_revoke(user=prefs.user)
    assert client.get(new_url).status_code == 404


def test_a_deactivated_account_s_feed_answers_404(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    prefs.user.is_active = False
    prefs.user.save()

    assert Client().get(feed_url(prefs)).status_code == 404


def test_the_feed_of_an_account_whose_role_was_taken_away_answers_404(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    assert Client().get(feed_url(prefs)).status_code == 200
    Membership.objects.filter(user=prefs.user).delete()

    assert Client().get(feed_url(prefs)).status_code == 404


def test_a_deadline_on_the_last_representable_day_is_in_the_feed(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    warranty_ending(datetime.date(9999, 12, 31), product_name="Lifetime pan")
    PurchaseFactory(product_name="Soon", return_deadline=TODAY + 3 * DAY)

    _, calendar = fetch(prefs)

    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Warranty ends: Lifetime pan", "Last day to return: Soon"}
    last = events["Warranty ends: Lifetime pan"]
    assert last.decoded("DTSTART") == datetime.date(9999, 12, 31)
    # One day long all the same: a DURATION, since no DTEND can follow that day.
    assert "DTEND" not in last and last.decoded("DURATION") == DAY
    assert events["Last day to return: Soon"].decoded("DTEND") == TODAY + 4 * DAY


def test_a_german_person_s_feed_speaks_german_whatever_the_calendar_app_asks(today):
    # The feed has no session: the owner's profile names the language (docs/i18n.md), as for
    # the digests, even when the calendar app asks for another.
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    profile_language_set(user=prefs.user, language="de")
    warranty = warranty_ending(TODAY + 7 * DAY, product_name="Espressomaschine")
    warranty.warranty_type = "MANUFACTURER"  # stored as its code, shown as its label
    warranty.save()
    PurchaseFactory(product_name="Stiefel", return_deadline=TODAY + 3 * DAY)
    ClaimFactory(warranty=warranty, number="RMA-7", follow_up_on=TODAY + 2 * DAY)

    response = Client().get(feed_url(prefs), HTTP_ACCEPT_LANGUAGE="fr")
    calendar = icalendar.Calendar.from_ical(response.content)

    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        "Garantie endet: Espressomaschine",
        "Letzter Rückgabetag: Stiefel",
        "Reklamation RMA-7 nachfragen · Espressomaschine",
    }
    warranty_event = events["Garantie endet: Espressomaschine"]
    assert str(warranty_event["DESCRIPTION"]) == "Herstellergarantie"
    assert warranty_event["CATEGORIES"].cats == ["Garantie"]
    assert {str(alarm["DESCRIPTION"]) for alarm in warranty_event.walk("VALARM")} == {
        "Garantie endet: Espressomaschine"
    }
    assert str(calendar["X-WR-CALNAME"]) == "Spends Tracker: Fristen"


def test_without_a_profile_language_the_feed_follows_the_calendar_app_s(today):
    prefs = reminder_feed_regenerate(user=ReminderPreferencesFactory().user)
    warranty_ending(TODAY + 7 * DAY, product_name="Machine à café")

    response = Client().get(feed_url(prefs), HTTP_ACCEPT_LANGUAGE="fr")
    calendar = icalendar.Calendar.from_ical(response.content)

    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Fin de garantie\u00a0: Machine à café"
    # And English when it asks for none.
    _, english = fetch(prefs)
    (event,) = english.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Warranty ends: Machine à café"
