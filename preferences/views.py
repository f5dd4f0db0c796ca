import datetime
from decimal import Decimal

from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.money import ISO_4217_CODES
from preferences.formats import (
    DATE_PATTERNS,
    NUMBER_STYLES,
    format_day,
    format_money,
    language_formats,
    number_style_name,
)
from preferences.selectors import preferences_explicit, preferences_get, preferred_currency_code

DATE_FORMAT_NAMES = {
    "short": gettext_lazy("Short"),
    "MM/DD/YYYY": gettext_lazy("Month/day/year"),
    "DD/MM/YYYY": gettext_lazy("Day/month/year"),
    "YYYY-MM-DD": gettext_lazy("ISO 8601"),
    "DD.MM.YYYY": gettext_lazy("Day.month.year"),
    "DD-MM-YYYY": gettext_lazy("Day-month-year"),
}
EXAMPLE_DAY = datetime.date(2025, 3, 14)
EXAMPLE_AMOUNT = Decimal("1249.50")


def settings_page(request):
    """Currency, number style and date format (saved through the settings API), and the theme.

    The first number style and date format, "" (nothing stored), is each person's language's
    (docs/i18n.md §4); its example is in the language of the person looking.
    """
    explicit = preferences_explicit()
    preferences = preferences_get(explicit)
    currency_code = preferences["currency_code"]
    # The examples are in the household's currency, as its amounts will be.
    example_currency = preferred_currency_code(preferences)
    own = language_formats(translation.get_language())
    date_formats = [
        {
            "value": value,
            "name": DATE_FORMAT_NAMES[value] if value else _("Each person's language"),
            "example": format_day(EXAMPLE_DAY, value or own["date_format"]),
        }
        for value in ["", *DATE_PATTERNS]
    ]
    number_styles = [
        {
            "value": style,
            "name": (
                number_style_name(style, translation.get_language())
                if style
                else _("Each person's language")
            ),
            "example": format_money(EXAMPLE_AMOUNT, example_currency, style or own["number_style"]),
        }
        for style in ["", *NUMBER_STYLES]
    ]
    form = {
        "currency_code": currency_code,
        "number_style": explicit.get("number_style", ""),
        "date_format": explicit.get("date_format", ""),
        "language_formats": own,
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
                EXAMPLE_AMOUNT, currency_code, form["number_style"] or own["number_style"]
            ),
        },
    )
