"""Reminder preferences per person, and the record of every reminder sent.

Purchases and warranties belong to the household; how and when a person is reminded of their
deadlines is personal (`ReminderPreferences`, one row per user, defaults when there is none).

Sending works like an outbox (see `reminders.services`): one transaction writes the day's
`ReminderDigest`, one `ReminderSent` row per (deadline, threshold) it covers, and one pending
`ReminderDelivery` per channel; the deliveries are sent after that commit and marked sent after
they went out. The unique constraints make each threshold of each deadline claimable once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kernel.models import TimeStampedModel

DEFAULT_THRESHOLDS = [30, 7, 1]
MAX_THRESHOLD_DAYS = 365
MAX_THRESHOLDS = 10
MAX_APPRISE_URLS = 10


class DeadlineKind(models.TextChoices):
    WARRANTY = "warranty", "Warranty ends"
    RETURN = "return", "Return deadline"
    # An open warranty claim's follow-up day (docs/claims.md §5): reminded on the day, not before.
    CLAIM = "claim", "Claim follow-up"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"
    APPRISE = "apprise", "Apprise"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will be retried)"
    ABANDONED = "abandoned", "Given up"
    CANCELLED = "cancelled", "Cancelled (channel switched off)"


# Deliveries still to be sent: new, or failed and to be retried.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def default_thresholds() -> list[int]:
    return list(DEFAULT_THRESHOLDS)


def default_kinds() -> list[str]:
    return list(DeadlineKind.values)


class ReminderPreferences(TimeStampedModel):
    """How one person wants to be reminded of the household's deadlines.

    `thresholds` and `kinds` are JSON lists (portable across SQLite and PostgreSQL), checked by
    `reminders.services.reminder_preferences_update`. The calendar feed token is stored as it
    is, not hashed, because the profile page shows the feed URL again and again; it grants
    read-only access to deadlines that anyone who could read this table could read anyway.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    thresholds = models.JSONField(
        default=default_thresholds, help_text="Days before a deadline, e.g. [30, 7, 1]."
    )
    kinds = models.JSONField(
        default=default_kinds,
        help_text='Deadlines to remind of: "warranty", "return", "claim" (follow-ups).',
    )
    email_enabled = models.BooleanField("email reminders", default=True)
    email = models.EmailField(
        null=True, blank=True, help_text="Where reminders go; empty: the account's address."
    )
    webhook_url = models.CharField(
        "webhook URL",
        max_length=500,
        null=True,
        blank=True,
        help_text="Receives each digest as a JSON POST (e.g. an ntfy topic).",
    )
    apprise_urls = models.JSONField(
        "notification URLs",
        default=list,
        blank=True,
        help_text="Apprise URLs (ntfy, Gotify, Telegram, Discord, Matrix, …) that get each digest.",
    )
    feed_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "reminder preferences"
        verbose_name_plural = "reminder preferences"

    def __str__(self):
        return f"Reminders of {self.user}"

    @property
    def recipient(self) -> str | None:
        """Return the address email reminders go to, or None."""
        return self.email or self.user.email or None


class ReminderDigest(TimeStampedModel):
    """The one message a person gets on one day, listing the deadlines that reached a threshold.

    `entries` is a snapshot (product name, kind, date, thresholds passed), so a retried delivery
    says what the first attempt would have said.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    entries = models.JSONField(default=list)

    class Meta:
        ordering = ["-day", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="reminders_one_digest_per_day"),
        ]

    def __str__(self):
        return f"Reminders of {self.day:%Y-%m-%d} for {self.user}"


class ReminderSent(models.Model):
    """One threshold of one deadline, claimed for one person by the digest that reminds of it.

    Not a foreign key to the warranty or purchase: deleting those (or restoring a backup) must not
    cascade here, and a restored record keeps its id, so its reminders are not sent again. The
    deadline's date is part of the key: a moved deadline is a new one and is reminded of again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=DeadlineKind.choices)
    source_id = models.UUIDField(help_text="The warranty (or, for a return, the purchase).")
    deadline = models.DateField()
    threshold = models.PositiveSmallIntegerField()
    digest = models.ForeignKey(ReminderDigest, on_delete=models.CASCADE, related_name="sent")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "source_id", "deadline", "threshold"],
                name="reminders_once_per_deadline_threshold",
            ),
        ]
        indexes = [models.Index(fields=["deadline"], name="reminder_sent_deadline_idx")]

    def __str__(self):
        return f"{self.kind} {self.source_id} on {self.deadline}, {self.threshold} days before"


class ReminderDelivery(TimeStampedModel):
    """One digest through one channel: pending until it went out, retried while it fails.

    `claimed_until` is a lease: a run takes a delivery by moving it into the future with a
    conditional UPDATE, so two runs never send the same delivery at once; a run that dies while
    sending leaves the lease to expire, and a later run sends again (a duplicate, never a miss).
    """

    digest = models.ForeignKey(ReminderDigest, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        ordering = ["created_at", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "channel"], name="reminders_one_delivery_per_channel"
            ),
        ]
        indexes = [
            # The runs read what is still to be sent; sent rows are the bulk and are skipped.
            models.Index(
                fields=["status", "created_at"],
                name="reminder_delivery_open_idx",
                condition=Q(status__in=["pending", "failed"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} of {self.digest}: {self.get_status_display()}"
