"""Household settings (docs/api.md §5.7): only `currency_code` and `date_format` live here."""

from django.utils.translation import gettext
from ninja import Router
from ninja.errors import HttpError

from kernel.schemas import COMMON_ERRORS, ErrorOut
from preferences.schemas import SettingOut, SettingsIn, SettingsOut
from preferences.selectors import preferences_get
from preferences.services import preferences_reset, preferences_update

router = Router(tags=["Settings"])


@router.get("/settings", response={200: SettingsOut, **COMMON_ERRORS})
def get_settings(request):
    """Every setting, defaults filled in."""
    return preferences_get()


@router.put("/settings", response={200: SettingsOut, **COMMON_ERRORS})
def update_settings(request, payload: SettingsIn):
    """Change the settings sent; "" resets one to its default; unknown keys are ignored."""
    return preferences_update(actor=request.user, **payload.model_dump(exclude_unset=True))


# Declared before /settings/{key} so that "reset" is never read as a key.
@router.post("/settings/reset", response={200: SettingsOut, **COMMON_ERRORS})
def reset_settings(request):
    """Forget every stored setting and return the defaults."""
    return preferences_reset(actor=request.user)


@router.get("/settings/{key}", response={200: SettingOut, 404: ErrorOut, **COMMON_ERRORS})
def get_setting(request, key: str):
    settings = preferences_get()
    if key not in settings:
        raise HttpError(404, gettext("Unknown setting: %(key)s") % {"key": key})
    return {"key": key, "value": settings[key]}
