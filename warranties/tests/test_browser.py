"""The warranties page in a real browser: filters and void / un-void."""

import re

from playwright.sync_api import expect

from warranties.models import Warranty, WarrantyStatus


def test_filter_by_state_and_by_a_window_of_days(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/warranties/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(min(Warranty.objects.count(), 25))
    screenshot(page, "warranties")

    page.get_by_role("link", name="Expired").click()
    expect(page).to_have_url(re.compile(r"\?state=EXPIRED$"))
    expect(page.get_by_role("link", name="Expired")).to_have_attribute("aria-current", "page")
    expired = Warranty.objects.in_status(WarrantyStatus.EXPIRED).count()
    expect(rows).to_have_count(expired)
    expect(page.locator("tbody .badge", has_text="Expired")).to_have_count(expired)

    page.get_by_label("Expiring within (days)").fill("365")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?days=365$"))
    expect(rows).to_have_count(Warranty.objects.expiring(365).count())
    expect(page.get_by_text("end within the next 365 days")).to_be_visible()


def test_void_and_un_void_a_warranty_in_place(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/warranties/?state=ACTIVE")
    row = page.locator("tbody tr").first
    warranty = Warranty.objects.get(pk=row.get_attribute("data-id"))
    product = warranty.purchase.product_name

    row.get_by_role("button", name=f"Void the warranty of {product}").click()

    expect(page.get_by_role("status").filter(has_text="Voided the warranty")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Voided")
    warranty.refresh_from_db()
    assert warranty.voided
    screenshot(page, "warranties-voided")

    row.get_by_role("button", name=f"Un-void the warranty of {product}").click()

    expect(page.get_by_role("status").filter(has_text="Un-voided the warranty")).to_be_visible()
    expect(row.locator(".badge")).to_have_text(
        re.compile(r"^(Active until .+|Expires in \d+ days)$")
    )
    warranty.refresh_from_db()
    assert not warranty.voided


def test_the_warranties_page_on_a_phone(phone_page, demo_data, screenshot):
    page = phone_page
    page.goto("/warranties/?state=ACTIVE")

    expect(page.get_by_role("button", name=re.compile("^Void the warranty")).first).to_be_visible()
    screenshot(page, "warranties-phone")
