from django.http import Http404, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from accounts.access import Access, may
from accounts.selectors import profile_language
from kernel import clock
from reminders.feed import feed_calendar
from reminders.models import ReminderPreferences

MAX_TOKEN_LENGTH = ReminderPreferences._meta.get_field("feed_token").max_length


@require_safe
def calendar_feed(request, token: str):
    """Serve a person's calendar feed; the secret token in the URL is the only credential.

    No session is needed (calendar apps have none). An unknown or revoked token, or the token
    of a deactivated account or of one without a role, answers 404 — the same answer, so the
    URL reveals nothing.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise Http404("No such calendar.")
    preferences = (
        ReminderPreferences.objects.select_related("user", "user__membership")
        .filter(feed_token=token, user__is_active=True)
        .first()
    )
    # A member whose role was taken away no longer reads the household's deadlines.
    if preferences is None or not may(preferences.user, Access.VIEWER):
        raise Http404("No such calendar.")
    # In the owner's language (their profile's), else the calendar app's (Accept-Language).
    language = profile_language(user=preferences.user) or translation.get_language() or ""
    response = HttpResponse(
        feed_calendar(preferences, today=clock.today(), language=language),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="spends-tracker-deadlines.ics"'
    response["Cache-Control"] = "private, no-cache"
    # The URL is a secret: keep it out of referrers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
