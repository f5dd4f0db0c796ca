import datetime
import uuid
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from kernel.schemas import BodySchema, PageQuery, Schema, optional_text
from reminders.models import MAX_APPRISE_URLS, MAX_THRESHOLD_DAYS, MAX_THRESHOLDS

KindName = Literal["warranty", "return", "claim"]
# Strict: a threshold is a JSON number of whole days, not "7" or true.
ThresholdDays = Annotated[int, Field(strict=True, ge=0, le=MAX_THRESHOLD_DAYS)]


class DeliveryOut(Schema):
    id: uuid.UUID
    channel: str
    status: str
    day: datetime.date = Field(description="The day of the digest being delivered.")
    attempts: int
    last_error: str | None
    last_attempt_at: datetime.datetime | None


class ReminderPreferencesOut(Schema):
    thresholds: list[int] = Field(description="Days before a deadline, largest first.")
    kinds: list[KindName]
    email_enabled: bool
    email: str | None = Field(description="The address set here; null: the account's.")
    recipient: str | None = Field(description="Where email reminders go.")
    email_available: bool = Field(description="Whether the server is configured to send email.")
    webhook_url: str | None
    apprise_urls: list[str] = Field(description="Apprise notification URLs that get each digest.")
    channels: list[str] = Field(description="The channels that reach this person now.")
    feed_url: str | None = Field(description="The secret calendar feed URL; null: none.")
    failing_deliveries: list[DeliveryOut] = Field(
        description="Reminders not delivered yet (pending or failed; retried on the next run)."
    )


class ReminderPreferencesIn(BodySchema):
    """Partial: absent keys are unchanged. null: unchanged for thresholds, kinds and
    email_enabled; cleared for email and webhook_url ("" too)."""

    thresholds: (
        Annotated[list[ThresholdDays], Field(min_length=1, max_length=MAX_THRESHOLDS)] | None
    ) = Field(None, description="1 to 10 distinct whole days from 0 to 365, e.g. [30, 7, 1].")
    kinds: list[KindName] | None = Field(None, description="Empty: no reminders.")
    # Strict: 0 or "yes" is not what the schema says, and is refused (422).
    email_enabled: StrictBool | None = None
    email: optional_text(254) = None
    webhook_url: optional_text(500) = None
    apprise_urls: (
        Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=MAX_APPRISE_URLS)]
        | None
    ) = Field(None, description="Apprise URLs, e.g. ntfys://ntfy.sh/topic; [] or null: none.")


class TestResultOut(Schema):
    channel: str
    ok: bool
    error: str | None


class TestReminderOut(Schema):
    results: list[TestResultOut]


class FeedOut(Schema):
    feed_url: str | None


class DeadlineOut(Schema):
    kind: KindName
    source_id: uuid.UUID = Field(description="The warranty's id, or the purchase's for a return.")
    purchase_id: uuid.UUID
    product_name: str
    due_date: datetime.date
    days_left: int
    detail: str | None = Field(description="The warranty type, or the return policy.")


class DeadlineFilters(PageQuery):
    days: int = Field(30, ge=0, le=3660, description="From today to today + days (inclusive).")
    kind: KindName | None = Field(None, description="Only this kind of deadline.")
