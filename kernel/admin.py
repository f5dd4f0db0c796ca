"""What the admin of every app's household data shares."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import BaseInlineFormSet

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


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's rows, each field named for assistive technology (docs/forms.md §6).

    A tabular inline shows its labels once, as column headers, and leaves every input of every
    row without a label of its own; each widget gets its field's label as `aria-label`, the
    "delete?" box too (the formset adds it after the form is built, hence here).
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            label = str(field.label or "").strip()
            if label:
                field.widget.attrs.setdefault("aria-label", label[0].upper() + label[1:])
