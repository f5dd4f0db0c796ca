"""One purchase's page, the inventory's thumbnails and its bulk actions, in a real browser."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from purchases.models import Attachment, FileType, Purchase, PurchaseStatus
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from warranties.tests.factories import WarrantyFactory

SHOWN = "(image) => image.complete && image.naturalWidth > 0"


def expect_shown(image) -> None:
    """Wait until IMAGE (a locator) has loaded a picture. (Not page.wait_for_function: its
    polling evaluates a string, which the content security policy forbids.)"""
    expect(image).to_have_count(1)
    for _ in range(100):
        if image.evaluate(SHOWN):
            return
        image.page.wait_for_timeout(100)
    raise AssertionError("the image did not load")


def photo_file(name="front.jpg"):
    content = image_bytes(400, 300, fmt="JPEG", color=(40, 110, 200), orientation=6)
    return {"name": name, "mimeType": "image/jpeg", "buffer": content}


def test_open_the_item_page_from_the_list_take_a_photo_and_see_it_everywhere(
    signed_in_page, screenshot
):
    purchase = PurchaseFactory(
        product_name="Espresso machine",
        serial_number="SN-123",
        tags="kitchen,coffee",
        notes="Descale monthly.",
    )
    WarrantyFactory(purchase=purchase, warranty_type="MANUFACTURER", provider="Delonghi Care")
    PurchaseFactory(product_name="Kettle", tags="kitchen")
    page = signed_in_page
    page.goto("/inventory/?tag=kitchen&sort=product_name")

    page.get_by_role("link", name="Espresso machine").click()
    expect(page).to_have_url(re.compile(rf"/inventory/{purchase.pk}/\?back="))
    expect(page.get_by_role("heading", name="Espresso machine", level=1)).to_be_visible()
    expect(page.get_by_test_id("no-photos")).to_be_visible()
    # The list is drawn by the server before the page's scripts run (the language catalogue
    # first): a file chosen before Alpine binds the input would go unnoticed.
    page.wait_for_function(
        "() => Boolean(document.querySelector('#item-photo-capture')"
        "?.closest('[x-data]')?._x_dataStack)"
    )
    page.locator("#item-photo-capture").set_input_files(photo_file())

    expect(page.get_by_role("status").filter(has_text="Attached “front.jpg”")).to_be_visible()
    attachment = Attachment.objects.get()
    assert attachment.file_type == FileType.PHOTO
    thumbnail = page.get_by_test_id("gallery").get_by_role("img")
    expect(thumbnail).to_have_attribute("src", re.compile(r"thumbnail\?size=320$"))
    expect_shown(page.get_by_test_id("gallery").locator("img"))
    # Turned by its EXIF orientation: 400 x 300 stored, shown upright as 240 x 320.
    size = thumbnail.evaluate("(image) => [image.naturalWidth, image.naturalHeight]")
    assert size == [240, 320]
    screenshot(page, "item-page")

    page.evaluate("window.spendsTheme.set('dark')")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    screenshot(page, "item-page-dark")
    page.evaluate("window.spendsTheme.set('light')")

    page.get_by_test_id("back-to-list").click()
    expect(page).to_have_url(re.compile(r"/inventory/\?tag=kitchen&sort=product_name$"))
    row = page.get_by_role("row").filter(has_text="Espresso machine")
    row_thumbnail = row.locator("img[data-thumbnail]")
    expect(row_thumbnail).to_have_attribute("src", re.compile(r"thumbnail\?size=96$"))
    expect_shown(page.locator("tbody img[data-thumbnail]"))
    expect(row.get_by_test_id("attachment-count")).to_contain_text("1")
    screenshot(page, "inventory-thumbnails")


def test_edit_and_delete_from_the_item_page(signed_in_page):
    purchase = PurchaseFactory(product_name="Desk lamp", status=PurchaseStatus.ORDERED)
    page = signed_in_page
    page.goto(f"/inventory/{purchase.pk}/?back=sort%3Dprice")

    page.get_by_role("button", name="Edit", exact=True).click()
    form = page.get_by_role("dialog", name="Edit “Desk lamp”")
    form.get_by_label("Serial number").fill("LMP-9")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved “Desk lamp”")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/inventory/{purchase.pk}/"))
    expect(page.get_by_text("LMP-9")).to_be_visible()

    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("status").filter(has_text="Deleted “Desk lamp”")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/inventory/\?sort=price$"))
    assert not Purchase.objects.exists()


def test_a_damaged_image_shows_its_icon_instead_of_a_broken_picture(
    signed_in_page, page_problems, api_client
):
    purchase = PurchaseFactory(product_name="Radio")
    answer = api_client.post(
        f"/api/files/{purchase.pk}",
        {
            "file": SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + bytes(40)),
            "file_type": "photo",
        },
    )
    assert answer.status_code == 201
    # Its thumbnail answers 404: the page shows the type icon in its place.
    page_problems.expect_status(404)
    page = signed_in_page
    page.goto(f"/inventory/{purchase.pk}/")

    gallery = page.get_by_test_id("gallery")
    expect(gallery.locator("img")).to_have_count(0)
    expect(gallery.locator(".thumb-box.failed .bi-image")).to_be_visible()


def test_bulk_tag_then_delete_with_a_confirmation(signed_in_page, page_problems, screenshot):
    for name in ["Drill", "Saw", "Sander"]:
        PurchaseFactory(product_name=name, status=PurchaseStatus.ORDERED)
    page = signed_in_page
    page.goto("/inventory/?sort=product_name")
    bar = page.get_by_role("region", name="Actions on the selected purchases")
    expect(bar).to_be_hidden()

    page.get_by_role("checkbox", name="Select Drill").check()
    page.get_by_role("checkbox", name="Select Saw").check()
    expect(bar).to_contain_text("2 selected")
    bar.get_by_label("Tag to add").fill("workshop")
    screenshot(page, "inventory-bulk")
    bar.get_by_role("button", name="Add tag").click()

    expect(
        page.get_by_role("status").filter(has_text="Tagged 2 purchases “workshop”")
    ).to_be_visible()
    assert sorted(
        Purchase.objects.filter(tags="workshop").values_list("product_name", flat=True)
    ) == [
        "Drill",
        "Saw",
    ]

    page.get_by_label("Select all on this page").check()
    expect(bar).to_contain_text("3 selected")
    bar.get_by_role("button", name="Mark received").click()
    expect(
        page.get_by_role("status").filter(has_text="Marked 3 purchases received")
    ).to_be_visible()
    assert not Purchase.objects.filter(status=PurchaseStatus.ORDERED).exists()

    page.get_by_label("Select all on this page").check()
    bar.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog", name="Delete 3 purchases?")
    expect(dialog).to_be_visible()
    screenshot(page, "inventory-bulk-delete")
    dialog.get_by_role("button", name="Keep them").click()
    expect(dialog).to_be_hidden()
    assert Purchase.objects.count() == 3

    bar.get_by_role("button", name="Delete…").click()
    dialog.get_by_role("button", name="Yes, delete 3 purchases").click()
    expect(page.get_by_role("status").filter(has_text="Deleted 3 purchases")).to_be_visible()
    expect(page.get_by_text("No purchases yet")).to_be_visible()
    assert not Purchase.objects.exists()


def test_the_item_page_and_thumbnails_on_a_phone(phone_page, screenshot):
    purchase = PurchaseFactory(product_name="Bike helmet", serial_number="HLM-1")
    WarrantyFactory(purchase=purchase)
    page = phone_page
    page.goto(f"/inventory/{purchase.pk}/")
    capture = page.locator("#item-photo-capture")
    expect(capture).to_have_attribute("accept", "image/*")
    expect(capture).to_have_attribute("capture", "environment")
    expect(page.get_by_text("Take a photo").first).to_be_visible()

    capture.set_input_files(photo_file("helmet.jpg"))
    expect(page.get_by_role("status").filter(has_text="Attached “helmet.jpg”")).to_be_visible()
    expect_shown(page.get_by_test_id("gallery").locator("img"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    screenshot(page, "item-page-phone")

    page.goto("/inventory/")
    expect_shown(page.locator("tbody img[data-thumbnail]"))
    screenshot(page, "inventory-thumbnails-phone")
    page.get_by_role("link", name="Bike helmet").click()
    expect(page.get_by_role("heading", name="Bike helmet", level=1)).to_be_visible()
