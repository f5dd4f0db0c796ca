"""The pages' side of `accounts.access`: sign-in first, then what the role allows.

One middleware for every page, so a page cannot forget its check. The API (`/api/…`) checks in
its own authentication, which knows tokens (`accounts.api_auth`); the admin keeps Django's.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from accounts.access import Access, denial_reason, may, required_access


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
