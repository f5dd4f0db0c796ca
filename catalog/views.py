from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalog.selectors import catalog_lists_with_totals
from catalog.services import catalog_load_defaults
from preferences.selectors import preferred_currency_code


def catalog_list(request):
    """Retailers and brands with how many purchases use each and what they add up to, in the
    household's base currency."""
    currency = preferred_currency_code()
    retailers, brands = catalog_lists_with_totals(base=currency)
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
