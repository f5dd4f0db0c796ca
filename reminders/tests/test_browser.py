"""The reminders panel of the profile page, in a real browser."""

import re

from django.test import Client
from playwright.sync_api import expect

from kernel.testing import json_post_recorder
from reminders.models import ReminderPreferences


def test_reminder_preferences_are_saved_from_the_profile_page(signed_in_page, api_user, screenshot):
    page = signed_in_page
    page.goto("/accounts/profile/")
    thresholds = page.get_by_label("Days before a deadline")
    expect(thresholds).to_have_value("30, 7, 1")

    thresholds.fill("14, 3")
    page.get_by_label("Return deadlines").uncheck()
    page.get_by_label("Email address").fill("owner@example.org")
    page.get_by_role("button", name="Save reminders").click()

    expect(page.get_by_role("status").filter(has_text="Reminder settings saved")).to_be_visible()
    preferences = ReminderPreferences.objects.get(user=api_user)
    assert preferences.thresholds == [14, 3]
    assert preferences.kinds == ["warranty", "claim"]
    assert preferences.email == "owner@example.org"
    page.reload()
    expect(page.get_by_label("Days before a deadline")).to_have_value("14, 3")
    expect(page.get_by_label("Return deadlines")).not_to_be_checked()
    screenshot(page, "profile-reminders")


def test_an_impossible_threshold_is_shown_next_to_its_field(signed_in_page, page_problems):
    page_problems.expect_status(422)
    page = signed_in_page
    page.goto("/accounts/profile/")
    expect(page.get_by_label("Days before a deadline")).to_have_value("30, 7, 1")

    page.get_by_label("Days before a deadline").fill("30, 400")
    page.get_by_role("button", name="Save reminders").click()

    expect(page.locator("#reminder-thresholds")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#reminder-thresholds ~ .invalid-feedback")).not_to_be_empty()


def test_the_test_reminder_reaches_the_webhook(signed_in_page, webhook_server):
    page = signed_in_page
    page.goto("/accounts/profile/")
    page.get_by_label("By email").uncheck()
    page.get_by_label("Push notifications (webhook URL)").fill(webhook_server.url)
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_role("status").filter(has_text="Reminder settings saved")).to_be_visible()

    page.get_by_role("button", name="Send me a test reminder").click()

    expect(page.get_by_role("status").filter(has_text="sent by webhook")).to_be_visible()
    assert len(webhook_server.requests) == 1
    assert webhook_server.requests[0]["json"]["test"] is True


def test_the_calendar_feed_is_created_regenerated_and_turned_off(signed_in_page):
    page = signed_in_page
    page.goto("/accounts/profile/")
    page.get_by_role("button", name="Create a calendar feed").click()
    feed = page.get_by_label("Calendar feed URL")
    expect(feed).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    first_url = feed.input_value()
    calendar_app = Client()
    answer = calendar_app.get(first_url)
    assert answer.status_code == 200
    assert b"BEGIN:VCALENDAR" in answer.content

    page.get_by_role("button", name="Regenerate").click()
    expect(feed).not_to_have_value(first_url)
    assert calendar_app.get(first_url).status_code == 404
    second_url = feed.input_value()
    assert calendar_app.get(second_url).status_code == 200

    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_role("button", name="Create a calendar feed")).to_be_visible()
    assert calendar_app.get(second_url).status_code == 404


def test_a_notification_url_is_saved_tested_and_a_private_one_explained(
    signed_in_page, page_problems, api_user, settings, screenshot
):
    page_problems.expect_status(422)
    page = signed_in_page
    page.goto("/accounts/profile/")
    urls = page.get_by_label("Other services (notification URLs)")
    urls.fill("json://192.168.1.20/reminders")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.locator("#reminder-apprise")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#reminder-apprise ~ .invalid-feedback")).to_contain_text("private network")
    screenshot(page, "profile-apprise-refused")

    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with json_post_recorder() as server:
        page.get_by_label("By email").uncheck()
        urls.fill(f"json://127.0.0.1:{server.port}/notify\n")
        page.get_by_role("button", name="Save reminders").click()
        expect(
            page.get_by_role("status").filter(has_text="Reminder settings saved")
        ).to_be_visible()
        page.get_by_role("button", name="Send me a test reminder").click()
        expect(page.get_by_role("status").filter(has_text="sent by apprise")).to_be_visible()
    assert len(server.received) == 1
    assert ReminderPreferences.objects.get(user=api_user).apprise_urls == [
        f"json://127.0.0.1:{server.port}/notify"
    ]
