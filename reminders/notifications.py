"""Reminders through Apprise (https://github.com/caronc/apprise is its home; the package is on
PyPI): one library for ntfy, Gotify, Telegram, Discord, Slack, Matrix, Pushover, Home Assistant,
email and a hundred more services, each addressed by a URL such as `ntfys://ntfy.sh/my-topic`.

Every URL is checked when it is saved and again before each send: Apprise must know its scheme,
and a host the person typed must not be this server or a private network
(kernel/outbound.py). Errors never repeat what a service or a socket said, so they
cannot tell which internal ports answer.
"""

import logging

import apprise
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kernel.outbound import TargetRefused, target_check
from reminders.models import MAX_APPRISE_URLS

logger = logging.getLogger(__name__)


class NotificationFailed(Exception):
    pass


# The refusals of kernel.outbound, as whole sentences in the person's language (its own
# sentence is pieced together from the address's name).
def webhook_url_refused() -> str:
    return _(
        "The webhook URL points to this server or a private network, where this server does not "
        "send. (An operator can allow it with SPENDS_ALLOW_PRIVATE_TARGETS.)"
    )


def notification_url_refused(position: int) -> str:
    return _(
        "Notification URL %(position)s points to this server or a private network, where this "
        "server does not send. (An operator can allow it with SPENDS_ALLOW_PRIVATE_TARGETS.)"
    ) % {"position": position}


def _service(url: str):
    """Apprise's object for URL, or None when Apprise does not know the URL."""
    return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def _typed_host(service) -> str | None:
    """The host name the person typed into the URL, if the service has one.

    Self-hosted services (ntfy, Gotify, json://, Matrix…) carry a real host; cloud services keep
    a token in that place (Telegram's bot token, a Discord webhook id) and always talk to their
    own public servers. A host is taken to be one when it looks like one: a dotted name, an IP
    address, or localhost.
    """
    host = (getattr(service, "host", None) or "").strip()
    if host == "localhost" or "." in host or ":" in host:
        return host
    return None


def apprise_urls_clean(value) -> list[str]:
    """Return VALUE (a list of Apprise URLs; None or empty: none) checked, without duplicates;
    raise ValidationError saying which one is wrong and why."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        raise ValidationError(_("Notification URLs are a list of texts."))
    urls = list(dict.fromkeys(url.strip() for url in value if url.strip()))
    if len(urls) > MAX_APPRISE_URLS:
        raise ValidationError(
            _("At most %(count)s notification URLs.") % {"count": MAX_APPRISE_URLS}
        )
    for position, url in enumerate(urls, start=1):
        service = _service(url)
        if service is None:
            raise ValidationError(
                _(
                    "Notification URL %(position)s is not one Apprise knows "
                    "(for example ntfys://ntfy.sh/my-topic or tgram://bot-token/chat-id)."
                )
                % {"position": position}
            )
        try:
            target_check(_typed_host(service), what=f"Notification URL {position}")
        except TargetRefused:
            raise ValidationError(notification_url_refused(position)) from None
    return urls


def apprise_notify(urls: list[str], *, title: str, body: str) -> None:
    """Send TITLE and BODY to every URL; raise NotificationFailed unless all accepted it."""
    notifier = apprise.Apprise()
    for position, url in enumerate(urls, start=1):
        service = _service(url)
        if service is None:
            raise NotificationFailed(
                _("Notification URL %(position)s is not one Apprise knows.")
                % {"position": position}
            )
        try:
            target_check(_typed_host(service), what=f"Notification URL {position}")
        except TargetRefused:
            raise NotificationFailed(notification_url_refused(position)) from None
        notifier.add(service)
    if not notifier.notify(title=title, body=body):
        # Apprise logs what the service answered; the person is told only that it failed.
        raise NotificationFailed(
            _("A notification service did not accept the reminder; check its URL and try again.")
        )
