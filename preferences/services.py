from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.services import audit_record
from kernel.hooks import base_currency_changed
from kernel.versioning import data_changed
from preferences.formats import number_style_normalized
from preferences.models import Preference
from preferences.selectors import PREFERENCE_DEFAULTS, preferences_get, preferred_currency_code

SETTINGS_TARGET = "household settings"


@transaction.atomic
def preferences_update(
    *, actor: AbstractBaseUser | None = None, **values: str | None
) -> dict[str, str]:
    """Store the given preferences and return them all.

    `None` leaves a key unchanged and an empty string resets it to its default (the settings form
    offers an empty placeholder option). Unknown keys are ignored. A change is written to the
    audit trail as ACTOR's (old and new value of each key that changed); saving the same values
    again writes nothing.

    `number_style` must be one of the offered styles (`preferences.formats.NUMBER_STYLES`;
    "de-DE" is taken as "de_DE"): anything else raises ValidationError and stores nothing. The
    other settings are stored as they come (docs/api.md §4.5).
    """
    if values.get("number_style"):
        values["number_style"] = _number_style_checked(values["number_style"])
    before = preferences_get()
    for key, value in values.items():
        if key not in PREFERENCE_DEFAULTS or value is None:
            continue
        if value == "":
            Preference.objects.filter(key=key).delete()
        else:
            Preference.objects.update_or_create(key=key, defaults={"value": value})
    # The settings are household data like the rest: every change replaces the data version.
    data_changed()
    after = preferences_get()
    changes = {
        key: {"from": before[key], "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }
    if changes:
        audit_record(actor=actor, action="settings.update", target=SETTINGS_TARGET, changes=changes)
    _base_currency_followed(before, after, actor)
    return after


def _base_currency_followed(before: dict, after: dict, actor) -> None:
    """Have the apps above follow a change of the base currency (purchases re-convert every
    purchase to it: docs/currencies.md §6), in this transaction."""
    old, new = preferred_currency_code(before), preferred_currency_code(after)
    if old != new:
        base_currency_changed.run(actor=actor, before=old, after=new)


def _number_style_checked(value: str) -> str:
    style = number_style_normalized(value)
    if style is None:
        raise ValidationError(
            {
                "number_style": gettext(
                    "“%(value)s” is not one of the number styles: use a name such as en_US, "
                    "en_GB, de_DE or fr_FR (the Settings page lists each with an example)."
                )
                % {"value": value}
            }
        )
    return style


@transaction.atomic
def preferences_reset(*, actor: AbstractBaseUser | None = None) -> dict[str, str]:
    """Forget every stored preference and return the defaults (audited as ACTOR's)."""
    before = preferences_get()
    forgotten = sorted(Preference.objects.values_list("key", flat=True))
    Preference.objects.all().delete()
    data_changed()
    audit_record(actor=actor, action="settings.reset", target=SETTINGS_TARGET, keys=forgotten)
    after = preferences_get()
    _base_currency_followed(before, after, actor)
    return after
