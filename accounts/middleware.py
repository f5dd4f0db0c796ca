"""The pages' side of `accounts.access`: sign-in first, then what the role allows.

One middleware for every page, so a page cannot forget its check. The API (`/api/…`) checks in
its own authentication, which knows tokens (`accounts.api_auth`); the admin keeps Django's.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from accounts.access import Access, denial_reason, may, required_access
from accounts.selectors import profile_language

# The signed-in person's language ("" for the browser's), copied from their profile at sign-in
# and on each change, so that no page reads the profile: a signed-out session has none.
LANGUAGE_SESSION_KEY = "spends_language"


def remember_language(request, language: str) -> None:
    """Keep LANGUAGE in REQUEST's session: the pages that follow speak it."""
    request.session[LANGUAGE_SESSION_KEY] = language


def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in` (accounts/apps.py): the profile's language into the session."""
    if request is not None and hasattr(request, "session"):
        remember_language(request, profile_language(user=user))


class PersonLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the person's own choice before the browser's.

    The order: the language the profile names (kept in the session), then what
    LocaleMiddleware reads from the request (the Accept-Language header), then LANGUAGE_CODE.
    It runs after SessionMiddleware and before AuthenticationMiddleware, so it reads the session
    only, never the user.
    """

    def process_request(self, request):
        chosen = request.session.get(LANGUAGE_SESSION_KEY) if hasattr(request, "session") else None
        if chosen and chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        route = request.resolver_match.route
        if route.startswith("api/"):
            return None
        needed = required_access(route, request.method)
        if needed in (Access.PUBLIC, Access.STAFF):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if may(request.user, needed):
            return None
        return render(
            request,
            "accounts/forbidden.html",
            {"reason": denial_reason(request.user, needed)},
            status=403,
        )
