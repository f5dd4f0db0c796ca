"""The calendar feed (RFC 5545): one all-day event per deadline, with an alarm per threshold.

Calendar clients poll the feed and match events by UID, so a UID names the deadline for good
(its kind and the warranty's, purchase's or claim's id): a moved date moves the event, a deleted
purchase removes it. DTSTAMP is the record's last change rather than the time of the request,
so an unchanged household yields the same feed byte for byte.

Its words (titles, categories, the warranty's type) are in the feed owner's language, as the
digests are (docs/i18n.md): the caller says which.
"""

import datetime

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from reminders.models import DeadlineKind, ReminderPreferences
from reminders.selectors import Deadline, deadline_queryset
from warranties.models import warranty_type_label

# Deadlines stay in the calendar this long after they pass, then drop out of it.
PAST_DAYS = 90
# Alarms ring at this hour (local time on the phone) on the day they are due.
ALARM_HOUR = 9
SUMMARIES = {
    DeadlineKind.WARRANTY: gettext_lazy("Warranty ends: %(name)s"),
    DeadlineKind.RETURN: gettext_lazy("Last day to return: %(name)s"),
    # An open claim's follow-up day (docs/claims.md §5): "Follow up claim RMA-1 · Bosch dishwasher".
    DeadlineKind.CLAIM: gettext_lazy("Follow up claim %(number)s · %(name)s"),
}
# A claim without a number.
CLAIM_SUMMARY = gettext_lazy("Follow up claim · %(name)s")
CATEGORIES = {
    DeadlineKind.WARRANTY: pgettext_lazy("calendar", "Warranty"),
    DeadlineKind.RETURN: pgettext_lazy("calendar", "Return"),
    DeadlineKind.CLAIM: pgettext_lazy("calendar", "Claim"),
}
UID_DOMAIN = "spends-tracker"


def deadline_uid(deadline: Deadline) -> str:
    return f"{deadline.kind}-{deadline.source_id}@{UID_DOMAIN}"


def _event(deadline: Deadline, thresholds: list[int]) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", deadline_uid(deadline))
    event.add("dtstamp", deadline.changed_at.astimezone(datetime.UTC))
    event.add("last-modified", deadline.changed_at.astimezone(datetime.UTC))
    # All-day: DTSTART is a DATE and DTEND the next day (exclusive), as RFC 5545 §3.6.1 says. The
    # day after 9999-12-31 cannot be written: there a DURATION of one day says the same.
    event.add("dtstart", deadline.due_date)
    if deadline.due_date < datetime.date.max:
        event.add("dtend", deadline.due_date + datetime.timedelta(days=1))
    else:
        event.add("duration", datetime.timedelta(days=1))
    if deadline.kind == DeadlineKind.CLAIM and not deadline.detail:
        summary = CLAIM_SUMMARY % {"name": deadline.product_name}
    else:
        words = {"name": deadline.product_name, "number": deadline.detail}
        summary = SUMMARIES[deadline.kind] % words
    event.add("summary", summary)
    if deadline.detail:
        # A warranty's type is stored as a code ("MANUFACTURER"): its label is shown.
        detail = deadline.detail
        if deadline.kind == DeadlineKind.WARRANTY:
            detail = warranty_type_label(detail)
        event.add("description", detail)
    event.add("categories", [str(CATEGORIES[deadline.kind])])
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    # A follow-up rings on its day only: there is nothing to prepare before it.
    for days in [0] if deadline.kind == DeadlineKind.CLAIM else thresholds:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", datetime.timedelta(days=-days, hours=ALARM_HOUR))
        event.add_component(alarm)
    return event


def feed_calendar(
    preferences: ReminderPreferences, *, today: datetime.date, language: str = ""
) -> bytes:
    """Return the iCalendar document of the deadlines PREFERENCES ask to be reminded of, in
    LANGUAGE (English when it is "").

    Every future deadline of the chosen kinds, and those of the last PAST_DAYS days; one query.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        return _feed_calendar(preferences, today=today)


def _feed_calendar(preferences: ReminderPreferences, *, today: datetime.date) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Spends Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translation.gettext("Spends Tracker deadlines"))
    calendar.add(
        "x-wr-caldesc", translation.gettext("Warranty ends, return deadlines and claim follow-ups")
    )
    # Ask clients to poll twice a day (RFC 7986 and the older Microsoft property).
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    if preferences.kinds:
        rows = deadline_queryset(
            start=today - datetime.timedelta(days=PAST_DAYS),
            kinds=preferences.kinds,
            today=today,
        )
        for row in rows:
            calendar.add_component(_event(Deadline.from_row(row), preferences.thresholds))
    return calendar.to_ical()
