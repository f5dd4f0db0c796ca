from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalog.selectors import brand_list, catalog_entries_with_totals, retailer_list
from catalog.services import catalog_load_defaults
from preferences.selectors import preferred_currency_code


def catalog_list(request):
    """Retailers and brands with how many purchases use each and what they add up to."""
    currency = preferred_currency_code()
    retailers = list(catalog_entries_with_totals(retailer_list(), currency=currency))
    brands = list(catalog_entries_with_totals(brand_list(), currency=currency))
    return render(
        request,
        "catalog/catalog_list.html",
        {
            "retailers": retailers,
            "brands": brands,
            "total_currency": currency,
        },
    )


@require_POST
def load_defaults(request):
    added = catalog_load_defaults()
    messages.success(request, f"Added {added['retailers']} retailers and {added['brands']} brands.")
    return redirect("catalog:list")
