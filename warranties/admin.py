from django import forms
from django.contrib import admin, messages
from django.db import models

from kernel import clock
from kernel.admin import LabelledInlineFormSet, VersionedModelAdmin
from warranties.models import (
    OPEN_CLAIM_STATUSES,
    WARRANTY_STATES,
    Claim,
    Warranty,
    WarrantyStatus,
    WarrantyType,
    warranty_type_label,
)
from warranties.services import (
    claim_delete,
    claim_transition_refusal,
    warranties_set_voided,
    warranty_delete,
)


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


CLAIM_FIELDS = [
    "opened_on",
    "number",
    "status",
    "closed_on",
    "follow_up_on",
    "cost",
    "currency_code",
    "resolution",
    "notes",
]


class ClaimAdminForm(forms.ModelForm):
    """The claim services' rules in the admin's form (docs/claims.md §1): a closed claim can
    only be reopened, closing records the day (today unless given), reopening clears it."""

    class Meta:
        model = Claim
        fields = ["warranty", *CLAIM_FIELDS]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if not status:
            return cleaned
        if not self.instance._state.adding:
            refusal = claim_transition_refusal(self.initial.get("status"), status)
            if refusal:
                self.add_error("status", refusal)
        if status in OPEN_CLAIM_STATUSES:
            cleaned["closed_on"] = None
        elif not cleaned.get("closed_on"):
            cleaned["closed_on"] = clock.today()
        opened_on = cleaned.get("opened_on")
        if opened_on and opened_on > clock.today():
            self.add_error("opened_on", "A claim cannot be opened after today.")
        return cleaned


class ClaimInline(admin.StackedInline):
    model = Claim
    form = ClaimAdminForm
    fields = CLAIM_FIELDS
    extra = 0
    show_change_link = True


def _stamp_authors(request, instances) -> None:
    # The admin is a front door like the API: it says who added or changed each row.
    for instance in instances:
        if instance._state.adding:
            instance.created_by = request.user
        else:
            instance.updated_by = request.user


@admin.register(Claim)
class ClaimAdmin(VersionedModelAdmin):
    form = ClaimAdminForm
    list_display = ["__str__", "warranty", "status", "opened_on", "follow_up_on", "closed_on"]
    list_filter = ["status", "opened_on", "follow_up_on"]
    list_select_related = ["warranty__purchase"]
    search_fields = ["number", "warranty__purchase__product_name", "resolution", "notes"]
    autocomplete_fields = ["warranty"]
    date_hierarchy = "opened_on"
    fields = ["warranty", *CLAIM_FIELDS, "documents", "created_by", "updated_by"]
    readonly_fields = ["documents", "created_by", "updated_by"]

    def save_model(self, request, obj, form, change):
        _stamp_authors(request, [obj])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        claim_delete(claim=obj)

    @admin.display(description="documents")
    def documents(self, claim):
        names = [document.filename for document in claim.documents.all()] if claim.pk else []
        return ", ".join(names) or "—"


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
    inlines = [ClaimInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Claim:
            _stamp_authors(
                request,
                [
                    claim_form.instance
                    for claim_form in formset.forms
                    if claim_form.has_changed() and claim_form not in formset.deleted_forms
                ],
            )
        super().save_formset(request, form, formset, change)

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
