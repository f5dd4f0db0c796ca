from django.utils import translation
from django.utils.functional import SimpleLazyObject

from preferences.formats import number_style_activate
from preferences.selectors import household_formats


def household(request):
    """Give every page the household's currency, number style and date format.

    The formats the household did not set follow the language of the page (docs/i18n.md §4).

    Read lazily: one query on the pages that show them, none on the admin's, which never do.
    The number style is also activated for the `money` filter (preferences/formats.py), from the
    same lazy read; a page without a signed-in person writes money in the default style.
    """
    if not request.user.is_authenticated:
        number_style_activate(None)
        return {}
    # The person's language is the page's (accounts.middleware.PersonLocaleMiddleware).
    language = translation.get_language()
    formats = SimpleLazyObject(lambda: household_formats(language=language))
    number_style_activate(lambda: formats["number_style"])
    return {"household": formats}
