import re

from kernel.money import DEFAULT_CURRENCY_CODE
from preferences.formats import DEFAULT_NUMBER_STYLE, language_formats
from preferences.models import Preference

PREFERENCE_DEFAULTS = {
    "currency_code": DEFAULT_CURRENCY_CODE,
    "date_format": "MM/DD/YYYY",
    # How amounts and numbers are written (preferences/formats.py): en_US, as before the setting.
    "number_style": DEFAULT_NUMBER_STYLE,
}

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def preferences_get(explicit: dict[str, str] | None = None) -> dict[str, str]:
    """Return every known preference, defaults filled in for keys that are not stored.

    EXPLICIT, when the caller has read `preferences_explicit()` already, saves the query.
    """
    stored = preferences_explicit() if explicit is None else explicit
    return {key: stored.get(key) or default for key, default in PREFERENCE_DEFAULTS.items()}


def preferences_explicit() -> dict[str, str]:
    """The preferences the household has set (one query): the keys it never set are missing."""
    stored = Preference.objects.filter(key__in=PREFERENCE_DEFAULTS).values_list("key", "value")
    return {key: value for key, value in stored if value}


def household_formats(*, language: str | None) -> dict[str, str]:
    """How the pages of a person reading LANGUAGE write money and dates (one query).

    The household's explicit number style and date format win; where it set none, the
    person's language decides (docs/i18n.md §4), so that the default reads naturally to each.
    """
    stored = preferences_explicit()
    own = language_formats(language)
    return {
        "currency_code": preferred_currency_code({**PREFERENCE_DEFAULTS, **stored}),
        "number_style": stored.get("number_style") or own["number_style"],
        "date_format": stored.get("date_format") or own["date_format"],
    }


def preferred_currency_code(preferences: dict[str, str] | None = None) -> str:
    """Return the currency new purchases default to: the setting when it is a 3-letter code.

    PREFERENCES, when the caller has read them already, saves the query.
    """
    value = (preferences or preferences_get())["currency_code"].strip().upper()
    return value if _CURRENCY_CODE.fullmatch(value) else DEFAULT_CURRENCY_CODE
