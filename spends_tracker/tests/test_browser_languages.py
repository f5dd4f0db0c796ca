"""The main pages in each shipped language show no English word of the interface (docs/i18n.md).

A person chooses the language on the profile page; the dashboard, the warranties, retailers and
brands, members and activity pages, the inventory and a purchase's page then must not show, as a
text or in an attribute people read, any English string of the catalogues whose translation
differs (names and data are the household's own and stay as they are).
The purchase form (a dialog of the inventory) is walked too, new and on a purchase being edited.
Screenshots: build/screenshots/i18n-<language>-<page>.png.
"""

import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from purchases.tests.images import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["de", "fr", "es", "nl"]


def item_page() -> str:
    """The page of a demo purchase with the most to say: one in another currency (without a rate
    in the tests' database), with the most warranties."""
    from django.db.models import Case, Count, IntegerField, Value, When
    from django.urls import reverse

    from purchases.models import Purchase

    domestic = Case(
        When(currency_code="USD", then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    purchase = (
        Purchase.objects.annotate(domestic=domestic, warranty_count=Count("warranties"))
        .order_by("domestic", "-warranty_count", "product_name")
        .first()
    )
    return reverse("purchases:detail", args=[purchase.pk])


# The pages walked after the dashboard: those whose every template is translated (a page is
# added here when the last of its templates leaves locale/untranslated_templates.txt). A path,
# or a callable giving it once the demo data is in.
PAGES = {
    "warranties": "/warranties/",
    "catalog": "/catalog/",
    "members": "/accounts/members/",
    "activity": "/accounts/activity/",
    "receipts": "/inventory/receipts/",
    # The Settings page holds the manual exchange rates and the re-convert card.
    "settings": "/settings/",
    # With its reminder card.
    "profile": "/accounts/profile/",
    "inventory": "/inventory/",
    "item": item_page,
    "data": "/data/",
}
# Parts of those pages drawn by templates still in locale/untranslated_templates.txt, left out of
# the walk until they are translated (each goes with its template): none left.
NOT_YET_TRANSLATED: dict[str, str] = {}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<")
# Every text node and spoken attribute of the page (or of the element the selector ROOT finds),
# scripts' and Alpine templates' left out, and the part SKIP selects (a CSS selector, or null).
SHOWN_WORDS = """([skip, root]) => {
  const scope = root ? document.querySelector(root) : document.body;
  const words = [];
  const shown = (element) => !(skip && element.closest(skip));
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (parent.closest("script, style, template") || !shown(parent)) continue;
    const text = node.textContent.trim();
    if (text) words.push(text);
  }
  for (const element of scope.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    if (!shown(element)) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = (element.getAttribute(name) || "").trim();
      if (value) words.push(value);
    }
  }
  for (const option of scope.querySelectorAll("option")) {
    if (shown(option)) words.push(option.textContent.trim());
  }
  return words;
}"""


def english_words(language: str) -> set[str]:
    """The whole strings of the catalogues (no placeholder, no markup) that LANGUAGE writes
    differently: seeing one of them on a page in LANGUAGE is seeing English. Less those that are
    themselves a translation into LANGUAGE: German writes "Day" as "Tag", which is also an
    English word of the catalogues (a purchase's tag)."""
    words, translations = set(), set()
    for domain in ("django", "djangojs"):
        path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            if isinstance(message.string, str):
                translations.add(message.string)
            if not message.id or isinstance(message.id, tuple) or PLACEHOLDER.search(message.id):
                continue
            if message.string and message.string != message.id:
                words.add(message.id)
    return words - translations


def data_words() -> set[str]:
    """The household's own words (people's, retailers', brands' and products' names): "Target"
    is a retailer and "owner" a user name, whatever the language."""
    from django.contrib.auth import get_user_model

    from catalog.models import Brand, Retailer
    from purchases.models import Purchase

    words = set(get_user_model().objects.values_list("username", flat=True))
    words |= set(Retailer.objects.values_list("name", flat=True))
    words |= set(Brand.objects.values_list("name", flat=True))
    return words | set(Purchase.objects.values_list("product_name", flat=True))


def receipt_and_rate() -> None:
    """A receipt waiting for review and a manual exchange rate, so that their pages show their
    words (the demo household has neither)."""
    import datetime

    from currencies.models import ExchangeRate
    from receipts.models import Draft, DraftSource

    Draft.objects.create(
        filename="order-1234.eml",
        mime_type="message/rfc822",
        source=DraftSource.EMAIL,
        subject="Order 1234",
    )
    ExchangeRate.objects.create(
        currency_code="USD",
        day=datetime.date(2025, 3, 14),
        per_euro="1.0876",
        source=ExchangeRate.Source.MANUAL,
    )


def choose_language(page, language: str) -> None:
    page.goto("/accounts/profile/")
    page.locator("#profile-language").select_option(language)
    page.locator("#profile-language").locator("xpath=ancestor::form").get_by_role("button").click()
    page.wait_for_selector(f'html[lang="{language}"]')


def english_left(
    page, language: str, skip: str | None = None, root: str | None = None
) -> list[str]:
    """The English words shown on the page, or inside the element the selector ROOT finds,
    but for those inside the part SKIP selects."""
    page.wait_for_load_state("networkidle")
    english = english_words(language) - data_words()
    return sorted({word for word in page.evaluate(SHOWN_WORDS, [skip, root]) if word in english})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_speak_the_person_s_language(
    signed_in_page, demo_data, screenshot, language
):
    page = signed_in_page
    receipt_and_rate()
    choose_language(page, language)

    page.goto("/")
    page.wait_for_selector("canvas")
    left_on_dashboard = english_left(page, language)
    screenshot(page, f"i18n-{language}-dashboard")

    left = {"dashboard": left_on_dashboard}
    for name, path in PAGES.items():
        page.goto(path() if callable(path) else path)
        left[name] = english_left(page, language, NOT_YET_TRANSLATED.get(name))
        screenshot(page, f"i18n-{language}-{name}")

    assert page.locator("html").get_attribute("lang") == language
    assert left == {name: [] for name in left}


def open_purchase_form(page, path: str):
    """Open the purchase form by PATH (?new=1 or ?edit=<id>) and wait until it is drawn."""
    page.goto(path)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # Drawn and filled: the product's name takes the focus once the purchase has loaded.
    expect(dialog.locator("#pf-product_name")).to_be_focused()
    return dialog


def dialog_screenshot(page, screenshot, name: str) -> None:
    """A screenshot of the whole purchase form: the window as tall as the dialog (a dialog
    scrolls inside the window, which a full-page screenshot does not unroll), as wide as it was."""
    size = page.viewport_size
    height = page.locator(".purchase-form .modal-dialog").evaluate(
        "(dialog) => dialog.scrollHeight"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 60)})
    screenshot(page, name)
    page.set_viewport_size(size)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_purchase_form_speaks_the_person_s_language(
    signed_in_page, demo_data, screenshot, language
):
    from purchases.models import Purchase

    page = signed_in_page
    choose_language(page, language)
    with translation.override(language):
        add_warranty = translation.gettext("Add a warranty")
        add_purchase = translation.gettext("Add a purchase")

    dialog = open_purchase_form(page, "/inventory/?new=1")
    expect(dialog.locator("#purchase-form-title")).to_have_text(add_purchase)
    left = {"new": english_left(page, language, root=".purchase-form")}
    dialog_screenshot(page, screenshot, f"i18n-{language}-purchase-form")

    # A purchase with its warranties, a new one added, and a file attached.
    purchase = Purchase.objects.filter(warranties__isnull=False).order_by("product_name").first()
    dialog = open_purchase_form(page, f"/inventory/?edit={purchase.pk}")
    dialog.get_by_role("button", name=add_warranty).click()
    dialog.locator("#pf-file").set_input_files(
        files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": image_bytes()}]
    )
    # Uploaded at once (the purchase exists), which takes a while on a busy machine.
    expect(dialog.locator(".attachment-thumb")).to_be_visible(timeout=15_000)
    left["edit"] = english_left(page, language, root=".purchase-form")
    dialog_screenshot(page, screenshot, f"i18n-{language}-purchase-form-edit")

    assert left == {"new": [], "edit": []}


def backups_listed() -> None:
    """A backup, a restore point taken before a reset, and a backup whose worker died: the
    Data page's list with its labels, ages, notes and errors."""
    import datetime

    from django.utils import timezone

    from backups.models import BackupKind, BackupRecord, BackupStatus

    for days, kind, fields in [
        (2, BackupKind.MANUAL, {"file_count": 45, "record_counts": {"purchases": 31}}),
        (1, BackupKind.RESTORE_POINT, {"note": "Taken before a reset", "file_count": 1}),
        (
            0,
            BackupKind.SCHEDULED,
            {
                "status": BackupStatus.FAILED,
                "error": "The worker running this job stopped before it finished.",
            },
        ),
    ]:
        created = timezone.now() - datetime.timedelta(days=days, hours=1)
        backup_id = f"{created:%Y%m%dT%H%M%SZ}"
        BackupRecord.objects.create(
            id=backup_id,
            filename=f"backup_{backup_id}.zip",
            kind=kind,
            created_at=created,
            size_bytes=12 * 1024 * 1024,
            **{"status": BackupStatus.COMPLETED, **fields},
        )


# A household's spreadsheet from elsewhere: its columns go through the import's mapping step.
SHEET = (
    "Artikel;Preis;Kaufdatum;Händler;Zimmer\n"
    "Waschmaschine;1.249,50 €;14.03.2025;Elektro Müller;Keller\n"
    "Kaffeemühle;89,90 €;02.11.2024;Kaffeehaus Berg;Küche\n"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_import_s_mapping_step_speaks_the_person_s_language(
    signed_in_page, tmp_path, screenshot, language
):
    page = signed_in_page
    choose_language(page, language)
    path = tmp_path / "haushalt.csv"
    path.write_text(SHEET, encoding="utf-8")
    backups_listed()

    page.goto("/data/")
    page.wait_for_function("document.querySelector('[x-data=dataImport]')._x_dataStack")
    page.locator("#import-file").set_input_files(path)
    mapping = page.get_by_test_id("import-mapping")
    mapping.wait_for()
    # A required field without a column: the problem is said too.
    page.locator("#import-column-1").select_option("")
    page.get_by_test_id("import-mapping-problem").wait_for()
    left_in_mapping = english_left(page, language)
    screenshot(page, f"i18n-{language}-data-import-mapping")

    page.locator("#import-column-1").select_option("price")
    page.locator("[x-data=dataImport] button[type=submit]").click()
    page.get_by_test_id("import-report").locator("li").first.wait_for()
    left_in_preview = english_left(page, language)
    screenshot(page, f"i18n-{language}-data-import-preview")

    assert (left_in_mapping, left_in_preview) == ([], [])
