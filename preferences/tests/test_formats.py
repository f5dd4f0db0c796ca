"""Money and dates on the pages, in the household's formats."""

import datetime
from decimal import Decimal

import pytest

from preferences.formats import format_day, format_money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1249.5"), "USD", "$1,249.50"),
        (Decimal("1234567.89"), "eur", "€1,234,567.89"),
        (Decimal("999.99"), "GBP", "£999.99"),
        (Decimal("-1000"), "USD", "-$1,000.00"),
        (Decimal("12.30"), "SEK", "SEK 12.30"),
        (Decimal("0"), "CHF", "CHF 0.00"),
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
        ("", "03/04/2025"),
    ],
)
def test_dates_follow_the_date_format_setting(date_format, shown):
    assert format_day(datetime.date(2025, 3, 4), date_format) == shown
