"""Secure defaults: deploy checks, cookies, headers and content security policy, login throttling,
request ids in the logs and no secret in them."""

import base64
import contextlib
import hashlib
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin import site
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.lockout import client_address
from accounts.services import api_token_create
from spends_tracker.observability import JsonFormatter, RedactSecretsFilter, RequestIdFilter
from spends_tracker.security import ADMIN_EVENT_HANDLERS

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghij"
TLS_PROFILE = {
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}


def _manage(*args, **env):
    # Only what a deployment would have: not the variables the test run itself sets (such as
    # DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests, which check --deploy rightly reports).
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    environment = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": KEY,
        "SPENDS_ENV_FILE": os.devnull,
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _deploy_issues(**env):
    result = _manage("check", "--deploy", "--fail-level", "CRITICAL", **env)
    return set(re.findall(r"\((\w+\.\w\d+)\)", result.stdout + result.stderr))


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_production_profile(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert _deploy_issues(**TLS_PROFILE, STATIC_ROOT=str(tmp_path)) == set()


@pytest.mark.slow
def test_check_deploy_names_only_the_tls_opt_ins_when_they_are_off(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert _deploy_issues(STATIC_ROOT=str(tmp_path)) == {"security.W004", "security.W008"}


@pytest.mark.slow
def test_check_deploy_warns_when_static_files_were_not_collected(tmp_path):
    assert "spends.W002" in _deploy_issues(**TLS_PROFILE, STATIC_ROOT=str(tmp_path / "none"))


def _settings(*names, **env):
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = _manage("shell", "-c", code, **env)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_cookies_are_secure_unless_debug_or_switched_off():
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")
    assert _settings(*names) == dict.fromkeys(names[:2], True) | {"SECURE_PROXY_SSL_HEADER": None}
    assert _settings(*names, DEBUG="true")["SESSION_COOKIE_SECURE"] is False
    assert _settings(*names, SECURE_COOKIES="false")["CSRF_COOKIE_SECURE"] is False
    behind_proxy = _settings(*names, SECURE_PROXY_SSL_HEADER="true")
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.slow
def test_secrets_are_read_from_files(tmp_path):
    (tmp_path / "key").write_text(KEY + "\n")
    assert _settings("SECRET_KEY", SECRET_KEY="", SECRET_KEY_FILE=str(tmp_path / "key")) == {
        "SECRET_KEY": KEY
    }


def _policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.django_db
def test_pages_get_a_strict_policy_the_api_none_at_all_and_the_admin_inline_styles(client):
    pages = _policy(client.get("/"))
    assert pages["script-src"] == ["'self'"] and pages["style-src"] == ["'self'"]
    assert pages["frame-ancestors"] == ["'none'"] and pages["object-src"] == ["'none'"]
    api = client.get("/api/purchases")
    assert _policy(api)["default-src"] == ["'none'"]
    for header, value in [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY")]:
        assert api[header] == value
    assert api["Referrer-Policy"] == "same-origin"
    admin = _policy(client.get("/admin/login/"))
    digest = hashlib.sha256(b"onSelectToggleChange(event)").digest()
    handler_hash = f"'sha256-{base64.b64encode(digest).decode()}'"
    assert admin["script-src"] == ["'self'", "'unsafe-hashes'", handler_hash]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""<[^>]+\son[a-z]+\s*=\s*["']([^"']*)["']""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _admin_urls():
    urls = [reverse("admin:index")]
    for model in site._registry:
        info = model._meta.app_label, model._meta.model_name
        for view in ("changelist", "add", "import", "export"):  # import/export where offered
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse("admin:{}_{}_{}".format(*info, view)))
    return urls


@pytest.mark.django_db
def test_the_admin_runs_no_inline_script_so_script_src_self_holds(admin_client):
    urls = _admin_urls()
    assert any(url.endswith("/import/") for url in urls)
    for url in urls:
        response = admin_client.get(url)
        if response.status_code != 200:  # models without an add form
            continue
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        # The only inline handlers are those the admin's policy allows by their hash.
        assert set(EVENT_HANDLER.findall(html)) <= set(ADMIN_EVENT_HANDLERS), url
        assert not JS_URL.search(html), url


# The two login forms django-axes guards, and the name of their user name field: the pages'
# (allauth's) and the admin's (Django's own).
LOGIN_FORMS = {"pages": ("account_login", "login"), "admin": ("admin:login", "username")}


def _credentials(form: str, username: str, password: str) -> dict:
    return {LOGIN_FORMS[form][1]: username, "password": password}


@pytest.mark.django_db
@pytest.mark.parametrize("form", LOGIN_FORMS)
def test_too_many_failed_logins_lock_the_address_out(client, django_user_model, settings, form):
    django_user_model.objects.create_superuser("boss", password="the-right-password-1")
    url = reverse(LOGIN_FORMS[form][0])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = client.post(url, _credentials(form, "boss", "guess"))
        assert refused.status_code == 200  # the form again, with its error
    assert client.post(url, _credentials(form, "boss", "guess")).status_code == 429
    locked = client.post(url, _credentials(form, "boss", "the-right-password-1"))
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another spelling of the same name is the same name.
    assert client.post(url, _credentials(form, " BOSS", "guess")).status_code == 429
    other = client.post(
        url, _credentials(form, "boss", "the-right-password-1"), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302  # another address is not affected


@pytest.mark.django_db
def test_the_pages_login_counts_a_sign_in_by_e_mail_under_the_address_typed(
    client, django_user_model, settings
):
    django_user_model.objects.create_user(
        "boss", email="boss@example.com", password="the-right-password-1"
    )
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": "boss@example.com", "password": "guess"})
    locked = client.post(url, {"login": "Boss@Example.com", "password": "the-right-password-1"})
    assert locked.status_code == 429
    assert client.post(url, {"login": "boss", "password": "the-right-password-1"}).status_code == (
        302
    ), "by user name it is a different key: one guessed address does not lock the account"


PROXY = "172.18.0.1"  # the reverse proxy, from which every connection comes behind it


def _sign_in(client, username, password, client_address, form="pages"):
    """A sign-in that reached the app through the reverse proxy from CLIENT_ADDRESS."""
    return client.post(
        reverse(LOGIN_FORMS[form][0]),
        _credentials(form, username, password),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.mark.django_db
def test_behind_the_proxy_one_client_s_failures_do_not_lock_out_another(
    client, django_user_model, settings
):
    settings.BEHIND_PROXY = True
    django_user_model.objects.create_superuser("boss", password="the-right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "boss", "guess", "203.0.113.5")
    assert _sign_in(client, "boss", "guess", "203.0.113.5").status_code == 429
    # What the client itself wrote into the header before the proxy's entry changes nothing.
    spoofed = _sign_in(client, "boss", "guess", "198.51.100.7, 203.0.113.5")
    assert spoofed.status_code == 429

    elsewhere = _sign_in(Client(), "boss", "the-right-password-1", "198.51.100.7")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("form", LOGIN_FORMS)
def test_guesses_interleaved_with_another_account_s_sign_ins_still_end_in_a_lockout(
    django_user_model, settings, form
):
    settings.BEHIND_PROXY = True
    django_user_model.objects.create_superuser("admin", password="the-admin-password-1")
    django_user_model.objects.create_superuser("helper", password="the-helper-password-1")
    answers = []
    # allauth's flood limit of the pages' form (30 sign-ins a minute from one client) would stop
    # the forty sign-ins first; it is not what this test is about.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": None}
    for _ in range(20):
        guess = _sign_in(Client(), "admin", "guess", "203.0.113.5", form)
        answers.append(guess.status_code)
        helper = _sign_in(Client(), "helper", "the-helper-password-1", "203.0.113.5", form)
        assert helper.status_code == 302  # the other account is not locked out
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}, answers
    right = _sign_in(Client(), "admin", "the-admin-password-1", "203.0.113.5", form)
    assert right.status_code == 429, "the guessed account stays locked from that client"


@pytest.mark.django_db
def test_without_the_proxy_setting_the_forwarded_header_is_ignored(
    client, django_user_model, settings
):
    settings.BEHIND_PROXY = False
    django_user_model.objects.create_superuser("boss", password="the-right-password-1")
    url = reverse("account_login")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"login": "boss", "password": "guess"},
            REMOTE_ADDR="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",  # a new "address" each time: ignored
        )
    locked = client.post(
        url,
        {"login": "boss", "password": "the-right-password-1"},
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "203.0.113.5", "198.51.100.20"),
        (True, "203.0.113.5", "203.0.113.5"),
        (True, "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        (True, "2001:db8::5", "2001:db8::5"),
        (True, "not an address", "198.51.100.20"),  # never a lockout key
        (True, "", "198.51.100.20"),
    ],
)
def test_the_client_address_is_the_proxy_s_entry_only_behind_the_proxy(
    rf, settings, behind_proxy, forwarded, expected
):
    settings.BEHIND_PROXY = behind_proxy
    request = rf.get("/", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.fixture
def log_output():
    """Capture log records the way production writes them: JSON, with request ids, redacted."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecretsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(previous)
    root.removeHandler(handler)


@pytest.mark.django_db
def test_each_request_gets_an_id_in_its_response_and_its_log_lines(client, log_output):
    response = client.get("/api/health")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    (line,) = [line for line in lines if line["logger"] == "spends_tracker.request"]
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/health", 200)
    assert client.get("/api/health", HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"] == (
        "proxy-id-1234"
    )
    forged = client.get("/api/health", HTTP_X_REQUEST_ID="bad id\nwith a new line")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


@pytest.mark.django_db
def test_no_token_or_password_reaches_the_logs(client, api_user, log_output):
    _, raw = api_token_create(user=api_user, name="script")
    client.get("/api/purchases?limit=5", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/purchases", HTTP_AUTHORIZATION=f"Bearer {raw}x")
    client.post(reverse("admin:login"), {"username": "owner", "password": "wrong-password-9"})
    logging.getLogger("somewhere").warning(
        "calling with Authorization: Bearer %s and password=hunter2 via postgres://u:pw@db/x", raw
    )
    output = log_output.getvalue()
    assert "GET /api/purchases 200" in output
    for secret in (raw, "wrong-password-9", "hunter2", ":pw@"):
        assert secret not in output
    assert "Bearer [redacted]" in output


@pytest.mark.django_db
def test_a_foreign_host_header_is_refused_with_one_log_line_and_no_traceback(client, log_output):
    response = client.get("/api/health", HTTP_HOST="evil.example")

    assert response.status_code == 400
    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    (refusal,) = [line for line in lines if line["logger"] == "django.security.DisallowedHost"]
    assert "evil.example" in refusal["message"]
    assert "Traceback" not in log_output.getvalue()


@pytest.mark.django_db
def test_a_body_beyond_the_upload_limit_is_refused_with_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"product_name": "' + "x" * 2000 + '", "price": 1, "purchase_date": "2026-01-01"}'
    response = api_client.post("/api/purchases", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


@pytest.mark.django_db
def test_text_with_a_nul_character_never_crashes_the_api(api_client):
    body = {"product_name": "nul\x00byte", "price": 1, "purchase_date": "2026-01-01"}
    created = api_client.post("/api/purchases", body, content_type="application/json")
    searched = api_client.get("/api/purchases", {"search": "a\x00b"})
    # SQLite stores the character; PostgreSQL cannot, and the API says so with a 422.
    assert created.status_code in (201, 422) and searched.status_code in (200, 422)
