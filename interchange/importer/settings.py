"""The household's settings in a version 2 file (docs/api.md §6.1)."""

from django.utils.translation import gettext

from interchange.importer.base import ImportBase
from interchange.reports import ignored_because
from preferences.models import Preference
from preferences.selectors import PREFERENCE_DEFAULTS


class SettingsImport(ImportBase):
    """Applies the file's settings."""

    def settings(self, values) -> None:
        """Apply the file's settings that are not stored yet (all of them in update mode)."""
        if values is None:
            return
        if not isinstance(values, dict):
            self.report.warn(ignored_because("settings", gettext("is not an object")))
            return
        stored = dict(Preference.objects.values_list("key", "value"))
        for key in PREFERENCE_DEFAULTS:
            value = values.get(key)
            if value is None:
                continue
            if (
                not isinstance(value, str)
                or not value.strip()
                or len(value) > 500
                or "\x00" in value
            ):
                self.report.warn(
                    ignored_because(
                        "settings",
                        gettext("%(key)s %(value)s is not a valid value")
                        % {"key": key, "value": repr(value)},
                    )
                )
                continue
            if stored.get(key) == value or (key in stored and not self.update):
                continue
            Preference.objects.update_or_create(key=key, defaults={"value": value})
            self.report.settings_applied.append(key)
