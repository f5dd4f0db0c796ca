from django.shortcuts import render

from kernel.filters import ignored_filters
from kernel.pagination import PaginatorByKeys
from warranties.forms import WARRANTY_SORTS, WarrantyFilterForm
from warranties.models import WARRANTY_STATES
from warranties.selectors import CURRENT_FIRST, warranty_listing

PAGE_SIZE = 25


def warranty_list(request):
    """All warranties with their effective status, the current ones first; void and un-void here.

    `?state=` narrows to one state; `?days=N` to the active ones ending within N days;
    `?search=` to those whose purchase contains every word; `?sort=` orders by end date instead.
    """
    filters = WarrantyFilterForm(request.GET)
    state, days, search = filters.value("state"), filters.value("days"), filters.value("search")
    sort = filters.value("sort") or CURRENT_FIRST
    listing = warranty_listing(state=state, days=days, search=search, sort=sort)
    paginator = PaginatorByKeys(
        listing.warranties, PAGE_SIZE, shown=listing.shown, keys=listing.current_first_keys
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "query": request.GET,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
        "state": None if days else state,
        "days": days,
        "search": search or "",
        "sort": filters.value("sort") or "",
        "sorts": WARRANTY_SORTS,
        "states": WARRANTY_STATES,
        "filtered": bool(state or days or search),
        "ignored_filters": ignored_filters(filters, request.GET),
    }
    return render(request, "warranties/warranty_list.html", context)
