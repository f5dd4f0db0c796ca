"""Money and dates on the pages, in the household's formats."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from preferences.formats import (
    OFFERED_CURRENCIES,
    currency_choices,
    format_day,
    format_money,
    format_number,
    language_formats,
    number_style_activate,
)
from preferences.templatetags.spends import money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1249.5"), "USD", "$1,249.50"),
        (Decimal("1234567.89"), "eur", "€1,234,567.89"),
        (Decimal("999.99"), "GBP", "£999.99"),
        (Decimal("-1000"), "USD", "-$1,000.00"),
        # CLDR keeps a symbol of letters apart from the digits with a no-break space.
        (Decimal("12.30"), "SEK", "SEK\u00a012.30"),
        (Decimal("0"), "CHF", "CHF\u00a00.00"),
    ],
)
def test_money_has_its_symbol_two_places_and_thousands_separators(amount, currency, shown):
    assert format_money(amount, currency) == shown


@pytest.mark.parametrize(
    ("date_format", "shown"),
    [
        ("short", "Mar 4, 2025"),
        ("MM/DD/YYYY", "03/04/2025"),
        ("DD/MM/YYYY", "04/03/2025"),
        ("YYYY-MM-DD", "2025-03-04"),
        ("DD.MM.YYYY", "04.03.2025"),
        ("DD-MM-YYYY", "04-03-2025"),
        ("", "03/04/2025"),
    ],
)
def test_dates_follow_the_date_format_setting(date_format, shown):
    assert format_day(datetime.date(2025, 3, 4), date_format) == shown


def test_a_dutch_reader_gets_dutch_dates_where_the_household_chose_none():
    assert language_formats("nl") == {"number_style": "nl_NL", "date_format": "DD-MM-YYYY"}


# --- Number styles (issue 20, item 3) -------------------------------------------------------------

NBSP = "\u00a0"  # CLDR's space between a number and its symbol
NNBSP = "\u202f"  # French groups thousands with a narrow no-break space

# 1,249.50 in each style and currency, as CLDR writes it: the symbol's place and spacing, the
# separators, the places (JPY none, KWD three), JPY and CNY told apart.
STYLED = {
    "en_US": ["$1,249.50", "€1,249.50", "¥1,250", f"KWD{NBSP}1,249.500", "CN¥1,249.50"],
    "de_DE": [
        f"1.249,50{NBSP}$",
        f"1.249,50{NBSP}€",
        f"1.250{NBSP}¥",
        f"1.249,500{NBSP}KWD",
        f"1.249,50{NBSP}CN¥",
    ],
    "fr_FR": [
        f"1{NNBSP}249,50{NBSP}$US",
        f"1{NNBSP}249,50{NBSP}€",
        f"1{NNBSP}250{NBSP}JPY",
        f"1{NNBSP}249,500{NBSP}KWD",
        f"1{NNBSP}249,50{NBSP}CNY",
    ],
    "ja_JP": ["$1,249.50", "€1,249.50", "￥1,250", f"KWD{NBSP}1,249.500", f"元{NBSP}1,249.50"],
    "de_CH": [
        f"${NBSP}1'249.50",
        f"EUR{NBSP}1'249.50",
        f"¥{NBSP}1'250",
        f"KWD{NBSP}1'249.500",
        f"CN¥{NBSP}1'249.50",
    ],
}


@pytest.mark.parametrize(
    ("style", "currency", "shown"),
    [
        (style, currency, shown)
        for style, row in STYLED.items()
        for currency, shown in zip(["USD", "EUR", "JPY", "KWD", "CNY"], row, strict=True)
    ],
)
def test_money_is_written_as_the_number_style_writes_the_currency(style, currency, shown):
    assert format_money(Decimal("1249.50"), currency, style) == shown


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("en_US", "-€1,234,567.89"),
        ("de_DE", f"-1.234.567,89{NBSP}€"),
        ("nl_NL", f"€{NBSP}-1.234.567,89"),
        # Two apostrophes as separators, kept (Babel's own formatting drops them).
        ("de_CH", "EUR-1'234'567.89"),
        # Swedish writes the minus sign, not a hyphen.
        ("sv_SE", f"\u22121{NBSP}234{NBSP}567,89{NBSP}€"),
        # Lakhs and crores.
        ("en_IN", "-€12,34,567.89"),
    ],
)
def test_negative_amounts_and_large_groups_follow_the_style(style, shown):
    assert format_money(Decimal("-1234567.891"), "EUR", style) == shown


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        # Half-up, as every amount in the project (docs/api.md §9.9), never half-even.
        (Decimal("1248.50"), "JPY", "¥1,249"),
        (Decimal("2.125"), "USD", "$2.13"),
        (Decimal("0.0005"), "KWD", f"KWD{NBSP}0.001"),
    ],
)
def test_money_rounds_half_up_to_the_places_the_currency_is_written_with(amount, currency, shown):
    assert format_money(amount, currency, "en_US") == shown


def test_a_stored_code_that_is_not_three_letters_still_shows_with_the_amount():
    assert format_money(Decimal("12.3"), "euro", "de_DE") == f"12,30{NBSP}EURO"
    assert format_money(Decimal("12.3"), "", "en_US") == "12.30"


def test_an_unknown_number_style_writes_the_default_one():
    assert format_money(Decimal("1249.5"), "EUR", "xx_YY") == "€1,249.50"


@pytest.mark.parametrize(
    ("style", "shown"),
    [("en_US", "1,234,567"), ("de_DE", "1.234.567"), ("fr_FR", f"1{NNBSP}234{NNBSP}567")],
)
def test_plain_numbers_follow_the_style(style, shown):
    assert format_number(1234567, style) == shown


def test_the_money_filter_writes_the_number_style_the_page_activated():
    number_style_activate(lambda: "de_DE")
    try:
        assert money(Decimal("1249.5"), "EUR") == f"1.249,50{NBSP}€"
    finally:
        number_style_activate(None)
    assert money(Decimal("1249.5"), "EUR") == "€1,249.50"


def test_the_currency_lists_start_with_the_households_then_the_common_ones():
    groups = currency_choices("SEK")

    assert [group["label"] for group in groups] == [
        "Household currency",
        "Common",
        "Other currencies",
    ]
    assert groups[0]["currencies"] == [{"code": "SEK", "label": "SEK — Swedish Krona"}]
    assert [c["code"] for c in groups[1]["currencies"]] == OFFERED_CURRENCIES
    rest = [c["code"] for c in groups[2]["currencies"]]
    assert rest == sorted(rest)
    assert {"NOK", "PLN", "KWD"} <= set(rest)
    assert not {"SEK", "EUR", "DEM", "XAU"} & set(rest)  # listed once; in use today; a currency


def test_the_currency_lists_speak_the_page_s_language():
    """The groups through the catalogues, the names from CLDR: a German page lists "US-Dollar"."""
    with translation.override("de"):
        groups = currency_choices("SEK")
    with translation.override("fr"):
        french = currency_choices("")

    assert [group["label"] for group in groups] == [
        "Haushaltswährung",
        "Gängige",
        "Weitere Währungen",
    ]
    assert groups[0]["currencies"] == [{"code": "SEK", "label": "SEK — Schwedische Krone"}]
    assert {"code": "USD", "label": "USD — US-Dollar"} in groups[1]["currencies"]
    assert {"code": "USD", "label": "USD — dollar des États-Unis"} in french[0]["currencies"]


def test_a_stored_code_outside_iso_4217_is_left_out_of_the_household_group():
    assert [group["label"] for group in currency_choices("XYZ")] == ["Common", "Other currencies"]
