"""How the household's preferences show money and dates on the pages.

The API sends plain values (docs/api.md §2.2, §2.3); the pages format them with the `currency_code`
and `date_format` settings. `static/js/format.js` holds the same rules for values Alpine renders.
"""

import datetime
from decimal import Decimal

from django.utils import numberformat
from django.utils.dateformat import format as format_date_pattern

# The setting's values (docs/api.md §2.5) as Django date format patterns; "" is the default.
DATE_PATTERNS = {
    "short": "M j, Y",
    "MM/DD/YYYY": "m/d/Y",
    "DD/MM/YYYY": "d/m/Y",
    "YYYY-MM-DD": "Y-m-d",
    "DD.MM.YYYY": "d.m.Y",
}
DEFAULT_DATE_PATTERN = DATE_PATTERNS["MM/DD/YYYY"]

# The currencies the forms offer (docs/api.md §2.5); any other 3-letter code can be typed.
OFFERED_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "CNY", "INR"]
CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "INR": "₹",
    "CAD": "CA$",
    "AUD": "A$",
    "CHF": "CHF ",
}


def format_money(amount: Decimal | None, currency_code: str) -> str:
    """Return AMOUNT with its currency symbol (or code) and thousands separators: "$1,249.50"."""
    if amount is None:
        return ""
    code = (currency_code or "").strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    # Grouped by threes whatever the locale settings say (Django's NUMBER_GROUPING defaults to 0).
    digits = numberformat.format(
        abs(amount), ".", decimal_pos=2, grouping=3, thousand_sep=",", force_grouping=True
    )
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{digits}"


def format_day(day: datetime.date | None, date_format: str) -> str:
    """Return DAY in the household's date format ("03/14/2025", "14.03.2025", "Mar 14, 2025")."""
    if day is None:
        return ""
    return format_date_pattern(day, DATE_PATTERNS.get(date_format, DEFAULT_DATE_PATTERN))
