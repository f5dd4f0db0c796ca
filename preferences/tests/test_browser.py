"""The settings page in a real browser: formats saved through the API and seen elsewhere, theme."""

import re

from playwright.sync_api import expect

from preferences.selectors import preferences_get


def test_a_new_currency_and_date_format_apply_on_the_dashboard(
    signed_in_page, demo_data, screenshot
):
    page = signed_in_page
    page.goto("/settings/")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_label("14.03.2025").check()
    expect(page.get_by_test_id("format-preview")).to_have_text(
        re.compile(r"Shown as\s+€1,249\.50\s+on\s+14\.03\.2025")
    )
    screenshot(page, "settings")

    with page.expect_response(re.compile(r"/api/settings$")) as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.request.method == "PUT"
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    assert preferences_get() == {
        "currency_code": "EUR",
        "date_format": "DD.MM.YYYY",
        "number_style": "en_US",
    }

    page.goto("/")
    # The demo purchases are in dollars: the euro figures are empty and the rest is counted apart.
    expect(page.get_by_test_id("kpi-total-spent")).to_have_text("€0.00")
    expect(page.get_by_test_id("kpi-total-spent-note")).to_contain_text("EUR only; 24 purchases")
    dates = page.get_by_role("region", name="Recent purchases").get_by_role("cell")
    expect(dates.filter(has_text=re.compile(r"^\d\d\.\d\d\.\d{4}$"))).to_have_count(5)


def test_another_currency_is_typed_as_three_letters(signed_in_page):
    page = signed_in_page
    page.goto("/settings/")
    page.get_by_label("Currency", exact=True).select_option("other")
    page.get_by_label("Currency code").fill("s1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a currency code of three letters")).to_be_visible()
    assert preferences_get()["currency_code"] == "USD"

    page.get_by_label("Currency code").fill("sek")
    expect(page.get_by_test_id("format-preview")).to_contain_text("SEK 1,249.50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    assert preferences_get()["currency_code"] == "SEK"

    page.reload()
    expect(page.get_by_label("Currency code")).to_have_value("SEK")


def test_the_dark_theme_is_chosen_here_and_remembered(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/settings/")
    html = page.locator("html")
    expect(page.get_by_role("radio", name="System")).to_be_checked()

    page.get_by_text("Dark", exact=True).click()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_role("radio", name="Dark")).to_be_checked()
    screenshot(page, "settings-dark")

    page.goto("/")
    expect(html).to_have_attribute("data-bs-theme", "dark")
    page.goto("/settings/")
    page.get_by_text("Light", exact=True).click()
    expect(html).to_have_attribute("data-bs-theme", "light")


def test_the_settings_page_fits_a_phone(phone_page, screenshot):
    page = phone_page
    page.goto("/settings/")

    expect(page.get_by_role("button", name="Save")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "settings-phone")
