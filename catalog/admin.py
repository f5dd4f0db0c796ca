from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from import_export.admin import ExportActionMixin, ImportExportMixin

from backups.resources import BrandResource, RetailerResource
from catalog.models import Brand, Retailer
from preferences.selectors import preferred_currency_code


class CatalogEntryAdmin(ImportExportMixin, ExportActionMixin, admin.ModelAdmin):
    """Retailers and brands, with how many purchases point at each and what they add up to.

    Totals only add purchases in the preferred currency: amounts in different currencies are never
    summed (decision D12).
    """

    list_display = ["name", "url", "purchase_count", "total_spent"]
    search_fields = ["name"]
    readonly_fields = ["id", "created_at", "updated_at"]

    def get_queryset(self, request):
        currency = preferred_currency_code()
        return (
            super()
            .get_queryset(request)
            .annotate(
                purchase_count=Count("purchases"),
                total_spent=Coalesce(
                    Sum("purchases__price", filter=Q(purchases__currency_code=currency)),
                    Value(Decimal("0.00")),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                ),
                total_currency=Value(currency),
            )
        )

    @admin.display(description="purchases", ordering="purchase_count")
    def purchase_count(self, entry):
        return entry.purchase_count

    @admin.display(description="total spent", ordering="total_spent")
    def total_spent(self, entry):
        return f"{entry.total_spent:.2f} {entry.total_currency}"


@admin.register(Retailer)
class RetailerAdmin(CatalogEntryAdmin):
    resource_classes = [RetailerResource]


@admin.register(Brand)
class BrandAdmin(CatalogEntryAdmin):
    resource_classes = [BrandResource]
