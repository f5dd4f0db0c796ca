"""A household's everyday walk through the app in a real browser, end to end (issue 21's
acceptance): add a purchase with a photo taken from a file, open its page, see its thumbnail in
the list, open a claim on its warranty and resolve it, then find it again by two words and by a
word with a one-letter typo. CI runs it on SQLite and on PostgreSQL, as the whole suite."""

import re

import pytest
from playwright.sync_api import expect

from purchases.models import Attachment, FileType, Purchase
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from warranties.models import Claim, ClaimStatus

pytestmark = pytest.mark.django_db(transaction=True)

SHOWN = "(image) => image.complete && image.naturalWidth > 0"


def expect_loaded(image) -> None:
    """Wait until IMAGE (a locator of one image) shows a decoded picture."""
    expect(image).to_have_count(1)
    for _ in range(100):
        if image.evaluate(SHOWN):
            return
        image.page.wait_for_timeout(100)
    raise AssertionError("the image did not load")


def add_the_dishwasher(page) -> Purchase:
    """Fill the purchase form as a person would, with a photo from the camera input."""
    page.goto("/inventory/")
    page.get_by_role("button", name="Add purchase").click()
    form = page.get_by_role("dialog", name="Add a purchase")
    form.get_by_label("Product name").fill("Serie 6 dishwasher")
    form.get_by_label("Price").fill("649.00")
    form.get_by_label("Retailer").fill("Kitchen Outlet")
    form.get_by_label("Brand").fill("Bosch")
    form.get_by_role("button", name="Add a warranty").click()
    form.get_by_role("group", name="Warranty 1").get_by_label("Months").fill("24")
    photo = image_bytes(480, 360, fmt="JPEG", color=(200, 60, 40))
    form.locator("#pf-photo").set_input_files(
        {"name": "dishwasher.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Added “Serie 6 dishwasher”")).to_be_visible()
    purchase = Purchase.objects.get(product_name="Serie 6 dishwasher")
    expect(page.get_by_role("row").filter(has_text="Serie 6 dishwasher")).to_be_visible()
    return purchase


def test_add_with_a_photo_open_it_claim_resolve_and_find_it_again(signed_in_page, screenshot):
    PurchaseFactory(product_name="Dish rack", brand__name="Ikea")  # shares a word, not both
    page = signed_in_page

    purchase = add_the_dishwasher(page)
    (attachment,) = Attachment.objects.filter(purchase=purchase)
    assert (attachment.file_type, attachment.filename) == (FileType.PHOTO, "dishwasher.jpg")

    # Its row shows the photo's thumbnail; its name opens its page, with the photo in the gallery.
    row = page.get_by_role("row").filter(has_text="Serie 6 dishwasher")
    expect_loaded(row.locator("img[data-thumbnail]"))
    screenshot(page, "walk-inventory")
    row.get_by_role("link", name="Serie 6 dishwasher", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/inventory/{purchase.pk}/"))
    expect(page.get_by_role("heading", name="Serie 6 dishwasher", level=1)).to_be_visible()
    expect_loaded(page.get_by_test_id("gallery").locator("img"))
    screenshot(page, "walk-item-page")

    # A claim on its warranty, opened from the item page, then resolved.
    claims = page.get_by_test_id("warranty-claims")
    claims.get_by_role("link", name=re.compile("Open a claim")).click()
    page.get_by_label("Claim or RMA number").fill("RMA-8841")
    page.get_by_role("button", name="Open the claim").click()
    expect(
        page.get_by_role("status").filter(has_text="The claim RMA-8841 is open.")
    ).to_be_visible()
    page.get_by_role("button", name="Resolve claim RMA-8841").click()
    expect(page.locator(".claim", has_text="RMA-8841")).to_contain_text("Resolved")
    claim = Claim.objects.get(number="RMA-8841")
    assert (claim.status, claim.warranty.purchase) == (ClaimStatus.RESOLVED, purchase)
    screenshot(page, "walk-claim-resolved")

    # Found again from the menu's search box: by two words from different places (brand and
    # product name), and by a word with one letter missing.
    for words in ("bosch dish", "dishwashr"):
        search = page.get_by_role("combobox", name="Search purchases")
        search.fill(words)
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/inventory/\?search="))
        links = page.locator("tbody").get_by_role("link", name="Serie 6 dishwasher", exact=True)
        expect(links.first).to_be_visible()
        expect(page.locator("tbody").get_by_text("Dish rack")).to_have_count(0)
        screenshot(page, f"walk-search-{words.replace(' ', '-')}")
