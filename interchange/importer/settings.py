"""The household's settings in a version 2 file (docs/api.md §6.1)."""

from interchange.importer.base import ImportBase
from preferences.models import Preference
from preferences.selectors import PREFERENCE_DEFAULTS


class SettingsImport(ImportBase):
    """Applies the file's settings."""

    def settings(self, values) -> None:
        """Apply the file's settings that are not stored yet (all of them in update mode)."""
        if values is None:
            return
        if not isinstance(values, dict):
            self.report.warn("settings: is not an object; ignored")
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
                self.report.warn(f"settings: {key} {value!r} is not a valid value; ignored")
                continue
            if stored.get(key) == value or (key in stored and not self.update):
                continue
            Preference.objects.update_or_create(key=key, defaults={"value": value})
            self.report.settings_applied.append(key)
