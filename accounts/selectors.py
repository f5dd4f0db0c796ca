import uuid

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import ApiToken, AuditEvent


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
