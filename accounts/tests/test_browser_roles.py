"""Roles and invitations in a real browser (issue 17): what each role sees and may do."""

import re

from playwright.sync_api import expect

from accounts.models import Invitation
from backups.models import BackupRecord
from purchases.models import Purchase

RESET_FROM_THE_PAGE = """async () => {
    const token = document.querySelector("meta[name=csrf-token]")?.content
        || document.cookie.match(/csrftoken=([^;]+)/)?.[1];
    const response = await fetch("/api/data/reset-all", {
        method: "POST", headers: {"X-CSRFToken": token}, credentials: "same-origin"});
    return [response.status, (await response.json()).detail];
}"""


def test_an_editor_records_a_purchase_but_cannot_reset_restore_or_delete(
    member_page, page_problems, screenshot
):
    page = member_page("editor")
    page.goto("/inventory/?new=1")
    form = page.get_by_role("dialog", name="Add a purchase")
    form.get_by_label("Product name").fill("Cordless drill")
    form.get_by_label("Price").fill("89.00")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name=re.compile("Cordless drill"))).to_be_visible()
    assert Purchase.objects.filter(product_name="Cordless drill").exists()

    page.goto("/data/")
    page.get_by_role("button", name="Back up now").click()
    expect(page.get_by_test_id("backup-item")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Restore backup"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Delete backup"))).to_have_count(0)
    expect(page.get_by_role("button", name="Reset all data")).to_have_count(0)
    expect(page.get_by_role("button", name="Save schedule")).to_be_disabled()
    expect(page.get_by_text("Only owners change the schedule.")).to_be_visible()
    screenshot(page, "data-as-editor")

    # A crafted request with the page's own session is refused too, and changes nothing.
    page_problems.expect_status(403)
    status, detail = page.evaluate(RESET_FROM_THE_PAGE)
    assert status == 403
    assert detail == "This needs an owner; your role is editor. Ask an owner if you need it."
    assert Purchase.objects.filter(product_name="Cordless drill").exists()
    assert BackupRecord.objects.count() == 1


def test_a_viewer_reads_everything_and_can_change_nothing(
    member_page, page_problems, demo_data, screenshot
):
    page = member_page("viewer")
    page.goto("/inventory/")
    expect(page.get_by_role("button", name="Add purchase")).to_have_count(0)
    page.get_by_role("button", name=re.compile("^View ")).first.click()
    form = page.get_by_role("dialog")
    expect(form.get_by_label("Product name")).to_be_disabled()
    expect(form.get_by_role("button", name="Save")).to_have_count(0)
    screenshot(page, "purchase-as-viewer")
    form.get_by_text("Close", exact=True).click()

    page.goto("/data/")
    expect(page.get_by_role("link", name=re.compile("JSON"))).to_be_visible()  # exports stay
    expect(page.get_by_role("button", name="Back up now")).to_have_count(0)
    page_problems.expect_status(403)
    page.goto("/accounts/members/")
    expect(page.get_by_test_id("forbidden-reason")).to_have_text(
        "This needs an owner; your role is viewer. Ask an owner if you need it."
    )
    screenshot(page, "members-as-viewer")


def test_an_owner_invites_and_the_link_works_once(
    member_page, anonymous_page, page_problems, screenshot
):
    owner = member_page("owner")
    owner.goto("/accounts/members/")
    owner.get_by_label("Role", exact=True).select_option("viewer")
    owner.get_by_role("button", name="Create invitation").click()
    link = owner.get_by_test_id("invitation-link").inner_text()
    screenshot(owner, "members-invitation")
    assert Invitation.objects.count() == 1

    guest = anonymous_page
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Join the household as viewer")).to_be_visible()
    guest.get_by_label("Username").fill("grandma")
    guest.get_by_label("Password", exact=True).fill("knitting-season-2026")
    guest.get_by_label("Password confirmation").fill("knitting-season-2026")
    guest.get_by_role("button", name="Create my account").click()
    expect(guest).to_have_url(re.compile(r"/$"))
    expect(guest.get_by_role("navigation", name="Main")).to_contain_text("grandma")

    page_problems.expect_status(410)
    guest.goto(link)
    expect(guest.get_by_test_id("invitation-problem")).to_contain_text("already been used")
    screenshot(guest, "invitation-used")

    owner.goto("/accounts/members/")
    row = owner.locator('[data-member="grandma"]')
    expect(row.get_by_label("Role of grandma")).to_have_value("viewer")
