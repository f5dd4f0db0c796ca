import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.access import role_of
from accounts.models import ApiToken, AuditEvent, Invitation, Membership, Profile, Role

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
        raise ValueError(_('The token needs a name, for example "backup script".'))
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValueError(
            _("The token name must be at most %(max_length)s characters long.")
            % {"max_length": max_length}
        )
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


# --- The person's own choices ------------------------------------------------------------------


@transaction.atomic
def profile_language_set(*, user: AbstractBaseUser, language: str) -> str:
    """Make LANGUAGE (a code of settings.LANGUAGES, or "" for the browser's) USER's language.

    Raise ValueError for any other code. Returns the language kept. The caller also puts it in
    the session (`accounts.middleware.remember_language`), so the next page speaks it.
    """
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(_("This language is not one the interface speaks."))
    Profile.objects.update_or_create(user=user, defaults={"language": language})
    return language


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


# --- Members and invitations ----------------------------------------------------------------------

INVITATION_LIFETIME = datetime.timedelta(days=7)


class MemberError(ValueError):
    """A change to the members that would leave the household without an owner, or similar."""


class InvitationInvalid(ValueError):
    """An invitation link that cannot be used; the message says why, in the invitee's words.

    `known` tells a link that existed (used, withdrawn, expired: gone) from one that never did.
    """

    def __init__(self, message: str, *, known: bool = True):
        super().__init__(message)
        self.known = known


def _owners_left(*, without: AbstractBaseUser) -> int:
    """How many active owners (superusers included) remain once WITHOUT is no longer one."""
    users = get_user_model().objects.filter(is_active=True).exclude(pk=without.pk)
    return users.filter(Q(is_superuser=True) | Q(membership__role=Role.OWNER)).count()


@transaction.atomic
def member_role_set(*, actor: AbstractBaseUser | None, user: AbstractBaseUser, role: str) -> None:
    """Give USER the ROLE ("owner", "editor", "viewer"); the household keeps at least one owner.

    A superuser is an owner whatever its row says (`accounts.access.role_of`), so its role
    cannot be lowered here: the admin's superuser flag is the place for that.
    """
    try:
        role = Role(role)
    except ValueError:
        raise MemberError(
            _('"%(role)s" is not a role: choose owner, editor or viewer.') % {"role": role}
        ) from None
    if user.is_superuser and role != Role.OWNER:
        raise MemberError(
            _(
                "%(name)s is an administrator and so always an owner; "
                "remove the administrator flag in the admin first."
            )
            % {"name": user.get_username()}
        )
    current = Membership.objects.select_for_update().filter(user=user).first()
    if current is not None and current.role == role:
        return
    demoting_an_owner = current is not None and current.role == Role.OWNER and role != Role.OWNER
    if demoting_an_owner and _owners_left(without=user) == 0:
        raise MemberError(_("The household needs at least one owner: make someone else one first."))
    Membership.objects.update_or_create(user=user, defaults={"role": role})
    audit_record(
        actor=actor,
        action="member.role",
        target=user.get_username(),
        role=role.value,
        previous=current.role if current is not None else None,
    )


@transaction.atomic
def member_active_set(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, active: bool
) -> None:
    """Deactivate USER (their sessions and API tokens stop working at once) or bring them back.

    Nobody deactivates themselves, and the last owner cannot be deactivated.
    """
    if user.is_active == active:
        return
    if not active:
        if actor is not None and actor.pk == user.pk:
            raise MemberError(_("You cannot deactivate your own account."))
        if role_of(user) == Role.OWNER and _owners_left(without=user) == 0:
            raise MemberError(
                _("The household needs at least one owner: make someone else one first.")
            )
    get_user_model().objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    audit_record(
        actor=actor,
        action="member.activate" if active else "member.deactivate",
        target=user.get_username(),
    )


# The invitation's opening sentence, one per role: the article and the noun differ per language.
INVITATION_SENTENCES = {
    Role.VIEWER: gettext_lazy(
        "%(inviter)s invites you to the household's Spends Tracker as a viewer."
    ),
    Role.EDITOR: gettext_lazy(
        "%(inviter)s invites you to the household's Spends Tracker as an editor."
    ),
    Role.OWNER: gettext_lazy(
        "%(inviter)s invites you to the household's Spends Tracker as an owner."
    ),
}


def _invitation_link_mail(*, invitation: Invitation, link: str, actor) -> None:
    """Mail the link in the language of the page it was made on (the inviter's): the person
    invited has no profile yet, and shares a household, so most likely a language, with them."""
    inviter = actor.get_username() if actor is not None else _("An owner")
    days = INVITATION_LIFETIME.days
    opening = INVITATION_SENTENCES[Role(invitation.role)] % {"inviter": inviter}
    how = ngettext(
        "Choose your user name and password here (the link works once, for %(days)s day):",
        "Choose your user name and password here (the link works once, for %(days)s days):",
        days,
    ) % {"days": days}
    EmailMessage(
        _("You are invited to Spends Tracker"),
        f"{opening}\n\n{how}\n{link}\n",
        to=[invitation.email],
    ).send(fail_silently=False)


@transaction.atomic
def invitation_create(
    *,
    actor: AbstractBaseUser | None,
    role: str,
    email: str = "",
    link_for: Callable[[str], str],
) -> tuple[Invitation, str]:
    """Invite someone as ROLE; return the invitation and its one-time link.

    LINK_FOR turns the secret key into the full address to open (the front door knows the
    site's address). With an EMAIL, the link is also mailed there; a mail server that refuses
    it raises and nothing is saved. The link is shown once and only its hash is stored.
    """
    try:
        role = Role(role)
    except ValueError:
        raise MemberError(
            _('"%(role)s" is not a role: choose owner, editor or viewer.') % {"role": role}
        ) from None
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise MemberError(
                _('"%(email)s" is not an e-mail address.') % {"email": email}
            ) from None
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        role=role,
        email=email,
        key_hash=_token_hash(key),
        expires_at=timezone.now() + INVITATION_LIFETIME,
        invited_by=actor if actor is not None and actor.is_authenticated else None,
    )
    link = link_for(key)
    audit_record(actor=actor, action="invitation.create", target=email or "link", role=role.value)
    if email:
        _invitation_link_mail(invitation=invitation, link=link, actor=actor)
    return invitation, link


def invitation_check(key: str, *, for_update: bool = False) -> Invitation:
    """Return the invitation whose link carries KEY, or raise InvitationInvalid saying why."""
    invitations = Invitation.objects.select_for_update() if for_update else Invitation.objects
    if not isinstance(key, str) or not key.isascii() or len(key) > MAX_TOKEN_LENGTH:
        raise InvitationInvalid(_("This invitation link is not valid."), known=False)
    invitation = invitations.filter(key_hash=_token_hash(key)).first()
    if invitation is None:
        raise InvitationInvalid(_("This invitation link is not valid."), known=False)
    if invitation.used_at is not None:
        raise InvitationInvalid(
            _("This invitation has already been used. Sign in, or ask an owner for a new one.")
        )
    if invitation.revoked_at is not None:
        raise InvitationInvalid(_("This invitation was withdrawn. Ask an owner for a new one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            _("This invitation expired on %(day)s. Ask an owner for a new one.")
            % {"day": f"{invitation.expires_at:%Y-%m-%d}"}
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, key: str, username: str, password: str, email: str = ""
) -> AbstractBaseUser:
    """Make the invited account: USERNAME with PASSWORD and the invitation's role.

    The invitation is locked and marked used in the same transaction, so two people opening the
    same link at once get one account between them. The caller has validated the name and the
    password (Django's user creation form); a name taken meanwhile raises MemberError.
    """
    invitation = invitation_check(key, for_update=True)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise MemberError(
            _('The user name "%(name)s" is taken: choose another.') % {"name": username}
        )
    user = user_model.objects.create_user(
        username=username, password=password, email=email or invitation.email
    )
    Membership.objects.create(user=user, role=invitation.role)
    Invitation.objects.filter(pk=invitation.pk).update(
        used_at=timezone.now(), used_by=user, updated_at=timezone.now()
    )
    audit_record(actor=user, action="member.join", target=username, role=invitation.role)
    return user


@transaction.atomic
def invitation_revoke(*, actor: AbstractBaseUser | None, invitation: Invitation) -> None:
    """Withdraw an unused INVITATION: its link stops working at once."""
    updated = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), updated_at=timezone.now())
    if updated:
        audit_record(actor=actor, action="invitation.revoke", target=invitation.email or "link")
