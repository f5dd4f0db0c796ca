from django.utils.functional import SimpleLazyObject

from preferences.formats import number_style_activate
from preferences.selectors import preferences_get, preferred_currency_code


def _household_formats() -> dict[str, str]:
    preferences = preferences_get()
    return {
        "currency_code": preferred_currency_code(preferences),
        "date_format": preferences["date_format"],
        "number_style": preferences["number_style"],
    }


def household(request):
    """Give every page the household's currency, number style and date format.

    Read lazily: one query on the pages that show them, none on the admin's, which never do.
    The number style is also activated for the `money` filter (preferences/formats.py), from the
    same lazy read; a page without a signed-in person writes money in the default style.
    """
    if not request.user.is_authenticated:
        number_style_activate(None)
        return {}
    formats = SimpleLazyObject(_household_formats)
    number_style_activate(lambda: formats["number_style"])
    return {"household": formats}
