import datetime
from decimal import Decimal

from django.shortcuts import render

from preferences.formats import DATE_PATTERNS, OFFERED_CURRENCIES, format_day, format_money
from preferences.selectors import preferences_get

DATE_FORMAT_NAMES = {
    "short": "Short",
    "MM/DD/YYYY": "Month/day/year",
    "DD/MM/YYYY": "Day/month/year",
    "YYYY-MM-DD": "ISO 8601",
    "DD.MM.YYYY": "Day.month.year",
}
EXAMPLE_DAY = datetime.date(2025, 3, 14)
EXAMPLE_AMOUNT = Decimal("1249.50")


def settings_page(request):
    """Currency and date format (saved through the settings API), and the browser's theme."""
    preferences = preferences_get()
    date_formats = [
        {
            "value": value,
            "name": DATE_FORMAT_NAMES[value],
            "example": format_day(EXAMPLE_DAY, value),
        }
        for value in DATE_PATTERNS
    ]
    form = {
        "currency_code": preferences["currency_code"],
        "date_format": preferences["date_format"],
        "currencies": OFFERED_CURRENCIES,
        "example_day": EXAMPLE_DAY.isoformat(),
        "example_amount": str(EXAMPLE_AMOUNT),
    }
    return render(
        request,
        "preferences/settings.html",
        {
            "form": form,
            "currencies": OFFERED_CURRENCIES,
            "date_formats": date_formats,
            "example_day": EXAMPLE_DAY,
            "example_amount": EXAMPLE_AMOUNT,
            "example_money": format_money(EXAMPLE_AMOUNT, preferences["currency_code"]),
        },
    )
