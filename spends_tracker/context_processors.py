from preferences.selectors import preferences_get, preferred_currency_code


def household(request):
    """Give every page the household's currency and date format (one query, signed-in only)."""
    if not request.user.is_authenticated:
        return {}
    preferences = preferences_get()
    return {
        "household": {
            "currency_code": preferred_currency_code(preferences),
            "date_format": preferences["date_format"],
        }
    }
