"""Claims in a real browser: opened from the warranties page, moved through their statuses, and
the page on a phone (docs/claims.md §4)."""

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from kernel import clock
from warranties.models import Claim, ClaimStatus
from warranties.tests.factories import ClaimFactory, WarrantyFactory, attachment_of


def a_dishwasher_with_a_claim():
    today = clock.today()
    warranty = WarrantyFactory(
        purchase__product_name="Bosch dishwasher",
        purchase__purchase_date=today - datetime.timedelta(days=200),
        warranty_start=today - datetime.timedelta(days=200),
        warranty_end=today + datetime.timedelta(days=530),
        warranty_type="Manufacturer",
    )
    receipt = attachment_of(warranty.purchase, name="receipt.pdf")
    claim = ClaimFactory(
        warranty=warranty,
        number="RMA-123",
        opened_on=today - datetime.timedelta(days=6),
        status=ClaimStatus.IN_PROGRESS,
        cost=Decimal("24.90"),
        currency_code="EUR",
        follow_up_on=today + datetime.timedelta(days=4),
        notes="Pump makes a grinding noise",
    )
    receipt.claim = claim
    receipt.save(update_fields=["claim"])
    WarrantyFactory(purchase__product_name="Espresso machine")
    return warranty


def test_open_a_claim_and_move_it_through_its_statuses(signed_in_page, screenshot):
    warranty = a_dishwasher_with_a_claim()
    page = signed_in_page
    page.goto("/warranties/")
    row = page.locator("tbody tr", has_text="Bosch dishwasher")
    expect(row.locator(".claims-state")).to_contain_text("1 claim in progress")
    screenshot(page, "warranties-with-claim")

    row.get_by_role("link", name=re.compile("on the warranty of Bosch dishwasher$")).click()
    expect(page.locator(".claim", has_text="RMA-123")).to_contain_text("In progress")
    expect(page.locator(".claim", has_text="RMA-123")).to_contain_text("€24.90")
    page.get_by_role("link", name="Open a claim").last.click()
    page.get_by_label("Claim or RMA number").fill("RMA-200")
    page.get_by_label("Follow up on").fill(str(clock.today() + datetime.timedelta(days=14)))
    page.get_by_label("receipt.pdf").check()
    screenshot(page, "claim-form")
    page.get_by_role("button", name="Open the claim").click()

    expect(page.get_by_role("status").filter(has_text="The claim RMA-200 is open.")).to_be_visible()
    new = page.locator(".claim", has_text="RMA-200")
    expect(new).to_contain_text("Open")
    expect(new.get_by_role("link", name="receipt.pdf")).to_be_visible()
    screenshot(page, "warranty-claims")

    new.get_by_role("button", name="Resolve claim RMA-200").click()
    expect(page.locator(".claim", has_text="RMA-200")).to_contain_text("Resolved")
    claim = Claim.objects.get(number="RMA-200")
    assert (claim.status, claim.closed_on, claim.warranty) == (
        ClaimStatus.RESOLVED,
        clock.today(),
        warranty,
    )
    page.locator(".claim", has_text="RMA-200").get_by_role(
        "button", name="Reopen claim RMA-200"
    ).click()
    expect(page.locator(".claim", has_text="RMA-200")).to_contain_text(re.compile("Open"))


def test_the_warranties_page_with_a_claim_on_a_phone(phone_page, screenshot):
    a_dishwasher_with_a_claim()
    page = phone_page
    page.goto("/warranties/")

    expect(page.locator(".claims-state").first).to_be_visible()
    screenshot(page, "warranties-with-claim-phone")
    page.get_by_role("link", name=re.compile("on the warranty of Bosch dishwasher$")).click()
    expect(page.get_by_role("button", name="Resolve claim RMA-123")).to_be_visible()
    screenshot(page, "warranty-claims-phone")
