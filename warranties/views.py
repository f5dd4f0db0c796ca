from django.shortcuts import render

from kernel.filters import ignored_filters
from kernel.pagination import PaginatorByKeys
from warranties.forms import WARRANTY_SORTS, WarrantyFilterForm
from warranties.models import WARRANTY_STATE_EXPIRING, WARRANTY_STATES
from warranties.selectors import (
    CURRENT_FIRST,
    warranties_shown,
    warranties_with_claims,
    warranty_list_expiring,
)
from warranties.selectors import warranty_list as warranty_list_query

PAGE_SIZE = 25


def warranty_list(request):
    """All warranties with their effective status, the current ones first; void and un-void here.

    `?state=` narrows to one state; `?days=N` to the active ones ending within N days;
    `?search=` to those whose purchase contains every word; `?sort=` orders by end date instead.
    """
    filters = WarrantyFilterForm(request.GET)
    state, days, search = filters.value("state"), filters.value("days"), filters.value("search")
    sort = filters.value("sort") or CURRENT_FIRST
    if days:
        warranties = warranty_list_expiring(days=days, search=search, sort=sort)
    elif state == WARRANTY_STATE_EXPIRING:
        warranties = warranty_list_query(expiring_soon=True, search=search, sort=sort)
    else:
        warranties = warranty_list_query(status=state, search=search, sort=sort)
    # The page's rows by key first: no index gives the current ones first (kernel.pagination).
    shown = warranties_with_claims(warranties_shown())
    page = PaginatorByKeys(warranties, PAGE_SIZE, shown=shown).get_page(request.GET.get("page"))
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
