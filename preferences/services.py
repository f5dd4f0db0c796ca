from django.db import transaction

from preferences.models import Preference
from preferences.selectors import PREFERENCE_DEFAULTS, preferences_get


@transaction.atomic
def preferences_update(**values: str | None) -> dict[str, str]:
    """Store the given preferences and return them all.

    `None` leaves a key unchanged and an empty string resets it to its default (the settings form
    offers an empty placeholder option). Unknown keys are ignored.
    """
    for key, value in values.items():
        if key not in PREFERENCE_DEFAULTS or value is None:
            continue
        if value == "":
            Preference.objects.filter(key=key).delete()
        else:
            Preference.objects.update_or_create(key=key, defaults={"value": value})
    return preferences_get()


@transaction.atomic
def preferences_reset() -> dict[str, str]:
    """Forget every stored preference and return the defaults."""
    Preference.objects.all().delete()
    return preferences_get()
