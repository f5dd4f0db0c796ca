from django.contrib import admin

from kernel.admin import VersionedModelAdmin
from preferences.models import Preference


@admin.register(Preference)
class PreferenceAdmin(VersionedModelAdmin):
    list_display = ["key", "value", "updated_at"]
    search_fields = ["key", "value"]
