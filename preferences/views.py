import datetime
from decimal import Decimal

from django.shortcuts import render

from kernel.money import ISO_4217_CODES
from preferences.formats import (
    DATE_PATTERNS,
    NUMBER_STYLES,
    format_day,
    format_money,
    number_style_name,
)
from preferences.selectors import preferences_get, preferred_currency_code

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
    """Currency, number style and date format (saved through the settings API), and the theme."""
    preferences = preferences_get()
    currency_code = preferences["currency_code"]
    # The examples are in the household's currency, as its amounts will be.
    example_currency = preferred_currency_code(preferences)
    date_formats = [
        {
            "value": value,
            "name": DATE_FORMAT_NAMES[value],
            "example": format_day(EXAMPLE_DAY, value),
        }
        for value in DATE_PATTERNS
    ]
    number_styles = [
        {
            "value": style,
            "name": number_style_name(style),
            "example": format_money(EXAMPLE_AMOUNT, example_currency, style),
        }
        for style in NUMBER_STYLES
    ]
    form = {
        "currency_code": currency_code,
        "number_style": preferences["number_style"],
        "date_format": preferences["date_format"],
        "number_styles": [{"value": s["value"], "name": s["name"]} for s in number_styles],
        "example_day": EXAMPLE_DAY.isoformat(),
        "example_amount": str(EXAMPLE_AMOUNT),
    }
    return render(
        request,
        "preferences/settings.html",
        {
            "form": form,
            # A code stored before the list (any text was accepted) stays selectable as it is.
            "unlisted_currency": currency_code not in ISO_4217_CODES and currency_code,
            "number_styles": number_styles,
            "date_formats": date_formats,
            "example_day": EXAMPLE_DAY,
            "example_amount": EXAMPLE_AMOUNT,
            "example_money": format_money(
                EXAMPLE_AMOUNT, currency_code, preferences["number_style"]
            ),
        },
    )
