"""Reminder preferences, the calendar feed's token, and sending reminders.

Planning and recording the day's digests live in `reminders.planning`, what a digest says in
`reminders.digests`, and how it reaches a person in `reminders.channels`; this module holds the
services that the front doors call.

How a reminder goes out once (the command `reminders_send`, run daily from cron):

1. **Plan.** For every active person, the deadlines of the kinds they chose from today to today +
   their largest threshold (one query for everyone: `selectors.deadline_queryset`), and for each
   deadline the thresholds it has reached (days left <= threshold) that have no `ReminderSent`
   row yet. A deadline that reached several (the command did not run for a while, or the
   deadline was entered late) is **one** entry of the digest, and every one of those thresholds
   is recorded. Deadlines already past are not reminded of.
2. **Record.** One transaction per person writes the day's `ReminderDigest` (unique per person
   and day), the `ReminderSent` rows (unique per person, deadline and threshold) and one pending
   `ReminderDelivery` per channel. When another run got there first, a unique constraint fails,
   the transaction rolls back, and this run leaves that person alone.
3. **Deliver.** Every open delivery (pending, or failed on an earlier run) is claimed with a
   lease (a conditional UPDATE, so two runs never send it at once), sent, then marked sent; a
   failure is recorded with its error and retried by the next run for RETRY_DAYS, then given up.
   Failures and give-ups are counted in the command's summary, and the command exits non-zero.

Which side errs: the claim is committed before sending and the "sent" mark is written after,
because an SMTP server or a webhook cannot share our transaction. A crash between the two
sends that delivery again once its lease expires — a duplicate, never a miss. A crash before
the send leaves a pending delivery that the next run sends.

A person gets at most one digest a day: a deadline that reaches a threshold after today's
digest was written waits for tomorrow's.
"""

import dataclasses
import datetime
import secrets
import urllib.parse
from collections import Counter
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.selectors import profile_language
from kernel import clock
from kernel.outbound import TargetRefused, target_check
from reminders.channels import (
    WEBHOOK_SCHEMES,
    ReminderError,
    channel_send,
    email_available,
    reminder_channels,
)
from reminders.digests import digest_entry, digest_message
from reminders.models import (
    MAX_THRESHOLD_DAYS,
    MAX_THRESHOLDS,
    OPEN_STATUSES,
    Channel,
    DeadlineKind,
    DeliveryStatus,
    ReminderDelivery,
    ReminderPreferences,
)
from reminders.notifications import apprise_urls_clean, webhook_url_refused
from reminders.planning import PlannedDigest, reminder_digest_record, reminder_plan
from reminders.selectors import Deadline, deadline_queryset, reminder_preferences_get

# Longer than the slowest send (SMTP and webhook time-outs): a lease still running means that
# some run is sending this delivery right now.
LEASE = datetime.timedelta(minutes=10)
# A failing delivery is retried by every run for this long; its deadlines are stale after that.
RETRY_DAYS = 7


# --- Preferences ---------------------------------------------------------------------------------


def _clean_thresholds(value) -> list[int]:
    if not isinstance(value, list) or not value:
        raise ValidationError(gettext("Choose at least one threshold (days before a deadline)."))
    if len(value) > MAX_THRESHOLDS:
        raise ValidationError(
            gettext("Choose at most %(count)s thresholds.") % {"count": MAX_THRESHOLDS}
        )
    for days in value:
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValidationError(gettext("Each threshold is a whole number of days."))
        if not 0 <= days <= MAX_THRESHOLD_DAYS:
            raise ValidationError(
                gettext("Each threshold is between 0 and %(days)s days.")
                % {"days": MAX_THRESHOLD_DAYS}
            )
    if len(set(value)) != len(value):
        raise ValidationError(gettext("Each threshold may be given once."))
    return sorted(value, reverse=True)


def _clean_kinds(value) -> list[str]:
    if not isinstance(value, list) or any(kind not in DeadlineKind.values for kind in value):
        kinds = ", ".join(DeadlineKind.values)
        raise ValidationError(gettext("Kinds are chosen from %(kinds)s.") % {"kinds": kinds})
    if len(set(value)) != len(value):
        raise ValidationError(gettext("Each kind may be given once."))
    return [kind for kind in DeadlineKind.values if kind in value]


def _clean_email(value) -> str | None:
    value = (value or "").strip()
    if value:
        validate_email(value)
    return value or None


def _clean_webhook_url(value) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in WEBHOOK_SCHEMES or not parts.hostname or any(c.isspace() for c in value):
        raise ValidationError(gettext("The webhook URL must be an http:// or https:// address."))
    if len(value) > ReminderPreferences._meta.get_field("webhook_url").max_length:
        raise ValidationError(gettext("The webhook URL is too long."))
    try:
        target_check(parts.hostname, what="The webhook URL")
    except TargetRefused:
        raise ValidationError(webhook_url_refused()) from None
    return value


_CLEANERS = {
    "thresholds": _clean_thresholds,
    "kinds": _clean_kinds,
    "email": _clean_email,
    "webhook_url": _clean_webhook_url,
    "apprise_urls": apprise_urls_clean,
    "email_enabled": bool,
}


def reminder_preferences_clean(changes: dict) -> dict:
    """Return CHANGES to reminder preferences checked and normalised (unknown keys left out);
    raise ValidationError naming each bad field. The API and the admin both check through here:
    a bad value stored by either would stop the daily send for everybody."""
    cleaned, errors = {}, {}
    for field, value in changes.items():
        if field not in _CLEANERS:
            continue
        try:
            cleaned[field] = _CLEANERS[field](value)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def reminder_preferences_update(*, user: AbstractBaseUser, **changes) -> ReminderPreferences:
    """Change USER's reminder preferences given in CHANGES; absent keys stay as they are.

    Keys: `thresholds` (1 to 10 distinct whole days from 0 to 365), `kinds` (a subset of
    "warranty" and "return"; empty: no reminders), `email_enabled`, `email` (empty or None: the
    account's address), `webhook_url` (http or https; empty or None: none), `apprise_urls`
    (Apprise URLs; empty or None: none). Public targets only, unless the operator allows
    private ones (kernel/outbound.py). Raise
    ValidationError naming each bad field; nothing is changed then.
    """
    cleaned = reminder_preferences_clean(changes)
    preferences, _ = ReminderPreferences.objects.select_for_update().get_or_create(user=user)
    for field, value in cleaned.items():
        setattr(preferences, field, value)
    preferences.save()
    return preferences


@transaction.atomic
def reminder_feed_regenerate(*, user: AbstractBaseUser) -> ReminderPreferences:
    """Give USER's calendar feed a new secret token; the previous feed URL stops working."""
    preferences, _ = ReminderPreferences.objects.select_for_update().get_or_create(user=user)
    # 32 random bytes: the token is the feed's only credential.
    preferences.feed_token = secrets.token_urlsafe(32)
    preferences.save(update_fields=["feed_token"])
    return preferences


@transaction.atomic
def reminder_feed_revoke(*, user: AbstractBaseUser) -> ReminderPreferences:
    """Switch USER's calendar feed off: its URL answers 404 until a new one is made."""
    preferences, _ = ReminderPreferences.objects.select_for_update().get_or_create(user=user)
    preferences.feed_token = None
    preferences.save(update_fields=["feed_token"])
    return preferences


# --- A test reminder ---------------------------------------------------------------------------


def reminder_send_test(*, user: AbstractBaseUser) -> list[dict]:
    """Send USER a test reminder through each of their channels now; record nothing.

    It lists the deadlines their preferences would remind of within their largest threshold (at
    most ten). Return one `{channel, ok, error}` per channel; raise ReminderError when USER has
    no channel at all.
    """
    preferences = reminder_preferences_get(user)
    channels = reminder_channels(preferences)
    if not channels:
        if email_available():
            message = gettext(
                "No way to reach you: switch email reminders on with an address, or set a "
                "webhook or notification URL."
            )
        else:
            message = gettext(
                "No way to reach you: switch email reminders on with an address (and configure "
                "EMAIL_URL on the server), or set a webhook or notification URL."
            )
        raise ReminderError(message)
    today = clock.today()
    deadlines = deadline_queryset(
        start=today,
        end=today + datetime.timedelta(days=max(preferences.thresholds)),
        kinds=preferences.kinds,
        today=today,
    )[:10]
    entries = [digest_entry(Deadline.from_row(row), []) for row in deadlines]
    # The person asking reads it in the page's language, unless their profile names one.
    language = profile_language(user=user) or translation.get_language() or ""
    subject, text, payload = digest_message(entries, today=today, test=True, language=language)
    results = []
    for channel in channels:
        try:
            channel_send(channel, preferences, subject, text, payload)
        except ReminderError as error:
            results.append({"channel": channel, "ok": False, "error": str(error)})
        else:
            results.append({"channel": channel, "ok": True, "error": None})
    return results


# --- Delivery -----------------------------------------------------------------------------------


def _claim(delivery: ReminderDelivery, now: datetime.datetime) -> bool:
    """Take DELIVERY for this run until now + LEASE; False when it is taken or done."""
    return bool(
        ReminderDelivery.objects.filter(pk=delivery.pk, status__in=OPEN_STATUSES)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )


def _delivery_mark(delivery: ReminderDelivery, status: str, error: str | None = None) -> None:
    """Record an attempt's outcome (a cancellation is no attempt) and release the claim."""
    now = timezone.now()
    sent = {"sent_at": now} if status == DeliveryStatus.SENT else {}
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + int(status in (DeliveryStatus.SENT, DeliveryStatus.FAILED)),
        last_error=error,
        last_attempt_at=now,
        claimed_until=None,
        updated_at=now,
        **sent,
    )


def _delivery_mark_sent(delivery: ReminderDelivery) -> None:
    _delivery_mark(delivery, DeliveryStatus.SENT)


def reminder_delivery_send(delivery: ReminderDelivery, *, today: datetime.date) -> str:
    """Send DELIVERY through its channel now; return its new status, or "busy".

    "busy": another run holds it. The person's current preferences decide where it goes, so a
    corrected address or webhook URL is used by the retry; a channel switched off since
    cancels it.
    """
    if not _claim(delivery, timezone.now()):
        return "busy"
    preferences = reminder_preferences_get(delivery.digest.user)
    if delivery.channel == Channel.EMAIL and not (
        preferences.email_enabled and preferences.recipient
    ):
        _delivery_mark(delivery, DeliveryStatus.CANCELLED, "Email reminders were switched off.")
        return DeliveryStatus.CANCELLED
    if delivery.channel == Channel.WEBHOOK and not preferences.webhook_url:
        _delivery_mark(delivery, DeliveryStatus.CANCELLED, "The webhook URL was removed.")
        return DeliveryStatus.CANCELLED
    if delivery.channel == Channel.APPRISE and not preferences.apprise_urls:
        _delivery_mark(delivery, DeliveryStatus.CANCELLED, "The notification URLs were removed.")
        return DeliveryStatus.CANCELLED
    subject, text, payload = digest_message(
        delivery.digest.entries, today=today, language=profile_language(user=delivery.digest.user)
    )
    try:
        channel_send(delivery.channel, preferences, subject, text, payload)
    except Exception as error:  # any failure is recorded and retried, never lost
        message = str(error) if isinstance(error, ReminderError) else repr(error)
        _delivery_mark(delivery, DeliveryStatus.FAILED, message)
        delivery.last_error = message
        return DeliveryStatus.FAILED
    _delivery_mark_sent(delivery)
    return DeliveryStatus.SENT


@dataclasses.dataclass
class ReminderRunReport:
    today: datetime.date
    dry_run: bool = False
    digests: list[PlannedDigest] = dataclasses.field(default_factory=list)
    unreachable: list[PlannedDigest] = dataclasses.field(default_factory=list)
    already_today: int = 0
    taken_by_other_run: int = 0
    sent: Counter = dataclasses.field(default_factory=Counter)
    failed: list[ReminderDelivery] = dataclasses.field(default_factory=list)
    cancelled: int = 0
    retried: int = 0  # deliveries of earlier digests tried again
    abandoned: int = 0
    to_retry: list[ReminderDelivery] = dataclasses.field(default_factory=list)  # dry run


Progress = Callable[[str, int, int | None], None]


def reminders_send(
    *,
    today: datetime.date | None = None,
    dry_run: bool = False,
    retry: bool = True,
    progress: Progress | None = None,
) -> ReminderRunReport:
    """Record and send today's reminder digests, and retry the deliveries that failed before.

    With DRY_RUN, write and send nothing: the report says what would be sent and retried.
    Without RETRY, only deliveries never tried are sent (the scheduler's minute runs; failed
    ones wait for a run with RETRY).
    """
    today = today or clock.today()
    progress = progress or (lambda stage, done, total: None)
    plan = reminder_plan(today=today)
    report = ReminderRunReport(
        today=today,
        dry_run=dry_run,
        unreachable=plan.unreachable,
        already_today=plan.already_today,
    )
    cutoff = timezone.now() - datetime.timedelta(days=RETRY_DAYS)
    open_deliveries = ReminderDelivery.objects.filter(status__in=OPEN_STATUSES)
    if dry_run:
        report.digests = plan.digests
        report.to_retry = list(
            open_deliveries.filter(created_at__gte=cutoff).select_related("digest__user")
        )
        return report

    for done, planned in enumerate(plan.digests, start=1):
        if reminder_digest_record(planned, today=today) is None:
            report.taken_by_other_run += 1
        else:
            report.digests.append(planned)
        progress("Recording reminders", done, len(plan.digests))

    report.abandoned = open_deliveries.filter(created_at__lt=cutoff).update(
        status=DeliveryStatus.ABANDONED, claimed_until=None, updated_at=timezone.now()
    )
    due = open_deliveries.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now())
    )
    if not retry:
        due = due.filter(attempts=0)
    due = list(due.select_related("digest__user").order_by("created_at", "channel"))
    for done, delivery in enumerate(due, start=1):
        if delivery.digest.day != today:
            report.retried += 1
        status = reminder_delivery_send(delivery, today=today)
        if status == DeliveryStatus.SENT:
            report.sent[delivery.channel] += 1
        elif status == DeliveryStatus.FAILED:
            report.failed.append(delivery)
        elif status == DeliveryStatus.CANCELLED:
            report.cancelled += 1
        progress("Sending reminders", done, len(due))
    return report
