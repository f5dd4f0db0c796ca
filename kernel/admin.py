"""What the admin of every app's household data shares."""

from django.contrib import admin
from django.db import transaction

from kernel.versioning import data_changed


class VersionedModelAdmin(admin.ModelAdmin):
    """An admin that replaces the data version after each of its writes (see DataVersion).

    The admin's forms, inlines and bulk delete write through the ORM, around the services: each
    write replaces the data version in its transaction, so no cached figure outlives it, and
    the dashboard's rollups are rebuilt by their next reader (kernel/summaries.py). An app's
    admin that has a service for a write (a purchase's deletion, which releases its blobs) calls
    that instead.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data_changed()

    def save_related(self, request, form, formsets, change):
        # The inlines (a purchase's warranties) are saved and deleted here.
        super().save_related(request, form, formsets, change)
        data_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        data_changed()

    def delete_queryset(self, request, queryset):
        # The bulk delete action runs outside the transaction the admin's views open.
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            data_changed()
