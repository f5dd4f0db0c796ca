from django.contrib import admin

from kernel.admin import VersionedModelAdmin
from kernel.hooks import base_currency_changed
from preferences.models import Preference
from preferences.selectors import preferred_currency_code


@admin.register(Preference)
class PreferenceAdmin(VersionedModelAdmin):
    list_display = ["key", "value", "updated_at"]
    search_fields = ["key", "value"]

    # A change of the currency here is a change of the base currency like on the Settings page:
    # the apps above follow it (kernel.hooks, docs/currencies.md §6).
    def _followed(self, request, write) -> None:
        before = preferred_currency_code()
        write()
        after = preferred_currency_code()
        if before != after:
            base_currency_changed.run(actor=request.user, before=before, after=after)

    def save_model(self, request, obj, form, change):
        self._followed(
            request, lambda: super(PreferenceAdmin, self).save_model(request, obj, form, change)
        )

    def delete_model(self, request, obj):
        self._followed(request, lambda: super(PreferenceAdmin, self).delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        self._followed(
            request, lambda: super(PreferenceAdmin, self).delete_queryset(request, queryset)
        )
