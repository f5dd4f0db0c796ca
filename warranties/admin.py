from django.contrib import admin, messages

from kernel.admin import VersionedModelAdmin
from warranties.models import WARRANTY_STATES, Warranty, WarrantyStatus
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


class WarrantyInline(admin.TabularInline):
    model = Warranty
    fields = ["warranty_start", "warranty_end", "warranty_type", "provider", "voided", "notes"]
    extra = 1


@admin.register(Warranty)
class WarrantyAdmin(VersionedModelAdmin):
    list_display = [
        "purchase",
        "warranty_type",
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
