"""How a reminder reaches a person: the channels that can reach them now, and sending a message
through one (email, a webhook, Apprise). What is sent is written by `reminders.digests`; when, by
`reminders.services`."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from kernel.outbound import TargetRefused, target_check
from reminders.models import Channel, ReminderPreferences
from reminders.notifications import NotificationFailed, apprise_notify, webhook_url_refused

WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_SCHEMES = ("http", "https")


class ReminderError(Exception):
    """A reminder cannot be sent as asked; the message says why, in one sentence."""


def email_available() -> bool:
    """Return whether this install can send email (EMAIL_URL is set, or debug's console)."""
    return settings.SPENDS_EMAIL_CONFIGURED


def reminder_channels(preferences: ReminderPreferences) -> list[str]:
    """Return the channels that can reach the owner of PREFERENCES now."""
    channels = []
    if preferences.email_enabled and preferences.recipient and email_available():
        channels.append(Channel.EMAIL)
    if preferences.webhook_url:
        channels.append(Channel.WEBHOOK)
    if preferences.apprise_urls:
        channels.append(Channel.APPRISE)
    return channels


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST turns into a GET without the body, and its 200 would hide the loss.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_webhook_opener = urllib.request.build_opener(_RefuseRedirects)


def _post_webhook(url: str, payload: dict) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in WEBHOOK_SCHEMES:
        raise ReminderError(_("The webhook URL must be an http:// or https:// address."))
    try:
        target_check(parts.hostname, what="The webhook URL")
    except TargetRefused:
        raise ReminderError(webhook_url_refused()) from None
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Spends Tracker reminders"},
    )
    try:
        with _webhook_opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        answer = {"code": error.code, "reason": error.reason}
        raise ReminderError(_("The webhook answered HTTP %(code)s %(reason)s.") % answer) from None
    except (urllib.error.URLError, OSError):
        # Not the socket's reason: "refused" or "timed out" would map which ports answer.
        raise ReminderError(_("The webhook could not be reached.")) from None


def _send_email(address: str, subject: str, text: str) -> None:
    if not email_available():
        raise ReminderError(_("Email is not configured on this server (EMAIL_URL)."))
    try:
        EmailMessage(subject, text, to=[address]).send(fail_silently=False)
    except OSError as error:  # smtplib's errors are OSErrors, and so are refused connections
        raise ReminderError(
            _("The email could not be sent: %(error)s.") % {"error": error}
        ) from None


def channel_send(channel: str, preferences: ReminderPreferences, subject, text, payload) -> None:
    """Send the message through CHANNEL to the owner of PREFERENCES; raise ReminderError."""
    if channel == Channel.EMAIL:
        _send_email(preferences.recipient, subject, text)
    elif channel == Channel.APPRISE:
        try:
            apprise_notify(preferences.apprise_urls, title=subject, body=text)
        except NotificationFailed as error:
            raise ReminderError(str(error)) from None
    else:
        _post_webhook(preferences.webhook_url, payload)
