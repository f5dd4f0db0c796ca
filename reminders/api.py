"""Deadlines, and the current person's reminder preferences, test reminder and calendar feed.

Preferences belong to the person calling (session or personal token); with the API open to
everyone (SPENDS_API_OPEN) there is no person, and these routes answer 403.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from kernel import clock
from kernel.schemas import COMMON_ERRORS, Page, fields_sent, paginate
from reminders import channels, services
from reminders.schemas import (
    DeadlineFilters,
    DeadlineOut,
    FeedOut,
    ReminderPreferencesIn,
    ReminderPreferencesOut,
    TestReminderOut,
)
from reminders.selectors import (
    Deadline,
    deadline_queryset,
    reminder_deliveries_open,
    reminder_preferences_get,
)

router = Router(tags=["Reminders"])


def _person(request):
    if not request.user.is_authenticated:
        raise HttpError(
            403, _("Reminders belong to a person: sign in, or call with a personal API token.")
        )
    return request.user


def _feed_url(request, preferences) -> str | None:
    if not preferences.feed_token:
        return None
    return request.build_absolute_uri(
        reverse("reminders:feed", kwargs={"token": preferences.feed_token})
    )


def _preferences_out(request, preferences) -> dict:
    return {
        "thresholds": preferences.thresholds,
        "kinds": preferences.kinds,
        "email_enabled": preferences.email_enabled,
        "email": preferences.email,
        "recipient": preferences.recipient,
        "email_available": channels.email_available(),
        "webhook_url": preferences.webhook_url,
        "apprise_urls": preferences.apprise_urls,
        "channels": channels.reminder_channels(preferences),
        "feed_url": _feed_url(request, preferences),
        "failing_deliveries": [
            {
                "id": delivery.id,
                "channel": delivery.channel,
                "status": delivery.status,
                "day": delivery.digest.day,
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
                "last_attempt_at": delivery.last_attempt_at,
            }
            for delivery in reminder_deliveries_open(preferences.user)
        ],
    }


@router.get("/deadlines", response={200: Page[DeadlineOut], **COMMON_ERRORS})
def list_deadlines(request, filters: Query[DeadlineFilters]):
    """Upcoming deadlines (non-voided warranty ends, return deadlines), soonest first."""
    today = clock.today()
    page = paginate(
        deadline_queryset(
            start=today,
            end=today + datetime.timedelta(days=filters.days),
            kinds=[filters.kind] if filters.kind else None,
            today=today,
        ),
        skip=filters.skip,
        limit=filters.limit,
    )
    deadlines = [Deadline.from_row(row) for row in page["items"]]
    page["items"] = [
        {
            "kind": deadline.kind,
            "source_id": deadline.source_id,
            "purchase_id": deadline.purchase_id,
            "product_name": deadline.product_name,
            "due_date": deadline.due_date,
            "days_left": deadline.days_left(today),
            "detail": deadline.detail,
        }
        for deadline in deadlines
    ]
    return page


@router.get("/reminders/preferences", response={200: ReminderPreferencesOut, **COMMON_ERRORS})
def get_reminder_preferences(request):
    """The calling person's reminder preferences (defaults until first changed)."""
    return _preferences_out(request, reminder_preferences_get(_person(request)))


@router.put("/reminders/preferences", response={200: ReminderPreferencesOut, **COMMON_ERRORS})
def update_reminder_preferences(request, payload: ReminderPreferencesIn):
    """Change the preferences sent; absent keys stay as they are."""
    changes = fields_sent(payload, not_null={"thresholds", "kinds", "email_enabled"})
    preferences = services.reminder_preferences_update(user=_person(request), **changes)
    return _preferences_out(request, preferences)


@router.post("/reminders/test", response={200: TestReminderOut, **COMMON_ERRORS})
def send_test_reminder(request):
    """Send a test reminder through each channel now and say how each went (nothing recorded).

    400 when no channel reaches the person.
    """
    try:
        results = services.reminder_send_test(user=_person(request))
    except channels.ReminderError as error:
        raise HttpError(400, str(error)) from None
    return {"results": results}


@router.get("/reminders/feed", response={200: FeedOut, **COMMON_ERRORS})
def get_feed(request):
    """The secret calendar feed URL, or null when there is none."""
    return {"feed_url": _feed_url(request, reminder_preferences_get(_person(request)))}


@router.post("/reminders/feed", response={200: FeedOut, **COMMON_ERRORS})
def regenerate_feed(request):
    """Make a new secret feed URL; the previous one stops working."""
    return {
        "feed_url": _feed_url(request, services.reminder_feed_regenerate(user=_person(request)))
    }


@router.delete("/reminders/feed", response={200: FeedOut, **COMMON_ERRORS})
def revoke_feed(request):
    """Switch the calendar feed off: its URL answers 404 from now on."""
    return {"feed_url": _feed_url(request, services.reminder_feed_revoke(user=_person(request)))}
