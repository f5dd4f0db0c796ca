"""Who may call the API (docs/api.md §1.3): a personal token, or a logged-in session with CSRF.

Once the caller is known, what the route needs from their role is checked here, from the one
table in `accounts.access`: a refusal is 403 with a sentence saying what is missing.
"""

from django.conf import settings
from django.utils.translation import gettext
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.access import denial_reason, may, required_access
from accounts.services import api_token_authenticate


def role_check(request, user):
    """Return USER when the route and method of REQUEST allow their role; else raise 403."""
    needed = required_access(request.resolver_match.route, request.method)
    if not may(user, needed):
        raise HttpError(403, denial_reason(user, needed))
    return user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`, a personal API token; not subject to CSRF."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return role_check(request, user)


class SessionWithCsrf(APIKeyCookie):
    """The Django session of this project's own pages.

    CSRF is checked only once the session is known to belong to someone: a request without a
    valid session must answer 401, not 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, gettext("CSRF check failed: send the X-CSRFToken header."))
        return role_check(request, request.user)


def open_mode(request):
    """Let everyone in when SPENDS_API_OPEN is on (trusted single-user LAN installs only).

    The caller is then whoever the session says, or nobody: everything is allowed, as in an
    owner's hands, because the operator chose to trust every client of the network.
    """
    return "open" if settings.SPENDS_API_OPEN else None


API_AUTH = [BearerToken(), SessionWithCsrf(), open_mode]
