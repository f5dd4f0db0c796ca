"""Every page of the app passes axe-core with no serious or critical violation (docs/forms.md §6).

Each page is checked in the light theme, the dark theme and at a phone's width, with the demo
household's data, and a screenshot of each is kept: build/screenshots/a11y-<page>-<mode>.png.
To check a new page, add an `A11yPage` to PAGES.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
# A laptop: the admin's purchase page among the others must fit it (docs/forms.md §5).
DESKTOP = {"width": 1366, "height": 768}


def _first_purchase_id() -> str:
    from purchases.models import Purchase

    return str(Purchase.objects.order_by("created_at").values_list("id", flat=True).first())


def _a_claim():
    """A claim on the first warranty (the demo household has none), with a follow-up date."""
    from warranties.models import Claim, Warranty
    from warranties.tests.factories import ClaimFactory

    claim = Claim.objects.first()
    if claim is None:
        warranty = Warranty.objects.order_by("created_at").first()
        claim = ClaimFactory(warranty=warranty, number="RMA-1001", notes="Door seal leaks")
    return claim


def _a_foreign_spreadsheet(page) -> None:
    """Choose a spreadsheet from elsewhere in the Data page's import: its mapping step shows."""
    page.get_by_label("File to import").set_input_files(
        {
            "name": "haushalt.csv",
            "mimeType": "text/csv",
            "buffer": "Artikel;Preis;Kaufdatum;Händler;Zimmer\n"
            "Waschmaschine;1.249,50 €;14.03.2025;Elektro Müller;Keller\n".encode(),
        }
    )


def _receipts_waiting() -> str:
    """The receipts to review, with one read from a sample invoice (added once)."""
    from receipts.drafts import draft_add
    from receipts.models import Draft
    from receipts.tests.test_drafts import INVOICE, upload

    if not Draft.objects.exists():
        # Committed at once here (a transactional test): it is read before this returns.
        draft_add(upload=upload(), filename=INVOICE)
    return "/inventory/receipts/"


def _reviewed(page) -> None:
    """Review the first receipt waiting: the form opens filled with what was read."""
    page.get_by_role("button", name="Review").first.click()


@dataclass(frozen=True)
class A11yPage:
    """A page to check: NAME for the screenshot, PATH (or a function giving it, for a page of
    one record), who opens it, what to do on it first (a function of the page: a state reached
    by using it), and what shows that it is ready (a CSS selector)."""

    name: str
    path: str | Callable[[], str]
    who: str = "owner"  # "owner", "staff" (the admin) or "anonymous"
    ready: str = "main, #content"
    prepare: Callable | None = None

    def url(self) -> str:
        return self.path() if callable(self.path) else self.path


PAGES = [
    A11yPage("dashboard", "/"),
    A11yPage("inventory", "/inventory/"),
    A11yPage("inventory-form", "/inventory/?new=1", ready="#pf-product_name:focus"),
    A11yPage(
        "inventory-edit",
        lambda: f"/inventory/?edit={_first_purchase_id()}",
        ready=".purchase-form .badge",
    ),
    A11yPage("item", lambda: f"/inventory/{_first_purchase_id()}/"),
    A11yPage("receipts", _receipts_waiting, ready="[data-testid=draft]"),
    A11yPage("receipt-form", _receipts_waiting, ready="#pf-price-suggested", prepare=_reviewed),
    A11yPage("warranties", "/warranties/"),
    A11yPage("claims", lambda: f"/warranties/{_a_claim().warranty_id}/claims/"),
    A11yPage("claim-new", lambda: f"/warranties/{_a_claim().warranty_id}/claims/?new=1"),
    A11yPage("claim-edit", lambda: f"/warranties/claims/{_a_claim().id}/"),
    A11yPage("catalog", "/catalog/"),
    A11yPage("data", "/data/"),
    A11yPage(
        "data-mapping",
        "/data/",
        ready="[data-testid=import-column]",
        prepare=_a_foreign_spreadsheet,
    ),
    A11yPage("settings", "/settings/"),
    A11yPage("profile", "/accounts/profile/"),
    A11yPage("members", "/accounts/members/"),
    A11yPage("activity", "/accounts/activity/"),
    A11yPage("password-change", "/accounts/password/change/"),
    A11yPage("two-factor", "/accounts/2fa/"),
    A11yPage("login", "/accounts/login/", who="anonymous"),
    A11yPage("signup-closed", "/accounts/signup/", who="anonymous"),
    A11yPage("admin-index", "/admin/", who="staff"),
    A11yPage(
        "admin-purchase",
        lambda: f"/admin/purchases/purchase/{_first_purchase_id()}/change/",
        who="staff",
    ),
]


AXE_URL = "/__axe__/axe.min.js"
# Two frames for what the last step started, then every finite animation and transition to its
# end (a spinner turns forever and is not waited for).
ANIMATIONS_FINISHED = """async () => {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const finite = document.getAnimations().filter(
        (animation) => animation.effect?.getComputedTiming().iterations !== Infinity
    );
    await Promise.all(finite.map((animation) => animation.finished.catch(() => null)));
}"""


def axe_served(page) -> None:
    """Serve axe-core from the page's own origin: the pages' policy runs no inline script
    (script-src 'self'), which is what `add_script_tag(path=…)` would insert."""
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE)))


def axe_violations(page) -> list[dict]:
    """Run axe-core on PAGE; return the serious and critical violations."""
    page.add_script_tag(url=AXE_URL)
    # Only the violations come back: the passes' and the rest's details are what made a run
    # slow (half of this test's time), and nothing reads them.
    violations = page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [item for item in violations if item["impact"] in FAILING_IMPACTS]


def described(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:8]
        lines.append(f"{violation['id']} ({violation['impact']}): {', '.join(targets)}")
    return "\n".join(lines)


@pytest.fixture
def open_tab(signed_in_page, anonymous_page, api_user):
    """`open_tab(who)`: the tab of the owner, of the owner as admin staff, or of nobody."""

    def open_as(who: str):
        if who == "staff":
            api_user.is_staff = api_user.is_superuser = True
            api_user.save(update_fields=["is_staff", "is_superuser"])
        return anonymous_page if who == "anonymous" else signed_in_page

    return open_as


@pytest.mark.parametrize("checked", PAGES, ids=[page.name for page in PAGES])
def test_the_page_has_no_serious_accessibility_violation(open_tab, demo_data, screenshot, checked):
    page = open_tab(checked.who)
    axe_served(page)
    failures = []
    for mode, viewport, scheme in [
        ("light", DESKTOP, "light"),
        ("dark", DESKTOP, "dark"),
        ("phone", PHONE, "light"),
    ]:
        page.set_viewport_size(viewport)
        page.emulate_media(color_scheme=scheme)
        page.goto(checked.url())
        if checked.prepare:
            checked.prepare(page)
        page.locator(checked.ready).first.wait_for()
        # Transitions and fades end before colours are measured.
        page.evaluate(ANIMATIONS_FINISHED)
        screenshot(page, f"a11y-{checked.name}-{mode}")
        # Reflow: nothing wider than the window, at a laptop's width as on a phone.
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > viewport["width"]:
            failures.append(f"{mode}: the page is {width} px wide in {viewport['width']} px")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{mode}:\n{described(violations)}")
    assert not failures, f"{checked.name}:\n" + "\n".join(failures)
