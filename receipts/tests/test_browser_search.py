"""A purchase is found by a word only its receipt holds, and the inventory shows the receipt's
line under it (a real browser; docs/search.md §7)."""

from playwright.sync_api import expect

from purchases.tests.factories import PurchaseFactory
from receipts.tests.test_search import GRINDER_RECEIPT, with_receipt


def test_the_menu_s_search_finds_a_purchase_by_its_receipt_and_shows_the_line(
    signed_in_page, screenshot
):
    with_receipt(PurchaseFactory(product_name="Coffee grinder"), GRINDER_RECEIPT)
    PurchaseFactory(product_name="Kettle")
    page = signed_in_page
    page.goto("/inventory/")

    box = page.get_by_role("combobox", name="Search purchases")
    box.fill("jolly")
    box.press("Enter")

    expect(page.get_by_role("link", name="Coffee grinder", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Kettle", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("receipt-match")).to_have_text(
        "In receipt.pdf: “1 x Mazzer Super Jolly espresso grinder 349,00 EUR”"
    )
    screenshot(page, "search-inside-receipts")
