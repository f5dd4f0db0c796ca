import re

from kernel.money import DEFAULT_CURRENCY_CODE
from preferences.formats import DEFAULT_NUMBER_STYLE
from preferences.models import Preference

PREFERENCE_DEFAULTS = {
    "currency_code": DEFAULT_CURRENCY_CODE,
    "date_format": "MM/DD/YYYY",
    # How amounts and numbers are written (preferences/formats.py): en_US, as before the setting.
    "number_style": DEFAULT_NUMBER_STYLE,
}

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def preferences_get() -> dict[str, str]:
    """Return every known preference, defaults filled in for keys that are not stored."""
    stored = dict(
        Preference.objects.filter(key__in=PREFERENCE_DEFAULTS).values_list("key", "value")
    )
    return {key: stored.get(key) or default for key, default in PREFERENCE_DEFAULTS.items()}


def preferred_currency_code(preferences: dict[str, str] | None = None) -> str:
    """Return the currency new purchases default to: the setting when it is a 3-letter code.

    PREFERENCES, when the caller has read them already, saves the query.
    """
    value = (preferences or preferences_get())["currency_code"].strip().upper()
    return value if _CURRENCY_CODE.fullmatch(value) else DEFAULT_CURRENCY_CODE
