import uuid

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser

from accounts.models import ApiToken


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


def two_factor_enabled(*, user: AbstractBaseUser) -> bool:
    """Say whether USER signs in with a second factor (an authenticator app's codes)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
