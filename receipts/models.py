"""What was read from receipts, and the purchases waiting to be confirmed (docs/receipts.md).

A **reading** belongs to a stored file (a blob: the same receipt attached twice is read once):
its text, line by line, and the fields found in it with their confidence. A **draft** is a
receipt given to the application without a purchase (dropped on "Add from receipt", or a
forwarded order e-mail): it holds its file until a person confirms the purchase it suggests, or
dismisses it (the draft and its file go). Nothing becomes a purchase without that confirmation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.models import AuthoredModel, TimeStampedModel


class ReadingStatus(models.TextChoices):
    PENDING = "pending", _("Being read")
    DONE = "done", pgettext_lazy("receipt", "Read")
    FAILED = "failed", _("Could not be read")
    UNSUPPORTED = "unsupported", _("Not a kind of file that is read")


class ReceiptReading(TimeStampedModel):
    """The text of one stored file and the purchase's fields read from it."""

    blob = models.OneToOneField("purchases.Blob", on_delete=models.CASCADE, related_name="reading")
    status = models.CharField(max_length=16, choices=ReadingStatus, default=ReadingStatus.PENDING)
    # How the text was had: "pdf-text", "ocr", "html", "email"… (receipts.extraction).
    method = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    # ExtractedFields as JSON (receipts.readings.fields_as_json): value, confidence, line.
    fields = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    seconds = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)

    def __str__(self) -> str:
        return f"Reading of {self.blob_id} ({self.status})"


class DraftStatus(models.TextChoices):
    """A dismissed draft is deleted with its file: only these two are kept."""

    WAITING = "waiting", _("Waiting for review")
    CONFIRMED = "confirmed", pgettext_lazy("receipt", "Confirmed")


class DraftSource(models.TextChoices):
    UPLOAD = "upload", _("Added from a receipt")
    EMAIL = "email", _("Forwarded by e-mail")


class Draft(AuthoredModel, TimeStampedModel):
    """A receipt waiting to become a purchase once someone confirms what was read from it."""

    # Held (counted as one of its holders) while the draft waits; a confirmed draft's file is the
    # purchase's receipt from then on, and may go with it.
    blob = models.ForeignKey(
        "purchases.Blob", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    source = models.CharField(max_length=16, choices=DraftSource, default=DraftSource.UPLOAD)
    # A forwarded e-mail's Message-ID (or the mailbox's id of it): each becomes one draft, once.
    message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=DraftStatus, default=DraftStatus.WAITING)
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="receipt_draft_status_idx")]

    def __str__(self) -> str:
        return self.filename
