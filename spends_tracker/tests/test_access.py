"""Every route of the site refuses a caller without a session or a token (issue 9, access).

The routes are read from the URL configuration itself, so a route added later is covered too:
/api answers 401, pages and the admin redirect to a login form, for every method.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver
from django.utils.html import escape

from accounts.access import RULES, Access, denial_reason, may, required_access, role_of
from accounts.models import Membership, Role
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
    f"accounts/invitation/{SAMPLE}/": set(METHODS),  # the link is the credential
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
    # The scripts' translations: the sign-in page needs them too (docs/i18n.md).
    "jsi18n/<slug:language>/<slug:version>.js": {"GET"},
}


def _concrete(pattern: str) -> str:
    """Turn a route or regex pattern into a path a request can name."""
    path = re.sub(r"\(\?P<\w+>([\w-]+)(?:\|[^)]*)?\)", r"\1", pattern)  # first alternative
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", SAMPLE, path)
    path = re.sub(r"<(?:\w+:)?\w+>", SAMPLE, path)
    # An included regex pattern keeps its anchors in the middle of the joined pattern.
    return path.replace("^", "").replace("$", "").replace("\\", "")


def _patterns():
    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, pattern)
            else:
                yield pattern

    return sorted(set(walk(get_resolver(), "")))


PATTERNS = _patterns()
ROUTES = sorted({_concrete(pattern) for pattern in PATTERNS})


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


# --- Roles (issue 17): every route and method, for every role ----------------------------------

ROLES = [None, Role.VIEWER, Role.EDITOR, Role.OWNER]
# The owner-only actions the issue names, pinned here apart from the table they are read from, so
# that loosening one is a deliberate change to this list too.
OWNER_ONLY = {
    ("POST", "api/data/reset-all"),
    ("POST", "api/backup/restore"),
    ("DELETE", "api/backup/<backup_id>"),
    ("PUT", "api/backup/config"),
    ("PUT", "api/settings"),
    ("POST", "api/settings/reset"),
    ("GET", "api/members"),
    ("PATCH", "api/members/<user_id>"),
    ("POST", "api/invitations"),
    ("GET", "accounts/members/"),
    ("POST", "accounts/members/"),
    ("POST", "accounts/members/<int:user_id>/"),
}
EDITOR_WRITES = {
    ("POST", "api/purchases"),
    ("PUT", "api/purchases/<purchase_id>"),
    ("DELETE", "api/purchases/<purchase_id>"),
    ("POST", "api/warranties"),
    ("POST", "api/files/<purchase_id>"),
    ("POST", "api/retailers"),
    ("POST", "api/brands"),
    ("POST", "api/import/json"),
    ("POST", "api/backup/create"),
}
VIEWER_WRITES = {("POST", "api/reminders/feed"), ("POST", "accounts/profile/")}


def test_the_owner_only_actions_need_an_owner_and_recording_needs_an_editor():
    for method, route in OWNER_ONLY:
        assert route in PATTERNS, route
        assert required_access(route, method) is Access.OWNER, (method, route)
    for method, route in EDITOR_WRITES:
        assert required_access(route, method) is Access.EDITOR, (method, route)
    for method, route in VIEWER_WRITES:
        assert required_access(route, method) is Access.VIEWER, (method, route)


def test_every_rule_names_a_route_that_exists():
    """A rule for a route that was renamed would protect nothing."""
    for pattern in RULES:
        if pattern.endswith("*"):
            assert any(route.startswith(pattern[:-1]) for route in PATTERNS), pattern
        else:
            assert pattern in PATTERNS, pattern


@pytest.fixture
def member(django_user_model):
    def make(role):
        user = django_user_model.objects.create_user(username=f"member-{role or 'none'}")
        if role is not None:
            Membership.objects.create(user=user, role=role)
        return user

    return make


def _refusal_text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()["detail"]
    return response.content.decode()


def _role_answer_problems(client, user, pattern) -> list[str]:
    """What is wrong with the answers to every method on PATTERN's route for USER (signed in)."""
    problems = []
    path = "/" + _concrete(pattern)
    for method in METHODS:
        needed = required_access(pattern, method)
        if needed is Access.PUBLIC:
            continue
        response = client.generic(method, path, content_type="application/json")
        where = f"{method} {path} as {role_of(user)} answered {response.status_code}"
        if response.status_code >= 500:
            problems.append(where)
        elif response.status_code == 405:
            continue  # the route does not take this method: nothing to allow or refuse
        elif may(user, needed):
            reason = _refusal_text(response) if response.status_code == 403 else ""
            if "your role" in reason or "no role" in reason:
                problems.append(f"{where}: refused by role")
        elif response.status_code != 403:
            problems.append(f"{where}: not refused")
        else:
            reason, text = denial_reason(user, needed), _refusal_text(response)
            if escape(reason) not in text and reason not in text:
                problems.append(f"{where}: refused without saying why")
    return problems


# One test per role, each walking every route: signing in once per role rather than once per
# route and role keeps the matrix's 2,000-odd requests to a few seconds. Every problem is listed.
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda role: str(role or "no-role"))
def test_each_role_gets_what_the_table_allows_and_a_readable_403_otherwise(client, member, role):
    user = member(role)
    problems = []
    for pattern in PATTERNS:
        if pattern.startswith("admin/"):
            continue
        if SESSION_KEY not in client.session:  # the first route, or one that signed out
            client.force_login(user)
        problems += _role_answer_problems(client, user, pattern)
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.startswith("admin/") and r not in PUBLIC])
def test_the_admin_stays_staff_only_whatever_the_role(client, member, route):
    client.force_login(member(Role.OWNER))
    response = client.get("/" + route)
    if response.status_code in (301, 302):
        assert response["Location"].startswith((resolve_url("admin:login"), "/admin/")), route
    else:
        assert response.status_code in (403, 404), route
