"""Who may call the API (API.md C10): a personal token, or a logged-in session with CSRF."""

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`, a personal API token; not subject to CSRF."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


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
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return request.user


def open_mode(request):
    """Let everyone in when SPENDS_API_OPEN is on (trusted single-user LAN installs only)."""
    return "open" if settings.SPENDS_API_OPEN else None


API_AUTH = [BearerToken(), SessionWithCsrf(), open_mode]
