"""How the household's preferences show money and dates on the pages.

The API sends plain values (docs/api.md §2.2, §2.3); the pages format them with the `currency_code`,
`number_style` and `date_format` settings. `static/js/format.js` writes the same strings with the
browser's `Intl.NumberFormat`, for values Alpine renders (a browser test compares the two).

Money is written the way CLDR says the number style writes it, through Babel's data: the
locale's currency pattern (symbol before or after, the minus sign), separators and grouping
(en_IN's lakhs), the currency's symbol in that locale ("¥" for JPY and "CN¥" for CNY in English)
and how many places people write (JPY none, KWD three). The string is put together here from
that data rather than by `babel.numbers.format_currency`, for three reasons, each one a place
where its output differs from the browser's:
- it rounds half to even; amounts round half-up everywhere in this project (docs/api.md §9.9),
  as `Intl.NumberFormat` does;
- it does not apply CLDR's currency spacing (a no-break space between a number and a symbol
  made of letters: "CHF 12.30", not "CHF12.30"), which the browser does;
- it strips pairs of apostrophes from its result, so de_CH's group separator disappears from
  amounts of a million and more ("1234567.89" for "1'234'567.89").
"""

import datetime
import re
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.numbers import get_currency_precision, get_currency_symbol
from django.conf import settings
from django.utils.dateformat import format as format_date_pattern
from django.utils.translation import get_language, gettext, pgettext, to_locale

from kernel.money import CURRENCIES_IN_USE, ISO_4217_CODES, currency_name

# The setting's values (docs/api.md §2.5) as Django date format patterns; "" is the default.
DATE_PATTERNS = {
    "short": "M j, Y",
    "MM/DD/YYYY": "m/d/Y",
    "DD/MM/YYYY": "d/m/Y",
    "YYYY-MM-DD": "Y-m-d",
    "DD.MM.YYYY": "d.m.Y",
    "DD-MM-YYYY": "d-m-Y",
}
DEFAULT_DATE_PATTERN = DATE_PATTERNS["MM/DD/YYYY"]

# The number styles the Settings page offers (docs/api.md §2.5): CLDR locales, so that adding one
# is adding its name here, once preferences/tests/test_browser_formats.py shows that the browser
# writes it the same way. de_AT and fr_CH do not pass: Babel's copy of CLDR and the browser's
# disagree on their separators (1.249 or 1 249; 1'249,50 or 1 249.50).
NUMBER_STYLES = [
    "en_US",
    "en_GB",
    "en_CA",
    "en_AU",
    "en_IN",
    "de_DE",
    "de_CH",
    "fr_FR",
    "fr_CA",
    "es_ES",
    "es_MX",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "sv_SE",
    "pl_PL",
    "ja_JP",
    "zh_CN",
]
DEFAULT_NUMBER_STYLE = "en_US"

# The formats of a person's language, which the pages use while the household has chosen none
# (docs/i18n.md §4): the household's explicit number style or date format wins over them. English
# keeps the formats the app always had; Dutch has no day-month-year with dashes yet.
LANGUAGE_FORMATS = {
    "en": {"number_style": "en_US", "date_format": "MM/DD/YYYY"},
    "de": {"number_style": "de_DE", "date_format": "DD.MM.YYYY"},
    "fr": {"number_style": "fr_FR", "date_format": "DD/MM/YYYY"},
    "es": {"number_style": "es_ES", "date_format": "DD/MM/YYYY"},
    "nl": {"number_style": "nl_NL", "date_format": "DD-MM-YYYY"},
}


def language_formats(language: str | None) -> dict[str, str]:
    """The number style and date format of LANGUAGE ("de", "de-at"), English's for any other."""
    base = (language or "en").lower().replace("_", "-").split("-")[0]
    return LANGUAGE_FORMATS.get(base, LANGUAGE_FORMATS["en"])


# The currencies the forms list first, after the household's own (docs/api.md §2.5).
OFFERED_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "CNY", "INR"]

# The places CLDR writes where they are not 2, for static/js/format.js: the browser's own data can
# be of another CLDR version (RSD has none there, two here), so it is told rather than trusted.
CURRENCY_DIGITS = {
    code: digits
    for code, (digits, *_cash) in get_global("currency_fractions").items()
    if code != "DEFAULT" and digits != 2
}

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
NO_BREAK_SPACE = "\u00a0"


# --- The number style of the request ----------------------------------------------------------

# Like Django's active language: the page's context processor (preferences/context_processors.py)
# activates the household's style, lazily, so that `{{ price|money:code }}` needs no argument
# more, and preferences.middleware forgets it when the request ends. Anything formatted outside
# a page (no style activated) is written in the default style.
_active_style: ContextVar[Callable[[], str] | None] = ContextVar("number_style", default=None)


def number_style_activate(style: Callable[[], str] | None) -> None:
    """Make STYLE (a function, called when money is first written) the style of this request."""
    _active_style.set(style)


@contextmanager
def number_style_scope():
    """Forget, on leaving, the number style activated inside (one request's, for the middleware)."""
    token = _active_style.set(None)
    try:
        yield
    finally:
        _active_style.reset(token)


def active_number_style() -> str:
    """Return the number style activated for this request, or the default."""
    style = _active_style.get()
    return (style() if style else "") or DEFAULT_NUMBER_STYLE


def number_style_normalized(value: str) -> str | None:
    """Return VALUE as one of NUMBER_STYLES ("de-de" → "de_DE"), or None if it is not one."""
    wanted = (value or "").strip().replace("-", "_").lower()
    return next((style for style in NUMBER_STYLES if style.lower() == wanted), None)


def _locale(number_style: str) -> Locale:
    return _parsed(number_style_normalized(number_style) or DEFAULT_NUMBER_STYLE)


@cache
def _parsed(number_style: str) -> Locale:
    return Locale.parse(number_style)


def number_style_name(number_style: str, language: str = "en") -> str:
    """Return the style's name in LANGUAGE: "de_CH" → "German (Switzerland)" in English."""
    name = _locale(number_style).get_display_name(_parsed(language.replace("-", "_")))
    return name[:1].upper() + name[1:]


# --- Money and numbers --------------------------------------------------------------------------


def _symbols(locale: Locale) -> dict[str, str]:
    return locale.number_symbols["latn"]


def _digits(
    value: Decimal, grouping: tuple[int, int], locale: Locale, *, money: bool = False
) -> str:
    """Return VALUE (not negative, already rounded) with the locale's separators.

    MONEY takes the separators CLDR gives amounts of money where they differ from other
    numbers' (its currencyGroup and currencyDecimal), as the browser does.
    """
    symbols = _symbols(locale)
    group, decimal = symbols["group"], symbols["decimal"]
    if money:
        group, decimal = (
            symbols.get("currencyGroup", group),
            symbols.get("currencyDecimal", decimal),
        )
    whole, _, fraction = f"{value:f}".partition(".")
    size, groups = grouping[0], []
    while len(whole) > size:
        groups.insert(0, whole[-size:])
        whole, size = whole[:-size], grouping[1]
    grouped = group.join([whole, *groups])
    return f"{grouped}{decimal}{fraction}" if fraction else grouped


def _affix(text: str, symbol: str, locale: Locale, *, before_number: bool) -> str:
    """Return a pattern's prefix or suffix with the locale's minus sign and the currency symbol.

    CLDR's currency spacing: a symbol that ends (before the number) or starts (after it) with a
    letter rather than a sign is kept apart from the digits by a no-break space.
    """
    text = text.replace("-", _symbols(locale)["minusSign"])
    if symbol and before_number and text.endswith("¤") and _is_letter_like(symbol[-1]):
        text += NO_BREAK_SPACE
    elif symbol and not before_number and text.startswith("¤") and _is_letter_like(symbol[0]):
        text = NO_BREAK_SPACE + text
    return text.replace("¤", symbol)


def _is_letter_like(character: str) -> bool:
    """Whether CHARACTER is neither a sign ("$", "¥") nor a space: CLDR's [[:^S:]&[:^Z:]]."""
    return unicodedata.category(character)[0] not in "SZ"


def format_money(
    amount: Decimal | None, currency_code: str, number_style: str | None = None
) -> str:
    """Return AMOUNT in its currency as NUMBER_STYLE writes it ("1.249,50 €" in de_DE).

    Rounded half-up to the places the currency is written with (JPY none, KWD three). Without
    a style, the request's (`active_number_style`). A stored code that is not three letters
    still shows: the number with two places, then the code as it was stored.
    """
    if amount is None:
        return ""
    locale = _locale(number_style or active_number_style())
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    code = (currency_code or "").strip().upper()
    if not _CURRENCY_CODE.fullmatch(code):
        number = format_number(value, number_style or active_number_style(), places=2)
        return f"{number}{NO_BREAK_SPACE}{code}" if code else number
    value = value.quantize(Decimal(1).scaleb(-get_currency_precision(code)), ROUND_HALF_UP)
    pattern = locale.currency_formats["standard"]
    negative = int(value.is_signed())
    symbol = get_currency_symbol(code, locale)
    return "".join(
        [
            _affix(pattern.prefix[negative], symbol, locale, before_number=True),
            _digits(abs(value), pattern.grouping, locale, money=True),
            _affix(pattern.suffix[negative], symbol, locale, before_number=False),
        ]
    )


def format_number(
    value: int | Decimal | None, number_style: str | None = None, *, places: int = 0
) -> str:
    """Return VALUE with PLACES decimal places, as NUMBER_STYLE writes numbers ("1 249" in fr)."""
    if value is None:
        return ""
    locale = _locale(number_style or active_number_style())
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    pattern = locale.decimal_formats[None]
    negative = int(rounded.is_signed())
    return "".join(
        [
            _affix(pattern.prefix[negative], "", locale, before_number=True),
            _digits(abs(rounded), pattern.grouping, locale),
            _affix(pattern.suffix[negative], "", locale, before_number=False),
        ]
    )


# --- The forms' currency lists ------------------------------------------------------------------


def currency_choices(base_code: str = "", *, withdrawn: bool = False) -> list[dict]:
    """Return the currency select's groups: the household's currency, the common ones, the rest.

    Each group is `{"label", "currencies": [{"code", "label"}]}`, a label like "EUR — Euro";
    the rest are the currencies some territory pays in today, by code, and with WITHDRAWN the
    ones no longer paid in (DEM, CYP…: the ECB's history has rates of some). BASE_CODE, when it
    is not a currency code (a setting stored before the select), is left out.
    """
    base = (base_code or "").strip().upper()
    first = [base] if base in ISO_4217_CODES else []
    common = [code for code in OFFERED_CURRENCIES if code not in first]
    rest = sorted(CURRENCIES_IN_USE - set(first) - set(common))
    old = sorted(ISO_4217_CODES - CURRENCIES_IN_USE - set(first)) if withdrawn else []
    groups = [
        (gettext("Household currency"), first),
        (pgettext("currencies", "Common"), common),
        (gettext("Other currencies"), rest),
        (gettext("Withdrawn currencies"), old),
    ]
    # The names in the page's language (CLDR's, through Babel): "USD — US-Dollar" in German.
    language = to_locale(get_language() or settings.LANGUAGE_CODE)
    return [
        {
            "label": label,
            "currencies": [
                {"code": code, "label": f"{code} — {currency_name(code, language)}"}
                for code in codes
            ],
        }
        for label, codes in groups
        if codes
    ]


def currency_form_choices(
    base_code: str = "", current: str = "", *, withdrawn: bool = False
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return `currency_choices` as a Django form's grouped choices.

    CURRENT, a code the record holds that the list does not (stored before the select), comes
    first as it is, so that saving the form does not change it unasked.
    """
    groups = [
        (group["label"], [(c["code"], c["label"]) for c in group["currencies"]])
        for group in currency_choices(base_code, withdrawn=withdrawn)
    ]
    listed = {code for _label, choices in groups for code, _name in choices}
    if current and current not in listed:
        groups.insert(
            0,
            (
                gettext("As stored"),
                [(current, gettext("%(code)s (as stored)") % {"code": current})],
            ),
        )
    return groups


def month_abbreviations() -> list[str]:
    """The twelve months as the "short" date format writes them in the active language."""
    return [format_date_pattern(datetime.date(2000, month, 1), "M") for month in range(1, 13)]


def format_day(day: datetime.date | None, date_format: str) -> str:
    """Return DAY in the household's date format ("03/14/2025", "14.03.2025", "Mar 14, 2025")."""
    if day is None:
        return ""
    return format_date_pattern(day, DATE_PATTERNS.get(date_format, DEFAULT_DATE_PATTERN))
