from django.contrib import admin

from catalog.models import Brand, Retailer
from catalog.selectors import catalog_entries_with_totals
from catalog.services import catalog_entries_delete, catalog_entry_delete
from kernel.admin import VersionedModelAdmin
from kernel.money import quantize_money
from preferences.selectors import preferred_currency_code


class CatalogEntryAdmin(VersionedModelAdmin):
    """Retailers and brands, with how many purchases point at each and what they add up to.

    Totals add every purchase in the household's base currency, at the rate each was converted
    with; purchases without a rate are counted, not added (docs/api.md §9.8). The import and
    export buttons are added by the interchange app (interchange/admin.py), which sits above this
    one.
    """

    list_display = ["name", "url", "purchase_count", "total_spent"]
    search_fields = ["name"]
    readonly_fields = ["id", "created_at", "updated_at"]

    def get_queryset(self, request):
        return catalog_entries_with_totals(
            super().get_queryset(request), base=preferred_currency_code()
        )

    def delete_model(self, request, obj):
        catalog_entry_delete(entry=obj)

    def delete_queryset(self, request, queryset):
        catalog_entries_delete(entries=queryset)

    @admin.display(description="purchases", ordering="purchase_count")
    def purchase_count(self, entry):
        return entry.purchase_count

    @admin.display(description="total spent", ordering="total_spent")
    def total_spent(self, entry):
        total = f"{quantize_money(entry.total_spent)} {entry.total_currency}"
        if entry.without_rate_count:
            return f"{total} ({entry.without_rate_count} without a rate)"
        return total


@admin.register(Retailer)
class RetailerAdmin(CatalogEntryAdmin):
    pass


@admin.register(Brand)
class BrandAdmin(CatalogEntryAdmin):
    pass
