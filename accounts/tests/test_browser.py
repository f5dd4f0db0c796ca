"""Signing in, the page frame and the profile page, in a real browser."""

import re

from django.test import Client
from playwright.sync_api import expect


def test_signing_in_with_the_form_leads_to_the_dashboard(anonymous_page, api_user, screenshot):
    page = anonymous_page
    page.goto("/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    screenshot(page, "login")
    page.get_by_label("User name").fill("owner")
    page.get_by_label("Password").fill("owner-password-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("owner")


def test_a_wrong_password_is_refused_with_a_message(anonymous_page, api_user):
    page = anonymous_page
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("owner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_logging_out_ends_the_session(signed_in_page):
    page = signed_in_page
    page.goto("/")
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/inventory/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/inventory/$"))


def test_a_token_created_on_the_profile_page_is_shown_once_and_can_be_revoked(
    signed_in_page, screenshot
):
    page = signed_in_page
    page.goto("/accounts/profile/")
    page.get_by_label("Name").fill("backup script")
    page.get_by_role("button", name="Create token").click()

    raw_token = page.get_by_test_id("raw-token").inner_text()
    assert raw_token.startswith("st_")
    screenshot(page, "profile")
    script = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    assert script.get("/api/purchases").status_code == 200

    page.goto("/accounts/profile/")
    expect(page.get_by_test_id("raw-token")).to_have_count(0)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").first).to_contain_text("no longer works")
    assert script.get("/api/purchases").status_code == 401


def test_the_slash_key_jumps_to_the_search_box(signed_in_page):
    page = signed_in_page
    page.goto("/settings/")
    page.keyboard.press("/")

    expect(page.get_by_label("Search purchases")).to_be_focused()
    page.keyboard.type("kettle")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/inventory/\?search=kettle$"))


def test_the_theme_button_switches_to_dark_and_it_is_remembered(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", "light")

    # system (the default) → light → dark
    page.get_by_role("button", name=re.compile("^Theme: System")).click()
    page.get_by_role("button", name=re.compile("^Theme: Light")).click()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_role("button", name=re.compile("^Theme: Dark"))).to_be_visible()
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    screenshot(page, "dashboard-dark")


def test_on_a_phone_the_menu_opens_from_its_button(phone_page, screenshot):
    page = phone_page
    page.goto("/")
    inventory_link = page.get_by_role("link", name="Inventory")
    expect(inventory_link).to_be_hidden()

    page.get_by_role("button", name="Menu").click()
    expect(inventory_link).to_be_visible()
    screenshot(page, "phone-menu")
    inventory_link.click()
    expect(page).to_have_url(re.compile(r"/inventory/$"))


def test_with_two_factor_on_the_login_page_then_asks_for_the_app_s_code(
    anonymous_page, api_user, screenshot
):
    import time

    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    secret = generate_totp_secret()
    TOTP.activate(api_user, secret)
    page = anonymous_page
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill("owner")
    page.get_by_label("Password").fill("owner-password-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    screenshot(page, "two-factor-code")
    # A code is good for its 30-second step only: on a busy machine, one made near the end of a
    # step could reach the server in the next. Wait for a step with time to spare.
    while 30 - time.time() % 30 < 12:
        time.sleep(0.5)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("owner")
