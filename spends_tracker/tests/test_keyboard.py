"""Keyboard-only use (docs/forms.md §7): the purchase form is filled and saved with Tab, typing
and Enter; Escape closes a dialog and gives the focus back to what opened it; open dialogs keep
the focus inside them."""

import re

import pytest
from playwright.sync_api import expect

from purchases.models import Purchase

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 80


def focused(page) -> dict:
    """What has the keyboard focus: its id, its name and whether it is in a dialog."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            id: el.id,
            name: el.getAttribute("aria-label") || el.textContent.trim(),
            inDialog: Boolean(el.closest('[role="dialog"]')),
          };
        }"""
    )


def tab_to(page, matches, *, backwards: bool = False) -> dict:
    """Press Tab (Shift+Tab) until the focused element MATCHES; fail after MAX_TABS presses."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element; last: {focused(page)}")


def wait_for_focus_in_dialog(page) -> None:
    """A dialog takes the focus a frame after it is shown (window.afterShown); keys pressed
    before that frame would go to the page behind it, which no person is quick enough to do."""
    page.wait_for_function("() => Boolean(document.activeElement.closest('[role=\"dialog\"]'))")


def assert_focus_stays_in_dialog(page, presses: int = 40) -> None:
    wait_for_focus_in_dialog(page)
    for key in ("Tab", "Shift+Tab"):
        for _ in range(presses):
            page.keyboard.press(key)
            element = focused(page)
            assert element["inDialog"], f"{key} left the dialog for {element}"


def test_a_purchase_is_added_with_the_keyboard_alone(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/inventory/")
    page.locator("body").focus()

    tab_to(page, lambda element: element["name"] == "Add purchase")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Add a purchase")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Product name")).to_be_focused()

    page.keyboard.type("Keyboard kettle")
    page.keyboard.press("Tab")
    page.keyboard.type("34.50")
    tab_to(page, lambda element: element["id"] == "pf-retailer")
    page.keyboard.type("Corner shop")
    tab_to(page, lambda element: element["id"] == "pf-tags-ts-control")
    page.keyboard.type("kitchen")
    page.keyboard.press("Enter")
    page.keyboard.type("gift")
    page.keyboard.press("Enter")
    # The focus stays in the dialog all the way round, and Save is reached by Tab.
    tab_to(page, lambda element: element["name"] == "Save")
    screenshot(page, "keyboard-purchase-form")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Added “Keyboard kettle”")).to_be_visible()
    purchase = Purchase.objects.get(product_name="Keyboard kettle")
    assert str(purchase.price) == "34.50"
    assert purchase.retailer.name == "Corner shop"
    assert purchase.tag_names == ["kitchen", "gift"]


def test_errors_are_reached_from_the_keyboard(signed_in_page, page_problems):
    page = signed_in_page
    page_problems.expect_status(422)
    page.goto("/inventory/?new=1")
    dialog = page.get_by_role("dialog", name="Add a purchase")
    expect(dialog.get_by_label("Product name")).to_be_focused()

    # Enter in a text field submits the form: the first field in error takes the focus.
    page.keyboard.press("Enter")
    name = dialog.get_by_label("Product name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(dialog.locator("#pf-product_name-error")).to_have_text("A product name is required.")
    expect(dialog.locator("#pf-price-error")).to_have_text("Enter a price, e.g. 12.99.")
    expect(dialog.locator("#pf-error-summary")).to_contain_text("2 fields need correcting")

    # A date that does not read in the household's format is said so before anything is sent.
    page.keyboard.type("Toaster")
    page.keyboard.press("Tab")
    page.keyboard.type("25")
    tab_to(page, lambda element: element["id"] == "pf-purchase_date")
    page.keyboard.press("Control+A")
    page.keyboard.type("31/12/2025")  # the default format is MM/DD/YYYY
    page.keyboard.press("Enter")
    date = dialog.locator("#pf-purchase_date")
    expect(date).to_be_focused()
    expect(dialog.locator("#pf-purchase_date-error")).to_have_text(
        "Enter the date as MM/DD/YYYY, e.g. 08/14/2026."
    )


def test_escape_closes_the_purchase_form_and_the_focus_returns(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/inventory/")
    page.locator("body").focus()
    tab_to(page, lambda element: element["name"] == "Add purchase")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Add a purchase")
    expect(dialog).to_be_visible()

    assert_focus_stays_in_dialog(page)

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Add purchase")).to_be_focused()

    # An edit button opens the form on its purchase; Escape gives the focus back to it.
    edit = tab_to(page, lambda element: element["name"].startswith("Edit "))
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=re.compile("^Edit "))).to_be_visible()
    wait_for_focus_in_dialog(page)
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name=edit["name"]).first).to_be_focused()


def test_escape_closes_the_form_while_the_purchase_is_still_loading(signed_in_page, demo_data):
    """A slow answer: Escape pressed before it arrives closes the form, and the late answer
    neither opens it again nor takes the focus from the button that opened it."""
    page = signed_in_page
    held = []
    page.route(re.compile(r"/api/purchases/[0-9a-f-]+$"), lambda route: held.append(route))
    page.goto("/inventory/")
    page.locator("body").focus()
    edit = tab_to(page, lambda element: element["name"].startswith("Edit "))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=re.compile("^Edit "))
    expect(dialog).to_be_visible()
    wait_for_focus_in_dialog(page)

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    for route in held:
        route.continue_()
    page.wait_for_timeout(300)  # the late answer's turn to do harm, were it allowed to
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name=edit["name"]).first).to_be_focused()


def test_a_confirmation_keeps_the_focus_and_escape_returns_it(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/catalog/")
    page.locator("body").focus()
    opener = tab_to(page, lambda element: element["name"].startswith("Delete "))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    wait_for_focus_in_dialog(page)
    assert focused(page)["inDialog"]

    assert_focus_stays_in_dialog(page, presses=10)

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name=opener["name"], exact=True)).to_be_focused()
