"""The purchase form in the household's words (docs/forms.md): dates in its date format with a
calendar, required fields marked, tags as chips with suggestions, toasts one per message."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from preferences.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_dates_are_typed_and_shown_in_the_household_format(signed_in_page, screenshot):
    preferences_update(date_format="DD/MM/YYYY")
    purchase = PurchaseFactory(
        product_name="Radio", purchase_date=date(2024, 8, 14), tags="tv,living room"
    )
    WarrantyFactory(
        purchase=purchase, warranty_start=date(2024, 8, 14), warranty_end=date(2025, 8, 14)
    )
    page = signed_in_page
    page.goto("/inventory/")
    row = page.get_by_role("row").filter(has_text="Radio")
    expect(row.locator(".badge").filter(has_text="Expired")).to_have_text("Expired on 14/08/2025")
    expect(row.locator(".tag-chip")).to_have_text(["tv", "living room"])

    page.goto(f"/inventory/?edit={purchase.id}")
    form = page.get_by_role("dialog", name="Edit “Radio”")
    date_field = form.locator("#pf-purchase_date")
    expect(date_field).to_have_value("14/08/2024")
    expect(date_field).to_have_attribute("placeholder", "DD/MM/YYYY")
    expect(form.locator("#pf-warranty-0-start")).to_have_value("14/08/2024")
    expect(form.locator(".ts-control .item")).to_have_text(["tv", "living room"])
    # Required fields: marked, announced, and the legend says what the mark means.
    for label in ("Product name", "Price", "Currency", "Purchase date"):
        field = form.get_by_role("textbox", name=label).or_(
            form.get_by_role("combobox", name=label)
        )
        expect(field.first).to_have_attribute("aria-required", "true")
    expect(form.locator("#pf-required-legend")).to_have_text("* required")

    # The calendar button opens the browser's picker on a hidden date input; choosing a day
    # there writes it into the field in the household's format.
    native = form.locator("#pf-purchase_date ~ .date-picker-native")
    native.evaluate("(el) => { el.value = '2024-08-20'; el.dispatchEvent(new Event('change')); }")
    expect(date_field).to_have_value("20/08/2024")
    expect(date_field).to_be_focused()

    date_field.fill("2/13/2024")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#pf-purchase_date-error")).to_have_text(
        "Enter the date as DD/MM/YYYY, e.g. 14/08/2026."
    )
    expect(date_field).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#pf-error-summary")).to_contain_text("Purchase date: Enter the date as")
    screenshot(page, "purchase-form-date-error")

    date_field.fill("13/02/2024")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved “Radio”")).to_be_visible()
    purchase.refresh_from_db()
    assert purchase.purchase_date == date(2024, 2, 13)
    assert purchase.tags == "tv,living room"


def test_tags_are_suggested_from_the_household(signed_in_page):
    PurchaseFactory(tags="garden,tools")
    page = signed_in_page
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    # The form focuses its first field a frame after it is shown: typing in the tags before then
    # would lose the focus, and Tom Select would turn the letters into a tag as they left.
    expect(form.get_by_label("Product name")).to_be_focused()
    tags = form.get_by_role("combobox", name="Tags")
    tags.fill("gar")
    expect(page.get_by_role("option", name="garden")).to_be_visible()
    # The first choice adds what was typed; the suggestion comes next.
    tags.press("ArrowDown")
    expect(page.get_by_role("option", name="garden")).to_have_class(re.compile("active"))
    tags.press("Enter")
    expect(form.locator(".ts-control .item")).to_have_text(["garden"])

    form.get_by_label("Product name").fill("Rake")
    form.get_by_label("Price").fill("12.99")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Added “Rake”")).to_be_visible()
    assert Purchase.objects.get(product_name="Rake").tags == "garden"


def test_toasts_one_per_message_bounded_and_dismissible(signed_in_page):
    page = signed_in_page
    page.goto("/inventory/")
    area = page.locator(".toast-area")
    expect(area).to_have_attribute("aria-live", "polite")

    # A 422's sentences are joined as sentences, never with ".;".
    body = {"detail": [{"msg": "Enter a price."}, {"msg": "A name."}]}
    message = page.evaluate("(body) => window.api.errorOf(422, '', body).message", body)
    assert message == "Enter a price. A name."

    page.evaluate(
        "() => { for (const m of ['One.', 'One.', 'Two.', 'Three.', 'Four.']) notify(m, 'error'); }"
    )
    expect(area.locator(".toast")).to_have_text(["Two.", "Three.", "Four."])
    area.get_by_role("button", name="Close the notification").first.click()
    expect(area.locator(".toast")).to_have_text(["Three.", "Four."])

    page.evaluate("() => notify('Saved.', 'success')")
    expect(area.locator(".toast").filter(has_text="Saved.")).to_be_visible()
    expect(area.locator(".toast").filter(has_text="Saved.")).to_be_hidden(timeout=8000)
    # Failures stay until closed.
    expect(area.locator(".toast")).to_have_count(2)


def test_prices_are_typed_and_shown_with_the_household_s_decimal_sign(signed_in_page, screenshot):
    """A German number style: "1.249,50" is typed, 1249.50 is kept, "1249,50" is shown again
    when the purchase is edited, and the field's hint is "0,00" (static/js/format.js)."""
    preferences_update(number_style="de_DE")
    page = signed_in_page
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    name = form.get_by_label("Product name")
    expect(name).to_be_focused()
    price = form.get_by_label("Price")
    expect(price).to_have_attribute("placeholder", "0,00")

    name.fill("Waschmaschine")
    price.fill("1.249,50")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved = Purchase.objects.get(product_name="Waschmaschine")
    assert str(saved.price) == "1249.50"

    page.goto(f"/inventory/?edit={saved.pk}")
    form = page.get_by_role("dialog", name=re.compile("Waschmaschine"))
    expect(form.get_by_label("Price")).to_have_value("1249,50")
    form.get_by_label("Price").fill("12,99")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved.refresh_from_db()
    assert str(saved.price) == "12.99"
    screenshot(page, "purchase-price-german")


def test_a_comma_that_is_no_thousands_separator_is_refused_not_read_as_one(
    signed_in_page, page_problems
):
    """In English "12,99" is no number: it is refused, never saved as 1299."""
    page_problems.expect_status(422)
    page = signed_in_page
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    expect(form.get_by_label("Product name")).to_be_focused()
    form.get_by_label("Product name").fill("Kettle")
    form.get_by_label("Price").fill("12,99")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#pf-price-error")).not_to_be_empty()
    assert not Purchase.objects.filter(product_name="Kettle").exists()
