"""The main pages in each shipped language show no English word of the interface (docs/i18n.md).

A person chooses the language on the profile page; the dashboard, the warranties, retailers and
brands, members and activity pages then must not show, as a text or in an attribute people
read, any English string of the catalogues whose translation differs (names and data are the
household's own and stay as they are).
Screenshots: build/screenshots/i18n-<language>-<page>.png.
"""

import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["de", "fr", "es", "nl"]
# The pages walked after the dashboard: those whose every template is translated (a page is
# added here when the last of its templates leaves locale/untranslated_templates.txt).
PAGES = {
    "warranties": "/warranties/",
    "catalog": "/catalog/",
    "members": "/accounts/members/",
    "activity": "/accounts/activity/",
    "data": "/data/",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<")
# Every text node and spoken attribute of the page, scripts' and Alpine templates' left out.
SHOWN_WORDS = """() => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("script, style, template")) continue;
    const text = node.textContent.trim();
    if (text) words.push(text);
  }
  for (const element of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = (element.getAttribute(name) || "").trim();
      if (value) words.push(value);
    }
  }
  for (const option of document.querySelectorAll("option")) words.push(option.textContent.trim());
  return words;
}"""


def english_words(language: str) -> set[str]:
    """The whole strings of the catalogues (no placeholder, no markup) that LANGUAGE writes
    differently: seeing one of them on a page in LANGUAGE is seeing English."""
    words = set()
    for domain in ("django", "djangojs"):
        path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            if not message.id or isinstance(message.id, tuple) or PLACEHOLDER.search(message.id):
                continue
            if message.string and message.string != message.id:
                words.add(message.id)
    return words


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


def choose_language(page, language: str) -> None:
    page.goto("/accounts/profile/")
    page.locator("#profile-language").select_option(language)
    page.locator("#profile-language").locator("xpath=ancestor::form").get_by_role("button").click()
    page.wait_for_selector(f'html[lang="{language}"]')


def english_left(page, language: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    english = english_words(language) - data_words()
    return sorted({word for word in page.evaluate(SHOWN_WORDS) if word in english})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_speak_the_person_s_language(
    signed_in_page, demo_data, screenshot, language
):
    page = signed_in_page
    choose_language(page, language)

    page.goto("/")
    page.wait_for_selector("canvas")
    left_on_dashboard = english_left(page, language)
    screenshot(page, f"i18n-{language}-dashboard")

    left = {"dashboard": left_on_dashboard}
    for name, path in PAGES.items():
        page.goto(path)
        left[name] = english_left(page, language)
        screenshot(page, f"i18n-{language}-{name}")

    assert page.locator("html").get_attribute("lang") == language
    assert left == {name: [] for name in left}


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
