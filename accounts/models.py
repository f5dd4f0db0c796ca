from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trim

from spends_tracker.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    """A personal API token: lets a script call the API as its owner.

    Only the SHA-256 of the raw token is stored; the raw token is shown once, when it is created
    (`accounts.services.api_token_create`). A fast hash is enough because tokens are long random
    strings: there is no dictionary to try, unlike passwords.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text='What the token is for, e.g. "backup script".'
    )
    prefix = models.CharField(
        max_length=16, editable=False, help_text="The first characters of the token."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(name=Trim("name")) & ~Q(name=""),
                name="%(app_label)s_%(class)s_name_trimmed",
                violation_error_message="The name must not be empty or start or end with spaces.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
