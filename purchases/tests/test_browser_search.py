"""The menu's search box suggests while one types, and the keyboard picks (a real browser)."""

import re

from playwright.sync_api import expect

from catalog.tests.factories import BrandFactory
from purchases.tests.factories import PurchaseFactory


def test_the_search_box_suggests_and_the_keyboard_picks_a_suggestion(signed_in_page, screenshot):
    bosch = BrandFactory(name="Bosch")
    PurchaseFactory(product_name="Bosch Serie 6 dishwasher", brand=bosch)
    PurchaseFactory(product_name="Cordless drill", brand=bosch)
    page = signed_in_page
    page.goto("/settings/")

    box = page.get_by_role("combobox", name="Search purchases")
    box.click()
    box.press_sequentially("bosh", delay=30)  # one typo: still found
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Bosch")
    expect(options.nth(1)).to_contain_text("Bosch Serie 6 dishwasher")
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "global-search-option-1")
    screenshot(page, "search-suggestions")

    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("ArrowDown")  # opens the list again on the first suggestion
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/inventory/\?search=Bosch\+Serie\+6\+dishwasher$"))
    expect(page.get_by_role("cell", name="Bosch Serie 6 dishwasher", exact=True)).to_be_visible()
    screenshot(page, "search-picked")


def test_the_warranties_page_searches_and_names_an_ignored_filter(signed_in_page, screenshot):
    from warranties.tests.factories import WarrantyFactory

    WarrantyFactory(
        purchase=PurchaseFactory(product_name="Espresso machine"), provider="CareShield"
    )
    WarrantyFactory(purchase=PurchaseFactory(product_name="Kettle"))
    page = signed_in_page
    page.goto("/warranties/?status=bogus")

    expect(page.get_by_test_id("ignored-filters")).to_contain_text("status='bogus' was ignored")
    page.get_by_label("Search warranties").fill("careshild")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Espresso machine", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Kettle", exact=True)).to_have_count(0)
    screenshot(page, "warranties-search")
