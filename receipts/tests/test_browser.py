"""Adding a purchase from a receipt, and the receipts waiting for review, in a real browser.

The live server runs background jobs at once when their transaction commits (the root conftest):
a receipt added is read before its request answers, so the form opens on the first answer.
"""

import base64
import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from preferences.formats import format_day
from purchases.models import Attachment, FileType, Purchase
from receipts.models import Draft, DraftStatus
from receipts.tests.test_drafts import INVOICE, SAMPLES, upload

DRAFTS = "/api/receipts/drafts"
# A photographed receipt (OCR, a few seconds): Harbor Hardware Co., 12 May 2026, 301.83 USD,
# one line item (receipts/tests/samples/expected.json).
PHOTO = "21-photo-online-en-usd.png"


def _dialog(page):
    return page.get_by_role("dialog", name="Add a purchase from a receipt")


def _ready(page) -> None:
    """Wait for Alpine to have bound the drop area: the page is drawn by the server before its
    scripts run (the language catalogue first), and a file given earlier would go unnoticed."""
    page.wait_for_function(
        "() => Boolean(document.querySelector('[data-testid=receipt-drop]')"
        "?.closest('[x-data]')?._x_dataStack)"
    )


def _drop(page, target, name: str, mime_type: str) -> None:
    """Drop the sample NAME on TARGET as a person drags a file from their desktop."""
    content = base64.b64encode((SAMPLES / name).read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([content, name, type]) => {
            const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            return transfer;
        }""",
        [content, name, mime_type],
    )
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def _added_draft(api_client, django_capture_on_commit_callbacks, name=INVOICE):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.post(DRAFTS, {"file": upload(name)})
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_pdf_receipt_fills_the_form_and_is_attached_once_saved(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/inventory/")
    _ready(page)
    choose = page.get_by_role("button", name="Choose a receipt")
    with page.expect_file_chooser() as chooser:
        choose.click()
    chooser.value.set_files(
        {"name": INVOICE, "mimeType": "application/pdf", "buffer": (SAMPLES / INVOICE).read_bytes()}
    )

    form = _dialog(page)
    expect(form).to_be_visible()
    expect(form.get_by_role("region", name=f"The receipt: {INVOICE}")).to_be_visible()
    price = form.get_by_label("Price")
    expect(price).to_have_value("222.28")
    expect(price).to_have_class(re.compile("is-suggested"))
    expect(price).to_have_accessible_description(
        re.compile(r"^Suggested · 90 % From the receipt: “Order Total \$222\.28”")
    )
    expect(form.get_by_label("Currency")).to_have_value("USD")
    expect(form.get_by_role("textbox", name="Purchase date")).to_have_value(
        format_day(datetime.date(2025, 8, 13), "")
    )
    expect(form.get_by_label("Retailer")).to_have_value("Target")
    expect(form.get_by_label("Order number")).to_have_value("WEB-74212955")
    name = form.get_by_label("Product name")
    expect(name).to_have_value("AA Batteries 8-pack")
    expect(form.locator("#pf-product_name-suggested")).to_be_visible()
    assert not Purchase.objects.exists()  # nothing saved before Save
    page.set_viewport_size({"width": 1400, "height": 1100})
    # The frame was allowed (a refusal is a console error) and Chromium opened its PDF viewer.
    for _ in range(50):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    screenshot(page, "receipt-form-pdf")

    # Corrected: the mark goes, the others stay.
    name.fill("Batteries and cable")
    expect(form.locator("#pf-product_name-suggested")).to_be_hidden()
    expect(name).not_to_have_class(re.compile("is-suggested"))
    expect(name).to_have_accessible_description("")
    expect(form.locator("#pf-price-suggested")).to_be_visible()
    form.get_by_role("button", name="Save").click()

    expect(
        page.get_by_role("status").filter(has_text="Added “Batteries and cable” with its receipt")
    ).to_be_visible()
    purchase = Purchase.objects.get()
    assert (purchase.product_name, purchase.price, purchase.currency_code) == (
        "Batteries and cable",
        Decimal("222.28"),
        "USD",
    )
    assert purchase.purchase_date == datetime.date(2025, 8, 13)
    assert (purchase.retailer.name, purchase.retailer_order_number) == ("Target", "WEB-74212955")
    receipt = Attachment.objects.get(purchase=purchase)
    assert (receipt.file_type, receipt.filename) == (FileType.RECEIPT, INVOICE)
    draft = Draft.objects.get()
    assert (draft.status, draft.purchase_id) == (DraftStatus.CONFIRMED, purchase.pk)
    page.goto("/inventory/receipts/")
    expect(page.get_by_test_id("no-drafts")).to_be_visible()


def test_a_receipt_photo_dropped_opens_the_form_prefilled(signed_in_page, screenshot):
    page = signed_in_page
    page.goto("/inventory/")
    _ready(page)
    area = page.get_by_test_id("receipt-drop")
    _drop(page, area, PHOTO, "image/png")
    expect(area.get_by_role("status")).to_contain_text("Adding")

    form = _dialog(page)
    # The photo is read by OCR before the answer: seconds on a busy machine.
    expect(form).to_be_visible(timeout=30_000)
    expect(form.get_by_role("img", name=f"The receipt {PHOTO}")).to_be_visible()
    expect(form.get_by_label("Price")).to_have_value("301.83")
    expect(form.get_by_label("Product name")).to_have_value("Sony WH-1000XM5 Headphones")
    expect(form.get_by_role("textbox", name="Purchase date")).to_have_value(
        format_day(datetime.date(2026, 5, 12), "")
    )
    retailer = form.get_by_label("Retailer")
    expect(form.locator("#pf-retailer_name-suggested")).to_contain_text("Suggested")
    screenshot(page, "receipt-form-photo")
    retailer.fill("Harbor Hardware Co.")
    expect(form.locator("#pf-retailer_name-suggested")).to_be_hidden()
    form.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="with its receipt")).to_be_visible()
    purchase = Purchase.objects.get()
    assert (purchase.price, purchase.purchase_date, purchase.retailer.name) == (
        Decimal("301.83"),
        datetime.date(2026, 5, 12),
        "Harbor Hardware Co.",
    )
    assert Attachment.objects.get(purchase=purchase).mime_type == "image/png"
    assert not Draft.objects.filter(status=DraftStatus.WAITING).exists()

    # "Portland" is printed only on the receipt (the shop's address): the search finds the
    # purchase by it, and shows the receipt's line it is on.
    box = page.get_by_role("combobox", name="Search purchases")
    box.fill("portland")
    box.press("Enter")
    expect(page.get_by_role("link", name="Sony WH-1000XM5 Headphones", exact=True)).to_be_visible()
    expect(page.get_by_test_id("receipt-match")).to_contain_text(f"In {PHOTO}:")
    expect(page.get_by_test_id("receipt-match")).to_contain_text("Portland")
    screenshot(page, "receipt-found-by-its-words")


def test_a_receipt_that_cannot_be_read_opens_the_form_empty_and_keeps_the_file(
    signed_in_page, page_problems
):
    page = signed_in_page
    page.goto("/inventory/")
    _ready(page)
    page.get_by_label("Receipt file").set_input_files(
        {"name": "torn.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not really"}
    )
    form = _dialog(page)
    expect(form.get_by_role("status")).to_contain_text("could not be read")
    expect(form.get_by_label("Product name")).to_have_value("")
    expect(form.get_by_label("Product name")).to_be_focused()
    form.get_by_label("Product name").fill("Torn receipt thing")
    form.get_by_label("Price").fill("12.50")
    form.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="with its receipt")).to_be_visible()
    purchase = Purchase.objects.get()
    assert Attachment.objects.get(purchase=purchase).filename == "torn.pdf"


def test_a_file_that_is_no_receipt_is_refused_before_it_is_sent(signed_in_page):
    page = signed_in_page
    page.goto("/inventory/")
    _ready(page)
    page.get_by_label("Receipt file").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}
    )
    expect(page.get_by_test_id("receipt-drop").get_by_role("alert")).to_contain_text(
        "“notes.txt” is not a receipt that can be read"
    )
    assert not Draft.objects.exists()


def test_receipts_waiting_are_listed_reviewed_and_dismissed(
    signed_in_page, api_client, django_capture_on_commit_callbacks, screenshot
):
    first = _added_draft(api_client, django_capture_on_commit_callbacks)
    second = _added_draft(
        api_client, django_capture_on_commit_callbacks, "10-pdf-text-invoice-de-eur.pdf"
    )
    page = signed_in_page
    page.goto("/inventory/")
    _ready(page)
    page.get_by_test_id("receipts-waiting").filter(has_text="2 receipts waiting").click()
    expect(page).to_have_url(re.compile(r"/inventory/receipts/$"))
    rows = page.get_by_test_id("draft")
    expect(rows).to_have_count(2)
    target = rows.filter(has_text=INVOICE)
    expect(target).to_contain_text("Target")
    expect(target).to_contain_text("$222.28")
    expect(target).to_contain_text("Read")
    screenshot(page, "receipt-drafts")

    # Dismissed from the list: asked first, then gone with its file.
    target.get_by_role("button", name="Dismiss", exact=True).click()
    keep = target.get_by_role("button", name="Keep it")
    expect(keep).to_be_focused()
    target.get_by_role("button", name="Yes, dismiss it").click()
    expect(page.get_by_role("status").filter(has_text=f"Dismissed “{INVOICE}”")).to_be_visible()
    expect(page.get_by_test_id("draft")).to_have_count(1)
    assert not Draft.objects.filter(pk=first["id"]).exists()

    # Reviewed, then not a purchase after all.
    page.get_by_role("button", name="Review").click()
    form = _dialog(page)
    expect(form.get_by_label("Retailer")).to_have_value("OBI Baumarkt")
    expect(form.get_by_label("Currency")).to_have_value("EUR")
    # The marks show a frame after the values and move the buttons below, and the receipt's
    # preview loads beside them: pressed from the keyboard, which no late shift can misdirect.
    expect(form.locator("#pf-price-suggested")).to_be_visible()
    form.get_by_role("button", name="Not a purchase").press("Enter")
    expect(form.get_by_role("button", name="Keep it")).to_be_focused()
    form.get_by_role("button", name="Yes, dismiss it").press("Enter")
    expect(page.get_by_test_id("no-drafts")).to_be_visible()
    assert not Draft.objects.filter(pk=second["id"]).exists()
    assert not Purchase.objects.exists()


def test_reviewing_a_receipt_on_a_phone_and_in_the_dark(
    phone_page, api_client, django_capture_on_commit_callbacks, screenshot
):
    _added_draft(api_client, django_capture_on_commit_callbacks)
    page = phone_page
    page.goto("/inventory/receipts/")
    screenshot(page, "receipt-drafts-phone")
    page.get_by_role("button", name="Review").click()
    form = _dialog(page)
    expect(form.get_by_label("Price")).to_have_value("222.28")
    screenshot(page, "receipt-form-phone")
    page.evaluate("window.spendsTheme.set('dark')")
    page.set_viewport_size({"width": 1400, "height": 1100})
    screenshot(page, "receipt-form-dark")

    # Closed without a decision: the receipt still waits, the focus is back on its Review.
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()
    expect(page.get_by_role("button", name="Review")).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="waits among the receipts")).to_be_visible()
    assert Draft.objects.filter(status=DraftStatus.WAITING).count() == 1
