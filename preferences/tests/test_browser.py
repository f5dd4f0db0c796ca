"""The settings page in a real browser: formats saved through the API and seen elsewhere, theme."""

import re

from playwright.sync_api import expect

from kernel.money import CURRENCIES_IN_USE
from preferences.formats import format_money
from preferences.selectors import preferences_get
from purchases.models import Purchase


def household_currency(page):
    # The manual rates' form on the same page has a currency field too.
    return page.get_by_role("region", name="Money and dates").get_by_label("Currency", exact=True)


def test_a_new_currency_and_date_format_apply_on_the_dashboard(
    signed_in_page, demo_data, screenshot
):
    page = signed_in_page
    page.goto("/settings/")
    household_currency(page).select_option("EUR")
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
    # The new base re-converted every purchase. This database has no exchange rates, so only the
    # demo's purchases in euros add their prices; the others are counted and flagged.
    in_euros = Purchase.objects.filter(currency_code="EUR")
    others = Purchase.objects.exclude(currency_code="EUR").count()
    assert in_euros.exists() and others
    total = sum(purchase.price for purchase in in_euros)
    expect(page.get_by_test_id("kpi-total-spent")).to_have_text(format_money(total, "EUR", "en_US"))
    expect(page.get_by_test_id("kpi-total-spent-note")).to_contain_text(
        f"{others} purchases without a rate"
    )
    dates = page.get_by_role("region", name="Recent purchases").get_by_role("cell")
    expect(dates.filter(has_text=re.compile(r"^\d\d\.\d\d\.\d{4}$"))).to_have_count(5)


def test_any_currency_in_use_is_chosen_from_the_list(signed_in_page):
    page = signed_in_page
    page.goto("/settings/")
    currency = household_currency(page)
    expect(currency.locator("option")).to_have_count(len(CURRENCIES_IN_USE))
    currency.select_option("SEK")
    expect(page.get_by_test_id("format-preview")).to_contain_text("SEK\u00a01,249.50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    assert preferences_get()["currency_code"] == "SEK"

    page.reload()
    expect(currency).to_have_value("SEK")
    expect(currency.locator("option").first).to_have_text("SEK — Swedish Krona")


def test_a_number_style_shows_its_example_and_applies_on_every_page(
    signed_in_page, demo_data, screenshot
):
    page = signed_in_page
    page.goto("/settings/")
    household_currency(page).select_option("EUR")
    style = page.get_by_label("Number style")
    # Each style's example follows the currency chosen, before it is saved.
    expect(style.locator("option[value=de_DE]")).to_have_text("German (Germany): 1.249,50\u00a0€")
    style.select_option("de_DE")
    expect(page.get_by_test_id("format-preview")).to_contain_text("1.249,50\u00a0€")
    screenshot(page, "settings-number-style")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    assert preferences_get()["number_style"] == "de_DE"

    page.goto("/inventory/")
    prices = page.locator("td[data-col=price]")
    # In dollars, flagged: this database has no rate to convert them to euros with.
    expect(prices.first).to_have_text(re.compile(r"^[\d.]+,\d\d\u00a0\$\s*no rate$"))
    screenshot(page, "inventory-de-DE")


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
