from django.contrib import admin, messages

from purchases.models import Purchase
from purchases.selectors import SEARCH_FIELDS
from purchases.services import purchases_mark_received
from warranties.admin import WarrantyInline, WarrantyStateFilter
from warranties.models import Warranty, WarrantyStatus

NO_WARRANTY = "NONE"


class PrimaryWarrantyStateFilter(WarrantyStateFilter):
    """Filter purchases by the state of their primary warranty."""

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), (NO_WARRANTY, "No warranty")]

    def queryset(self, request, queryset):
        if self.value() == NO_WARRANTY:
            return queryset.filter(primary_warranty_id__isnull=True)
        if self.value() is None:
            return queryset
        warranties = self.filter_warranties(Warranty.objects.all())
        return queryset.filter(primary_warranty_id__in=warranties.values("id"))


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = [
        "product_name",
        "price_with_currency",
        "retailer",
        "brand",
        "purchase_date",
        "status",
        "warranty_end",
        "warranty_status",
    ]
    list_filter = [
        "status",
        PrimaryWarrantyStateFilter,
        "purchase_date",
        "tax_deductible",
        ("retailer", admin.RelatedOnlyFieldListFilter),
        ("brand", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["retailer", "brand"]
    search_fields = [*SEARCH_FIELDS, "retailer__name", "brand__name"]
    date_hierarchy = "purchase_date"
    autocomplete_fields = ["retailer", "brand"]
    inlines = [WarrantyInline]
    actions = ["mark_received"]
    readonly_fields = ["id", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "product_name",
                    ("price", "currency_code"),
                    "quantity",
                    ("retailer", "brand"),
                    ("purchase_date", "status"),
                    "tax_deductible",
                ]
            },
        ),
        (
            "Details",
            {
                "fields": [
                    ("model_number", "serial_number"),
                    "retailer_order_number",
                    "link",
                    "tags",
                    "notes",
                ]
            },
        ),
        ("Returns", {"fields": [("return_deadline", "return_policy")]}),
        ("Record", {"fields": ["id", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_primary_warranty()

    @admin.display(description="price", ordering="price")
    def price_with_currency(self, purchase):
        return f"{purchase.price} {purchase.currency_code}"

    @admin.display(description="warranty ends", ordering="primary_warranty_end")
    def warranty_end(self, purchase):
        return purchase.primary_warranty_end

    @admin.display(description="warranty", ordering="primary_warranty_status")
    def warranty_status(self, purchase):
        status = purchase.primary_warranty_status
        return WarrantyStatus(status).label if status else None

    @admin.action(description="Mark the selected purchases as received")
    def mark_received(self, request, queryset):
        changed = purchases_mark_received(purchases=queryset)
        self.message_user(request, f"Marked {changed} purchases as received.", messages.SUCCESS)
