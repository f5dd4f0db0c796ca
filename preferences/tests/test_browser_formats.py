"""The browser writes money as the server does (static/js/format.js, preferences/formats.py)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from preferences.formats import NUMBER_STYLES, format_money, format_number
from preferences.services import preferences_update

pytestmark = pytest.mark.browser

AMOUNTS = ["1249.50", "-1234567.89", "0.50", "1248.50", "0.00", "12345678.99", "999.99"]
# With no decimals, with three, told apart (JPY/CNY), symbols of letters, a currency the
# browser's data may write with other places (RSD), an unknown code and stored odd text.
CURRENCIES = ["USD", "EUR", "JPY", "KWD", "CNY", "CHF", "GBP", "INR", "SEK", "HUF", "RSD", "XYZ"]


def browser_money(page, cases):
    return page.evaluate(
        "cases => cases.map(([amount, code, style]) =>"
        " window.spendsFormat.money(amount, code, style))",
        cases,
    )


def test_every_number_style_writes_every_amount_as_the_server_does(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/settings/")
    cases = [
        [amount, code, style]
        for style in NUMBER_STYLES
        for code in [*CURRENCIES, "euro"]
        for amount in AMOUNTS
    ]

    written = browser_money(page, cases)

    expected = [format_money(Decimal(amount), code, style) for amount, code, style in cases]
    differing = [
        (case, browser, server)
        for case, browser, server in zip(cases, written, expected, strict=True)
        if browser != server
    ]
    assert differing == []
    screenshot(page, "number-styles")


def test_plain_numbers_are_written_as_the_server_does(signed_in_page):
    page = signed_in_page
    page.goto("/settings/")
    cases = [[value, style] for style in NUMBER_STYLES for value in [0, 999, 1249, -1234567]]

    written = page.evaluate(
        "cases => cases.map(([value, style]) => window.spendsFormat.number(value, style))", cases
    )

    assert written == [format_number(value, style) for value, style in cases]


def test_the_page_tells_the_browser_the_households_style(signed_in_page, screenshot):
    preferences_update(currency_code="JPY", number_style="fr_FR")
    page = signed_in_page
    page.goto("/settings/")

    written = page.evaluate("window.spendsFormat.money('1249.50')")

    assert written == format_money(Decimal("1249.50"), "JPY", "fr_FR") == "1\u202f250\u00a0JPY"
    expect(page.get_by_test_id("format-preview")).to_have_text("Shown as 1 250 JPY on 03/14/2025")
    screenshot(page, "settings-fr-FR")
