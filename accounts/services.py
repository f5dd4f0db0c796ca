import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent

TOKEN_START = "st_"
# 10 characters: "st_" and 7 random ones, enough to tell a person's tokens apart at a glance.
PREFIX_LENGTH = 10
# A generated token is 46 characters; anything much longer is not worth hashing.
MAX_TOKEN_LENGTH = 128
# last_used_at is for people ("used today?"), so a burst of requests writes it once, not per call.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, name: str, actor: AbstractBaseUser | None = None
) -> tuple[ApiToken, str]:
    """Create a token called NAME for USER; return it with the raw token.

    The raw token is returned only here and never stored: show it to the person once. Raise
    ValueError when the name is empty or too long. ACTOR (who asked; None: the command line) is
    written to the audit trail.
    """
    name = name.strip()
    if not name:
        raise ValueError('The token needs a name, for example "backup script".')
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValueError(f"The token name must be at most {max_length} characters long.")
    raw = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:PREFIX_LENGTH], key_hash=_token_hash(raw)
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=_token_words(token, user),
        user=user.get_username(),
        prefix=token.prefix,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: AbstractBaseUser | None = None) -> None:
    """Revoke TOKEN so that it no longer authenticates; revoking it again changes nothing.

    Only the first revocation is written to the audit trail (as done by ACTOR).
    """
    now = timezone.now()
    # Filtering on revoked_at keeps the first revocation time even if TOKEN is a stale copy.
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    token.refresh_from_db(fields=["revoked_at", "updated_at"])
    if revoked:
        owner = token.user
        audit_record(
            actor=actor,
            action="token.revoke",
            target=_token_words(token, owner),
            user=owner.get_username(),
            prefix=token.prefix,
        )


def _token_words(token: ApiToken, user: AbstractBaseUser) -> str:
    return f'token "{token.name}" ({token.prefix}…) of {user.get_username()}'


# Not atomic: it runs on every API request, and its one write stands alone.
def api_token_authenticate(raw: str) -> AbstractBaseUser | None:
    """Return the user whose valid token RAW is, or None.

    A token is valid when it exists, is not revoked, and belongs to an active user. Any input is
    accepted (empty, huge, not ASCII, not a string) and answers None rather than raising, because
    it comes straight from a request header. Marks the token as used, at most once a minute.
    """
    # Generated tokens are short ASCII; rejecting anything else also avoids encoding errors
    # (lone surrogates) and hashing megabytes sent by a client.
    if not isinstance(raw, str) or not raw.isascii() or not (0 < len(raw) <= MAX_TOKEN_LENGTH):
        return None
    # Looking up the hash, never the raw token, leaves no timing hint about stored raw values.
    try:
        token = ApiToken.objects.select_related("user", "user__membership").get(
            key_hash=_token_hash(raw), revoked_at__isnull=True, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    stale_before = now - LAST_USED_PRECISION
    if token.last_used_at is None or token.last_used_at < stale_before:
        # The filter repeats the test in the database, so that of concurrent requests only the
        # first one writes. updated_at is left alone: being used is not a change to the token.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before), pk=token.pk
        ).update(last_used_at=now)
    return token.user


@transaction.atomic
def administrator_ensure(*, username: str = "admin", password: str = "") -> str | None:
    """Create a superuser called USERNAME when the database has none; return its password.

    The password is PASSWORD, or a random one when it is empty. Returns None (and changes
    nothing) when a superuser exists already: a first-run helper, never a way to reset one.
    """
    user_model = get_user_model()
    if user_model.objects.filter(is_superuser=True).exists():
        return None
    password = password or secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email="", password=password)
    return password


# --- The audit trail ----------------------------------------------------------------------------

COMMAND_LINE = "command line"


def audit_record(
    *, actor: AbstractBaseUser | None, action: str, target: str = "", **details
) -> AuditEvent:
    """Write down that ACTOR did ACTION to TARGET (words a person reads), with DETAILS.

    ACTOR None is the command line, the scheduler or the worker acting on an operator's behalf.
    Called inside the service's own transaction, so an action that rolls back leaves no entry.
    ACTION is "<thing>.<verb>", e.g. "backup.delete"; DETAILS must be JSON values.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else COMMAND_LINE,
        action=action,
        target=str(target)[: AuditEvent._meta.get_field("target").max_length],
        details=details,
    )
