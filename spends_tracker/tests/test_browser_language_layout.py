"""Longer words, same layout: the menu and the warranties table at laptop widths in every
language (static/css/app.css, docs/i18n.md).

German and Dutch name the menu's entries with longer words than English; at 1280 px the theme,
profile and sign-out icons went to a second line. The search box now gives way first. In French
the warranties table scrolled sideways, its two action buttons kept side by side; they wrap now.
Screenshots: build/screenshots/menu-<language>-<width>.png, layout-<language>-warranties.png.
"""

import pytest

from spends_tracker.tests.test_browser_languages import choose_language

pytestmark = pytest.mark.django_db(transaction=True)

# How many lines the menu's items take: an item starting below the bottom of the first starts a
# line (items of one line differ in height, so their tops differ by a few pixels).
MENU_LINES = """() => {
  const menu = document.getElementById("main-nav");
  const boxes = [...menu.querySelectorAll(":scope > ul > li, :scope > form")]
    .map((item) => item.getBoundingClientRect());
  const firstBottom = Math.min(...boxes.map((box) => box.bottom));
  return 1 + new Set(boxes.filter((box) => box.top >= firstBottom).map((box) => box.top)).size;
}"""
SEARCH_WIDTH = "() => document.getElementById('global-search').getBoundingClientRect().width"


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "nl"])
def test_the_menu_keeps_to_one_line_at_laptop_widths(signed_in_page, screenshot, language):
    page = signed_in_page
    if language != "en":
        choose_language(page, language)
    for width in (1280, 1366, 1440):
        page.set_viewport_size({"width": width, "height": 700})
        page.goto("/warranties/")
        lines = page.evaluate(MENU_LINES)
        screenshot(page, f"menu-{language}-{width}")
        assert lines == 1, f"the menu takes {lines} lines at {width} px in {language}"
        # The box stays wide enough to read what is typed in it.
        assert page.evaluate(SEARCH_WIDTH) >= 90


# How far a scrolling table reaches past its box, in pixels.
TABLE_OVERFLOW = """() => {
  const box = document.querySelector(".table-responsive");
  return box.scrollWidth - box.clientWidth;
}"""


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "nl"])
def test_the_warranties_table_fits_a_laptop_without_scrolling(
    signed_in_page, demo_data, screenshot, language
):
    page = signed_in_page
    if language != "en":
        choose_language(page, language)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/warranties/")
    screenshot(page, f"layout-{language}-warranties")
    assert page.evaluate(TABLE_OVERFLOW) <= 0
