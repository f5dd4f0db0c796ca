from django.core.paginator import Paginator
from django.shortcuts import render

from warranties.forms import WarrantyFilterForm
from warranties.models import WARRANTY_STATE_EXPIRING, WARRANTY_STATES
from warranties.selectors import claims_prefetch, warranty_list_expiring
from warranties.selectors import warranty_list as warranty_list_query

PAGE_SIZE = 25


def warranty_list(request):
    """All warranties with their effective status, soonest end first; void and un-void here.

    `?state=` narrows to one state; `?days=N` to the active ones ending within N days.
    """
    filters = WarrantyFilterForm(request.GET)
    state, days = filters.value("state"), filters.value("days")
    if days:
        warranties = warranty_list_expiring(days=days)
    elif state == WARRANTY_STATE_EXPIRING:
        warranties = warranty_list_query(expiring_soon=True)
    else:
        warranties = warranty_list_query(status=state)
    warranties = warranties.prefetch_related(claims_prefetch())
    page = Paginator(warranties, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": request.GET,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
        "state": None if days else state,
        "days": days,
        "states": WARRANTY_STATES,
        "filtered": bool(state or days),
    }
    return render(request, "warranties/warranty_list.html", context)
