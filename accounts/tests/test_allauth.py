"""Signing in through django-allauth: the login page, closed sign-up, password reset by e-mail,
two-factor authentication with an authenticator app and recovery codes, and single sign-on
through OpenID Connect configured by the environment (docs/accounts.md)."""

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from spends_tracker.tests.test_security import _settings

PASSWORD = "owner-password-1"
OIDC_APP = {
    "provider_id": "sso",
    "name": "Authentik",
    "client_id": "spends",
    "secret": "client-secret",
    "settings": {"server_url": "https://id.example.org/application/o/spends/"},
}


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_login_page_is_allauth_s_form_in_the_site_s_look(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="login"' in html and 'name="password"' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert reverse("account_reset_password") in html
    assert "Sign in with" not in html, "no single sign-on button unless it is configured"
    assert reverse("account_signup") not in html


@pytest.mark.django_db
def test_one_signs_in_by_user_name_or_e_mail_address(client, api_user):
    api_user.email = "owner@example.com"
    api_user.save()
    url = reverse("account_login")

    response = client.post(url, {"login": "owner", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("analytics:dashboard")
    client.post(reverse("account_logout"))
    assert not _signed_in(client)

    client.post(url, {"login": "owner@example.com", "password": PASSWORD})
    assert _signed_in(client)


@pytest.mark.django_db
def test_a_wrong_password_shows_the_form_again_with_why(client, api_user):
    response = client.post(reverse("account_login"), {"login": "owner", "password": "nope"})

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_nobody_signs_up_alone(client):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "closed" in page.content.decode().lower()

    client.post(
        reverse("account_signup"),
        {
            "username": "stranger",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert not get_user_model().objects.filter(username="stranger").exists()


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_through_a_link_sent_by_e_mail(client, api_user):
    api_user.email = "owner@example.com"
    api_user.save()

    requested = client.post(reverse("account_reset_password"), {"email": "owner@example.com"})
    assert requested.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["owner@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)[1]

    # The link's key moves into the session; the form lives at a URL without it.
    form_url = client.get(link)["Location"]
    new_password = "a-brand-new-password-7"
    changed = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert changed.status_code == 302

    refused = client.post(reverse("account_login"), {"login": "owner", "password": PASSWORD})
    assert refused.status_code == 200
    client.post(reverse("account_login"), {"login": "owner", "password": new_password})
    assert _signed_in(client)


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_sends_nothing_and_says_nothing_different(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def two_factor_user(api_user):
    """The owner with an authenticator app (TOTP) and recovery codes, as allauth stores them."""
    secret = generate_totp_secret()
    TOTP.activate(api_user, secret)
    codes = RecoveryCodes.activate(api_user).get_unused_codes()
    return api_user, secret, codes


def _password_step(client):
    response = client.post(reverse("account_login"), {"login": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client), "the password alone does not sign in"


@pytest.mark.django_db
def test_with_two_factor_on_signing_in_asks_for_the_app_s_code(client, two_factor_user):
    _, secret, _ = two_factor_user
    _password_step(client)

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and not _signed_in(client)
    right = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert right.status_code == 302 and _signed_in(client)


@pytest.mark.django_db
def test_a_recovery_code_stands_in_for_the_app_once(client, two_factor_user):
    _, _, codes = two_factor_user
    _password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert _signed_in(client)

    client.post(reverse("account_logout"))
    _password_step(client)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and not _signed_in(client), "a used code does not work again"
    client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert _signed_in(client)


@pytest.mark.django_db
def test_the_profile_page_leads_to_two_factor_authentication(client, api_user):
    client.force_login(api_user)
    off = client.get(reverse("accounts:profile")).content.decode()
    assert "Two-factor authentication" in off and reverse("mfa_index") in off
    assert "Set up two-factor authentication" in off

    TOTP.activate(api_user, generate_totp_secret())
    on = client.get(reverse("accounts:profile")).content.decode()
    assert "Manage two-factor authentication" in on
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
def test_turning_on_the_authenticator_app_shows_its_qr_code_without_inline_script(client, api_user):
    client.post(reverse("account_login"), {"login": "owner", "password": PASSWORD})
    # Changing how one signs in asks for the password again first (allauth's reauthentication).
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(asked["Location"], {"password": PASSWORD})

    page = client.get(reverse("mfa_activate_totp"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code; img-src allows data:
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)


@pytest.mark.slow  # reads the settings in three other processes
def test_single_sign_on_is_configured_by_the_environment_alone():
    unset = _settings("SOCIALACCOUNT_PROVIDERS")
    assert unset["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []

    configured = _settings(
        "SOCIALACCOUNT_PROVIDERS",
        SPENDS_OIDC_SERVER_URL=OIDC_APP["settings"]["server_url"],
        SPENDS_OIDC_CLIENT_ID="spends",
        SPENDS_OIDC_CLIENT_SECRET="client-secret",
        SPENDS_OIDC_NAME="Authentik",
    )
    (app,) = configured["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert app == OIDC_APP

    default_name = _settings(
        "SOCIALACCOUNT_PROVIDERS",
        SPENDS_OIDC_SERVER_URL="https://id.example.org/",
        **{"SPENDS_OIDC_CLIENT_ID": "spends"},
    )
    assert default_name["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]["name"] == (
        "Single sign-on"
    )


@pytest.fixture
def sso(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [OIDC_APP]}
    }


@pytest.mark.django_db
def test_with_single_sign_on_configured_the_login_page_shows_its_button(client, sso):
    html = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Authentik" in html
    start = reverse("openid_connect_login", kwargs={"provider_id": "sso"})
    # A form that POSTs (with its CSRF token), never a link that signs in on GET.
    assert re.search(rf'<form method="post" action="{re.escape(start)}\?process=login">', html)


@pytest.mark.django_db
def test_new_accounts_come_through_single_sign_on_only_while_it_is_configured(rf, settings):
    request = rf.get("/")
    adapter = get_social_adapter(request)
    assert adapter.is_open_for_signup(request, sociallogin=None) is False

    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [OIDC_APP]}}
    assert adapter.is_open_for_signup(request, sociallogin=None) is True
