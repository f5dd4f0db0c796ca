"""Every route of the site refuses a caller without a session or a token (issue 9, access).

The routes are read from the URL configuration itself, so a route added later is covered too:
/api answers 401, pages and the admin redirect to a login form, for every method.
"""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver

from accounts.services import api_token_create, api_token_revoke

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
SAMPLE = "0b9f2a4e-5c1d-4e8a-9f3b-6d7c8e9fa0b1"
# Routes that must answer without credentials (what they answer is checked below or elsewhere).
PUBLIC = {
    "api/": {"GET"},  # the welcome document
    "api/health": {"GET"},
    "accounts/login/": set(METHODS),  # the login forms (any other method shows the form)
    "accounts/logout/": {"POST"},
    "admin/login/": set(METHODS),
    "admin/logout/": {"POST"},
    # allauth's pages for people who are not signed in (accounts/tests/test_allauth.py): the
    # "sign-up is closed" page, the password reset by e-mail with the link the mail carries (a
    # wrong link shows its own page), e-mail confirmation links, and the pages an identity
    # provider sends people back to. The identity provider's own login and callback routes
    # (accounts/oidc/<provider>/...) are public too, but answer 404 here: no provider is set up.
    "accounts/signup/": set(METHODS),
    "accounts/password/reset/": set(METHODS),
    "accounts/password/reset/done/": {"GET"},
    f"accounts/password/reset/key/{SAMPLE}-{SAMPLE}/": set(METHODS),
    "accounts/password/reset/key/done/": {"GET"},
    "accounts/confirm-email/": {"GET"},
    f"accounts/confirm-email/{SAMPLE}/": {"GET"},
    "accounts/inactive/": {"GET"},
    "accounts/3rdparty/login/cancelled/": {"GET"},
    "accounts/3rdparty/login/error/": {"GET"},
}


def _concrete(pattern: str) -> str:
    """Turn a route or regex pattern into a path a request can name."""
    path = re.sub(r"\(\?P<\w+>([\w-]+)(?:\|[^)]*)?\)", r"\1", pattern)  # first alternative
    path = re.sub(r"\(\?P<\w+>[^)]*\)", SAMPLE, path)
    path = re.sub(r"<(?:\w+:)?\w+>", SAMPLE, path)
    # An included regex pattern keeps its anchors in the middle of the joined pattern.
    return path.replace("^", "").replace("$", "").replace("\\", "")


def _routes():
    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, pattern)
            else:
                yield pattern

    return sorted({_concrete(pattern) for pattern in walk(get_resolver(), "")})


ROUTES = _routes()


def test_the_route_list_covers_the_api_the_admin_and_the_pages():
    assert {"api/purchases", "api/backup/create", "admin/", "admin/auth/user/"} <= set(ROUTES)
    assert len(ROUTES) > 100


def _login_urls():
    return (resolve_url(settings.LOGIN_URL), resolve_url("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_a_route_refuses_a_caller_without_credentials(client, route):
    for method in METHODS:
        if method in PUBLIC.get(route, set()):
            continue
        response = client.generic(method, "/" + route)
        where = f"{method} /{route} answered {response.status_code}"
        assert response.status_code < 500, where
        if route.startswith("api/") or route == "api":
            if route == "api/docs":  # the interactive docs are a page: to the login form
                assert response.status_code == 302, where
                assert response["Location"].startswith(_login_urls()), where
            else:
                assert response.status_code in (401, 405), where
                if response.status_code == 401:
                    assert response.json() == {"detail": "Authentication required"}, where
        elif response.status_code in (301, 302):
            location = response["Location"]
            # A redirect leads to a login form, or (APPEND_SLASH) to the same route with a slash.
            assert location.startswith(_login_urls()) or location.endswith("/"), where
        else:
            # A refusal: forbidden, gone, wrong method, or an unknown feed token.
            assert response.status_code in (400, 403, 404, 405), where


@pytest.mark.django_db
def test_a_revoked_token_stops_working_at_once(client, api_user):
    token, raw = api_token_create(user=api_user, name="soon revoked")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/purchases", **headers).status_code == 200

    api_token_revoke(token=token)

    assert client.get("/api/purchases", **headers).status_code == 401
    assert (
        client.post("/api/purchases", {}, content_type="application/json", **headers).status_code
        == 401
    )
