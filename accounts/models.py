from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from kernel.models import TimeStampedModel


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


class Role(models.TextChoices):
    """What a member of the household may do (docs/access.md has the whole table).

    Ordered from least to most: every role may do what the ones before it may.
    """

    VIEWER = "viewer", pgettext_lazy("role", "Viewer")
    EDITOR = "editor", pgettext_lazy("role", "Editor")
    OWNER = "owner", pgettext_lazy("role", "Owner")

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Membership(TimeStampedModel):
    """An account's role in the household. An account without one sees nothing.

    A superuser is an owner whether or not it has a row here (`accounts.access.role_of`), so the
    first administrator can never lock itself out.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class Invitation(TimeStampedModel):
    """A one-time link that makes a new account with ROLE; it expires and works once.

    Like API tokens, only the SHA-256 of the link's secret is stored.
    """

    email = models.EmailField(blank=True, help_text="Where the link was sent, if it was e-mailed.")
    role = models.CharField(max_length=16, choices=Role.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation as {self.get_role_display()}" + (
            f" for {self.email}" if self.email else ""
        )


class AuditEvent(models.Model):
    """One household-level action: who did what, to what, and when.

    `actor_name` keeps the name at the time, so the trail still reads once the account is gone;
    actions from the command line or the scheduler have no actor and say so in `actor_name`.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}".strip()


class Profile(TimeStampedModel):
    """What one person chooses for themselves alone, whatever the household's settings.

    Made when the person first changes something (`accounts.services.profile_language_set`); no
    row means every default. The language is one of settings.LANGUAGES, or "" for the browser's
    (docs/i18n.md §2). It is kept in the session at sign-in, so pages do not read it on every
    request (`accounts.middleware.PersonLocaleMiddleware`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=8, blank=True, default="")

    def __str__(self):
        return f"{self.user}'s profile"
