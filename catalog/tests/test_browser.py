"""The retailers and brands page in a real browser."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory


def _row(page, kind: str, name: str):
    return page.get_by_test_id(f"{kind}-row").filter(has=page.get_by_text(name, exact=True))


def test_the_lists_show_counts_and_totals(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    busiest = max(Retailer.objects.all(), key=lambda retailer: retailer.purchases.count())
    count = busiest.purchases.count()

    page.goto("/catalog/")

    row = _row(page, "retailer", busiest.name)
    expect(row.get_by_role("cell").nth(1)).to_have_text(str(count))
    expect(row.get_by_role("link", name=str(count))).to_have_attribute(
        "href", f"/inventory/?retailer_id={busiest.pk}"
    )
    expect(page.get_by_test_id("brand-row").first).to_be_visible()
    screenshot(page, "catalog")


def test_adding_and_renaming_and_a_name_conflict(signed_in_page, page_problems):
    page = signed_in_page
    RetailerFactory(name="Hardware Corner")
    page.goto("/catalog/")

    page.get_by_label("New retailer").fill("Bike Shed")
    page.get_by_role("button", name="Add retailer").click()
    expect(_row(page, "retailer", "Bike Shed")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text='Added "Bike Shed"')).to_be_visible()
    assert Retailer.objects.filter(name="Bike Shed").exists()

    page.get_by_role("button", name="Rename Bike Shed").click()
    field = page.get_by_label("New name for Bike Shed")
    expect(field).to_be_focused()
    field.fill("Bike Barn")
    field.press("Enter")
    expect(_row(page, "retailer", "Bike Barn")).to_be_visible()
    expect(page.get_by_role("button", name="Rename Bike Barn")).to_be_focused()
    assert Retailer.objects.filter(name="Bike Barn").exists()

    page_problems.expect_status(409)
    page.get_by_role("button", name="Rename Bike Barn").click()
    page.get_by_label("New name for Bike Barn").fill("hardware corner")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("already exists")
    page.get_by_label("New name for Bike Barn").press("Escape")
    expect(page.get_by_label("New name for Bike Barn")).to_be_hidden()
    assert Retailer.objects.filter(name="Bike Barn").exists()


def test_adding_a_name_already_listed_says_so(signed_in_page):
    page = signed_in_page
    BrandFactory(name="Acme")
    page.goto("/catalog/")

    page.get_by_label("New brand").fill("ACME")
    page.get_by_role("button", name="Add brand").click()

    expect(page.get_by_text('"Acme" is already in the list.')).to_be_visible()
    assert Brand.objects.count() == 1


def test_deleting_an_entry_in_use_is_refused_unless_the_purchases_are_kept(signed_in_page):
    page = signed_in_page
    shop = RetailerFactory(name="Corner Shop")
    kettle = PurchaseFactory(retailer=shop, product_name="Kettle", price=Decimal("25.00"))
    PurchaseFactory(retailer=shop)
    RetailerFactory(name="Unused Store")
    page.goto("/catalog/")

    page.get_by_role("button", name="Delete Corner Shop").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text('"Corner Shop" is not deleted: 2 purchases refer to it.')
    dialog.get_by_role("button", name='Keep "Corner Shop"').click()
    expect(dialog).to_be_hidden()
    assert Retailer.objects.filter(pk=shop.pk).exists()

    page.get_by_role("button", name="Delete Corner Shop").click()
    dialog.get_by_role("button", name="Keep the purchases, clear the retailer").click()
    expect(_row(page, "retailer", "Corner Shop")).to_have_count(0)
    toast = page.get_by_role("status").filter(has_text="2 purchases have no retailer now")
    expect(toast).to_be_visible()
    assert not Retailer.objects.filter(pk=shop.pk).exists()
    kettle = Purchase.objects.get(pk=kettle.pk)
    assert kettle.retailer_id is None

    page.get_by_role("button", name="Delete Unused Store").click()
    expect(dialog).to_contain_text("No purchase refers to it")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(_row(page, "retailer", "Unused Store")).to_have_count(0)
    assert not Retailer.objects.filter(name="Unused Store").exists()
    expect(page).to_have_url(re.compile(r"/catalog/$"))


def test_the_delete_dialog_counts_purchases_added_since_the_page_loaded(signed_in_page):
    page = signed_in_page
    shop = RetailerFactory(name="Quiet Shop")
    page.goto("/catalog/")
    expect(_row(page, "retailer", "Quiet Shop").get_by_role("cell").nth(1)).to_have_text("0")
    PurchaseFactory(retailer=shop)  # as from another tab, after this page was drawn

    page.get_by_role("button", name="Delete Quiet Shop").click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text('"Quiet Shop" is not deleted: 1 purchase refers to it.')
    clear = dialog.get_by_role("button", name="Keep the purchases, clear the retailer")
    expect(clear).to_be_enabled()
    assert Retailer.objects.filter(pk=shop.pk).exists()


def test_the_delete_dialog_in_the_dark_theme(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/catalog/")
    page.evaluate("window.spendsTheme.set('dark')")
    amazon = Retailer.objects.get(name="Amazon")

    page.get_by_role("button", name="Delete Amazon").click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"{amazon.purchases.count()} purchases refer to it")
    expect(dialog.get_by_role("button", name='Keep "Amazon"')).to_be_focused()
    screenshot(page, "catalog-delete-dark")
    for _ in range(5):  # the close button, the two choices, and round again: never the page
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Delete Amazon")).to_be_focused()
