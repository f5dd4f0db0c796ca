import uuid

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent, Invitation, Profile


def api_token_list(*, user: AbstractBaseUser | None = None):
    """Return the tokens (of USER, if given), newest first, with their users."""
    tokens = ApiToken.objects.select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    return tokens


def api_token_get(*, id_or_prefix: str) -> ApiToken:
    """Return the token whose id or prefix is ID_OR_PREFIX.

    Raise ApiToken.DoesNotExist when none matches, and ApiToken.MultipleObjectsReturned when
    several tokens share that prefix (then only the id tells them apart).
    """
    tokens = ApiToken.objects.select_related("user")
    try:
        token_id = uuid.UUID(id_or_prefix)
    except ValueError:
        return tokens.get(prefix=id_or_prefix)
    return tokens.get(pk=token_id)


def member_list():
    """Every account with its role row (if any), active ones first, then by name."""
    return get_user_model().objects.select_related("membership").order_by("-is_active", "username")


def invitation_list_pending():
    """Invitations whose link still works: unused, not withdrawn, not expired; newest first."""
    return Invitation.objects.select_related("invited_by").filter(
        used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def two_factor_enabled(*, user: AbstractBaseUser) -> bool:
    """Say whether USER signs in with a second factor (an authenticator app's codes)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def audit_event_list(*, action: str | None = None, actor: str | None = None):
    """The audit trail, newest first, filtered by ACTION and by the actor's name ACTOR.

    An ACTION ending in "." is a prefix ("backup." is every backup action). The actor is
    matched on the name the event kept, so events of a deleted account are still found.
    """
    events = AuditEvent.objects.all()
    if action:
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if actor:
        events = events.filter(actor_name=actor)
    return events.order_by("-at", "-id")


def profile_language(*, user: AbstractBaseUser) -> str:
    """The language USER chose on the profile page, or "" for the browser's (docs/i18n.md §2)."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
