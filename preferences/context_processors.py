from django.utils.functional import SimpleLazyObject

from preferences.selectors import preferences_get, preferred_currency_code


def _household_formats() -> dict[str, str]:
    preferences = preferences_get()
    return {
        "currency_code": preferred_currency_code(preferences),
        "date_format": preferences["date_format"],
    }


def household(request):
    """Give every page the household's currency and date format.

    Read lazily: one query on the pages that show them, none on the admin's, which never do.
    """
    if not request.user.is_authenticated:
        return {}
    return {"household": SimpleLazyObject(_household_formats)}
