"""The inventory and the purchase form, in a real browser."""

import re
import struct
import zlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from kernel import clock
from preferences.formats import format_day
from purchases.models import Attachment, Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory


def small_png(width: int = 160, height: int = 100) -> bytes:
    """Return a valid PNG image of a red rectangle."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def small_pdf(text: str = "Receipt") -> bytes:
    """Return a valid one-page PDF showing TEXT, its cross-reference table at the right offsets."""
    stream = f"BT /F1 24 Tf 40 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    table = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return body


def filters_of(page):
    return page.get_by_role("search", name="Filter purchases")


def product_cells(page):
    return page.locator("tbody td.cell-product")


def test_the_inventory_shows_the_demo_purchases_in_pages(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/inventory/")

    expect(page.get_by_text("1\N{EN DASH}20 of 24 purchases")).to_be_visible()
    expect(product_cells(page)).to_have_count(20)
    screenshot(page, "inventory")
    page.get_by_role("link", name="Next").click()

    expect(page).to_have_url(re.compile(r"/inventory/\?page=2$"))
    expect(product_cells(page)).to_have_count(4)


def test_search_and_filters_narrow_the_list_and_live_in_the_url(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/inventory/")
    filters = filters_of(page)
    filters.get_by_label("Search", exact=True).fill("thinkpad")
    filters.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"search=thinkpad"))
    thinkpads = Purchase.objects.filter(product_name__icontains="ThinkPad").count()
    expect(product_cells(page)).to_have_count(thinkpads)
    for cell in product_cells(page).all():
        expect(cell).to_contain_text("ThinkPad")

    filters.get_by_label("Search", exact=True).fill("")
    filters.get_by_label("Brand").select_option(label="Sony")
    filters.get_by_label("Warranty").select_option(label="Expired")
    filters.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"warranty_status=EXPIRED"))
    expired_sony = [
        p
        for p in Purchase.objects.with_primary_warranty().filter(brand__name="Sony")
        if p.primary_warranty_status == "EXPIRED"
    ]
    expect(product_cells(page)).to_have_count(len(expired_sony))
    expect(filters.get_by_label("Brand")).to_have_value(str(expired_sony[0].brand_id))

    page.get_by_role("link", name="Clear filters").first.click()
    expect(page).to_have_url(re.compile(r"/inventory/$"))
    expect(product_cells(page)).to_have_count(20)


def test_clicking_a_column_header_sorts_by_it_and_again_reverses(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/inventory/")
    prices = sorted(Purchase.objects.values_list("price", flat=True))

    page.get_by_role("columnheader", name="Price").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=price$"))
    expect(page.get_by_role("columnheader", name="Price")).to_have_attribute(
        "aria-sort", "ascending"
    )
    first_price = page.locator("tbody td[data-col=price]").first
    expect(first_price).to_have_text(f"${prices[0]:,}")

    page.get_by_role("columnheader", name="Price").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=-price$"))
    expect(first_price).to_have_text(f"${prices[-1]:,}")


def test_a_hidden_column_stays_hidden_after_a_reload(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/inventory/")
    brand_header = page.get_by_role("columnheader", name="Brand")
    model_header = page.get_by_role("columnheader", name="Model")
    expect(brand_header).to_be_visible()
    expect(model_header).to_be_hidden()

    page.get_by_role("button", name="Columns").click()
    page.get_by_role("checkbox", name="Brand").uncheck()
    page.get_by_role("checkbox", name="Model").check()
    expect(brand_header).to_be_hidden()
    expect(page.locator("tbody td[data-col=brand]").first).to_be_hidden()
    expect(model_header).to_be_visible()

    page.reload()
    expect(brand_header).to_be_hidden()
    expect(model_header).to_be_visible()
    page.get_by_role("button", name="Columns").click()
    page.get_by_role("button", name="Default columns").click()
    expect(brand_header).to_be_visible()
    expect(model_header).to_be_hidden()


def test_add_edit_and_delete_a_purchase_with_a_warranty_and_an_attachment(
    signed_in_page, page_problems, screenshot
):
    page = signed_in_page
    # The dashboard's empty state links here: the form opens at once.
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    expect(form).to_be_visible()
    expect(form.get_by_label("Product name")).to_be_focused()
    expect(form.get_by_label("Currency")).to_have_value("USD")

    form.get_by_label("Product name").fill("Espresso machine")
    form.get_by_label("Price").fill("0")
    form.get_by_label("Retailer").fill("Kitchen Outlet")
    form.get_by_label("Brand").fill("Delonghi")
    tags = form.get_by_role("combobox", name="Tags")
    tags.fill("kitchen")
    tags.press("Enter")
    tags.fill("coffee")
    tags.press("Enter")
    form.get_by_role("button", name="Add a warranty").click()
    form.get_by_role("group", name="Warranty 1").get_by_label("Months").fill("24")
    form.get_by_label(re.compile("^Add a file")).set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": small_png()}
    )
    expect(form.get_by_text("Uploaded when the purchase is saved")).to_be_visible()

    page_problems.expect_status(422)
    form.get_by_role("button", name="Save").click()
    price = form.get_by_label("Price")
    expect(price).to_have_class(re.compile("is-invalid"))
    expect(form.locator("#pf-price-error")).to_have_text("Enter a price above 0, e.g. 12.99.")
    assert not Purchase.objects.exists()

    price.fill("429.00")
    form.get_by_role("button", name="Save").click()

    # The test server runs background jobs at once, inside the request: the attached receipt is
    # read by OCR before the upload answers (seconds on a busy machine).
    added = page.get_by_role("status").filter(has_text="Added “Espresso machine”")
    expect(added).to_be_visible(timeout=20_000)
    row = page.get_by_role("row").filter(has_text="Espresso machine")
    expect(row).to_contain_text("$429.00")
    expect(row).to_contain_text("Kitchen Outlet")
    expect(row).to_contain_text("Active")
    expect(page).to_have_url(re.compile(r"/inventory/$"))
    purchase = Purchase.objects.get()
    assert purchase.price == Decimal("429.00")
    assert purchase.brand.name == "Delonghi"
    assert purchase.tag_names == ["kitchen", "coffee"]
    warranty = purchase.warranties.get()
    assert (warranty.warranty_start, warranty.voided) == (purchase.purchase_date, False)
    assert Attachment.objects.get(purchase=purchase).mime_type == "image/png"

    row.get_by_role("button", name="Edit Espresso machine").click()
    form = page.get_by_role("dialog", name="Edit “Espresso machine”")
    expect(form.get_by_label("Product name")).to_have_value("Espresso machine")
    expect(form.get_by_label("Brand")).to_have_value("Delonghi")
    form.get_by_role("button", name="Preview receipt.png").click()
    expect(form.get_by_role("img", name="Preview of receipt.png")).to_be_visible()
    form.get_by_role("group", name="Warranty 1").get_by_role("button", name="Void").click()
    form.get_by_role("button", name="Add a warranty").click()
    second = form.get_by_role("group", name="Warranty 2")
    second.get_by_label("Length").select_option(label="Until a date")
    second.get_by_label("Ends").fill("2030-05-31")
    second.get_by_label("Provider").fill("Insurer Ltd")
    form.get_by_label("Serial number").fill("SN-123")
    page.set_viewport_size({"width": 1280, "height": 1900})
    screenshot(page, "purchase-form")
    page.set_viewport_size({"width": 1280, "height": 900})
    form.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="Saved “Espresso machine”")).to_be_visible()
    purchase.refresh_from_db()
    assert purchase.serial_number == "SN-123"
    warranties = list(purchase.warranties.order_by("warranty_end"))
    assert [(w.provider, w.voided) for w in warranties] == [(None, True), ("Insurer Ltd", False)]
    assert str(warranties[1].warranty_end) == "2030-05-31"

    page.get_by_role("button", name="Edit Espresso machine").click()
    form = page.get_by_role("dialog", name="Edit “Espresso machine”")
    form.get_by_role("button", name="Remove receipt.png").click()
    expect(page.get_by_role("status").filter(has_text="Removed “receipt.png”")).to_be_visible()
    assert not Attachment.objects.exists()
    form.get_by_role("button", name="Delete", exact=True).click()
    form.get_by_role("button", name="Yes, delete it").click()

    expect(page.get_by_role("status").filter(has_text="Deleted “Espresso machine”")).to_be_visible()
    expect(page.get_by_text("No purchases yet")).to_be_visible()
    assert not Purchase.objects.exists()
    assert not Warranty.objects.exists()


def test_a_pdf_receipt_is_previewed_inside_the_form(
    signed_in_page, api_client, screenshot, django_capture_on_commit_callbacks
):
    purchase = PurchaseFactory(product_name="Dishwasher")
    answer = api_client.post(
        f"/api/files/{purchase.id}",
        {
            "file": SimpleUploadedFile("receipt.pdf", small_pdf(), "application/pdf"),
            "file_type": "receipt",
        },
    )
    assert answer.status_code == 201, answer.content
    page = signed_in_page
    page.goto(f"/inventory/?edit={purchase.id}")
    form = page.get_by_role("dialog", name="Edit “Dishwasher”")

    with page.expect_response(re.compile(r"/api/files/.+/download")) as pdf:
        form.get_by_role("button", name="Preview receipt.pdf").click()

    frame = form.locator("iframe[title='Preview of receipt.pdf']")
    expect(frame).to_be_visible()
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
    # The frame was allowed (a refusal is a console error) and Chromium opened its PDF viewer.
    for _ in range(50):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"no PDF viewer among {[frame.url for frame in page.frames]}")
    frame.scroll_into_view_if_needed()
    screenshot(page, "inventory-pdf-preview")
    form.get_by_role("button", name="Preview receipt.pdf").click()
    expect(frame).to_have_count(0)


def test_keyboard_focus_stays_in_the_purchase_form_until_it_closes(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/inventory/")
    opener = page.get_by_role("button", name="Add purchase").first
    opener.focus()
    page.keyboard.press("Enter")
    form = page.get_by_role("dialog", name="Add a purchase")
    expect(form.get_by_label("Product name")).to_be_focused()

    in_form = "() => document.activeElement.closest('[role=dialog]') !== null"
    # Forward first: x-trap takes hold a moment after the dialog opens, and from the first field
    # Tab stays inside anyway. Both ways round the whole form and past its ends.
    for key in ["Tab"] * 40 + ["Shift+Tab"] * 45:
        page.keyboard.press(key)
        assert page.evaluate(in_form), f"focus left the form after {key}"

    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(opener).to_be_focused()


def test_a_file_the_server_finds_too_large_is_refused_with_a_clear_message(
    signed_in_page, page_problems, demo_data, settings
):
    page = signed_in_page
    purchase = Purchase.objects.order_by("-created_at", "-id").first()
    page.goto(f"/inventory/?edit={purchase.pk}")
    form = page.get_by_role("dialog")
    expect(form.get_by_label("Product name")).to_have_value(purchase.product_name)
    # The page allows 10 MB; the server has been set to a lower limit since it was drawn.
    settings.SPENDS_ATTACHMENT_MAX_BYTES = 100
    page_problems.expect_status(413)

    form.get_by_label(re.compile("^Add a file")).set_input_files(
        {"name": "large.png", "mimeType": "image/png", "buffer": small_png(64, 64) + bytes(200)}
    )

    expect(form.get_by_role("alert").filter(has_text="too large")).to_contain_text(
        "“large.png” is too large: files can be at most 10.0 MB."
    )
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_not_even_sent(signed_in_page, demo_data, settings):
    settings.SPENDS_ATTACHMENT_MAX_BYTES = 100
    page = signed_in_page
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog")

    form.get_by_label(re.compile("^Add a file")).set_input_files(
        {"name": "big.png", "mimeType": "image/png", "buffer": small_png(64, 64)}
    )

    expect(form.get_by_role("alert").filter(has_text="big.png")).to_contain_text(
        "files can be at most 100 B"
    )
    expect(form.get_by_text("Uploaded when the purchase is saved")).to_have_count(0)


def test_the_inventory_on_a_phone(phone_page, demo_data, screenshot):
    page = phone_page
    page.goto("/inventory/?per_page=10")
    filters = filters_of(page)
    status_filter = filters.get_by_label("Status")
    expect(status_filter).to_be_hidden()
    # Each purchase is a card of labelled lines; the header row is gone.
    expect(page.get_by_role("columnheader", name="Price")).to_be_hidden()
    first_edit = page.get_by_role("button", name=re.compile("^Edit ")).first
    expect(first_edit).to_be_visible()
    screenshot(page, "inventory-phone")

    filters.get_by_role("button", name="Filters").click()
    expect(status_filter).to_be_visible()
    filters.get_by_label("Sort by").select_option(label="Cheapest")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"sort=price"))
    cheapest = min(Purchase.objects.values_list("price", flat=True))
    expect(page.locator("tbody td[data-col=price]").first).to_have_text(f"${cheapest:,}")

    page.get_by_role("button", name=re.compile("^Edit ")).first.click()
    expect(page.get_by_role("dialog").get_by_label("Product name")).not_to_have_value("")
    # The form fills the screen: what a person sees is the viewport, not the page behind it.
    page.screenshot(path=settings.BASE_DIR / "build" / "screenshots" / "purchase-form-phone.png")


def test_the_inventory_in_the_dark_theme(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/inventory/")
    page.evaluate("window.spendsTheme.set('dark')")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.get_by_role("button", name=re.compile("^Edit ")).first.click()
    expect(page.get_by_role("dialog").get_by_label("Product name")).not_to_have_value("")

    # A modal is fixed to the viewport: make the viewport as tall as the form to see all of it.
    page.set_viewport_size({"width": 1280, "height": 1900})
    screenshot(page, "purchase-form-dark")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    screenshot(page, "inventory-dark")


def test_the_form_shows_each_warranty_with_the_badge_the_pages_show(signed_in_page, screenshot):
    """One rule (warranties/badges.py): an active warranty near its end is "Expiring" in the form
    as in the lists, and a voided one "Voided"."""
    purchase = PurchaseFactory(product_name="Dishwasher")
    today = clock.today()
    for days, voided in [(10, False), (400, False), (-5, False), (100, True)]:
        WarrantyFactory(purchase=purchase, warranty_end=today + timedelta(days=days), voided=voided)
    page = signed_in_page
    page.goto(f"/inventory/?edit={purchase.id}")
    form = page.get_by_role("dialog", name="Edit “Dishwasher”")

    badges = form.locator(".badge").filter(has_text=re.compile("Active|Expires|Expired|Voided"))

    def day(date):  # the household's date format (the default), as the pages write it
        return format_day(date, "")

    expect(badges).to_have_text(
        [
            f"Expired on {day(today - timedelta(days=5))}",
            "Expires in 10 days",
            "Voided",
            f"Active until {day(today + timedelta(days=400))}",
        ]
    )
    # The dialog scrolls inside the page: a tall window shows all of it.
    page.set_viewport_size({"width": 1366, "height": 2200})
    screenshot(page, "purchase-form-warranty-badges")
