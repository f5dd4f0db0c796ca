from django import forms
from django.contrib import admin, messages
from django.db import models

from kernel.admin import LabelledInlineFormSet, VersionedModelAdmin
from warranties.models import (
    WARRANTY_STATES,
    Warranty,
    WarrantyStatus,
    WarrantyType,
    warranty_type_label,
)
from warranties.services import warranties_set_voided, warranty_delete


class WarrantyStateFilter(admin.SimpleListFilter):
    """Filter by effective warranty state, with "expiring soon" as a state of its own."""

    title = "warranty state"
    parameter_name = "warranty_state"

    def lookups(self, request, model_admin):
        return WARRANTY_STATES

    def queryset(self, request, queryset):
        return self.filter_warranties(queryset)

    def filter_warranties(self, warranties):
        """Return WARRANTIES narrowed to the chosen state (all of them when none is chosen)."""
        state = self.value()
        if state in dict(WARRANTY_STATES):
            return warranties.in_state(state)
        return warranties


class WarrantyForm(forms.ModelForm):
    """The type as a select of the known kinds, by label; a type typed before stays listed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "warranty_type" not in self.fields:
            return
        current = self.instance.warranty_type or ""
        choices = [("", "—"), *WarrantyType.choices]
        if current and current not in WarrantyType.values:
            choices.append((current, f"{current} (as stored)"))
        self.fields["warranty_type"].widget = forms.Select(choices=choices)


class WarrantyInline(admin.TabularInline):
    model = Warranty
    formset = LabelledInlineFormSet
    form = WarrantyForm
    fields = ["warranty_start", "warranty_end", "warranty_type", "provider", "voided", "notes"]
    extra = 1
    # Two short lines: the inline's table fits the change page at 1366 px (docs/forms.md §5).
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


@admin.register(Warranty)
class WarrantyAdmin(VersionedModelAdmin):
    form = WarrantyForm
    list_display = [
        "purchase",
        "type_label",
        "provider",
        "warranty_start",
        "warranty_end",
        "status",
    ]
    list_filter = [WarrantyStateFilter, "warranty_type"]
    list_select_related = ["purchase"]
    search_fields = ["purchase__product_name", "provider", "warranty_type", "notes"]
    autocomplete_fields = ["purchase"]
    date_hierarchy = "warranty_end"
    actions = ["void", "unvoid"]
    readonly_fields = ["created_by", "updated_by"]

    def save_model(self, request, obj, form, change):
        # The admin is a front door like the API: it says who added or changed the warranty.
        if change:
            obj.updated_by = request.user
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        warranty_delete(warranty=obj)

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description="type", ordering="warranty_type")
    def type_label(self, warranty):
        return warranty_type_label(warranty.warranty_type) or "—"

    @admin.display(description="status", ordering="effective_status")
    def status(self, warranty):
        return WarrantyStatus(warranty.effective_status).label

    @admin.action(description="Void the selected warranties")
    def void(self, request, queryset):
        changed = warranties_set_voided(warranties=queryset, voided=True, actor=request.user)
        self.message_user(request, f"Voided {changed} warranties.", messages.SUCCESS)

    @admin.action(description="Un-void the selected warranties")
    def unvoid(self, request, queryset):
        changed = warranties_set_voided(warranties=queryset, voided=False, actor=request.user)
        self.message_user(request, f"Un-voided {changed} warranties.", messages.SUCCESS)
