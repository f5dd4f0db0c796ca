from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.selectors import brand_list, retailer_list
from kernel import clock
from kernel.filters import ignored_filters
from kernel.hooks import receipts_waiting_count
from preferences.selectors import preferred_currency_code
from purchases.forms import PAGE_SIZES, PURCHASE_WARRANTY_STATES, PurchaseFilterForm
from purchases.models import FileType, Purchase, PurchaseStatus
from purchases.selectors import (
    PurchasePaginator,
    purchase_listing,
    purchase_page,
    purchases_total,
    purchases_without_rate_count,
    tag_suggestions,
    with_receipt_matches,
)
from purchases.thumbnails import has_thumbnail
from warranties.badges import badge_table
from warranties.models import WarrantyType

DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy: translated where it is shown
    sort: str | None = None  # the selector's sort key, when the column can be sorted by
    hideable: bool = True
    shown_by_default: bool = True


# The orders offered on narrow screens, where the table has no header row to click.
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("-created_at", _("Newest added")),
    ("created_at", _("Oldest added")),
    ("-purchase_date", _("Newest bought")),
    ("purchase_date", _("Oldest bought")),
    ("-price", _("Most expensive")),
    ("price", _("Cheapest")),
    ("product_name", _("Name, A to Z")),
    ("-product_name", _("Name, Z to A")),
]

COLUMNS = [
    Column("product", _("Product"), sort="product_name", hideable=False),
    Column("price", _("Price"), sort="price"),
    Column("retailer", _("Retailer")),
    Column("brand", _("Brand")),
    Column("purchase_date", pgettext_lazy("date", "Bought"), sort="purchase_date"),
    Column("status", _("Status")),
    Column("warranty", _("Warranty")),
    Column("tags", _("Tags")),
    Column("quantity", _("Quantity"), shown_by_default=False),
    Column("model_number", _("Model"), shown_by_default=False),
    Column("serial_number", _("Serial number"), shown_by_default=False),
    Column("order_number", _("Order number"), shown_by_default=False),
    Column("tax_deductible", _("Tax deductible"), shown_by_default=False),
    Column("return_deadline", _("Return by"), shown_by_default=False),
    Column("created_at", pgettext_lazy("date", "Added"), sort="created_at", shown_by_default=False),
]


def _headers(current_sort: str) -> list[dict]:
    """Return the table's column headers, each with the sort a click asks for and its aria-sort.

    A click on the sorted column reverses it; on another column names and prices start with
    A and the cheapest, dates with the newest.
    """
    headers = []
    for column in COLUMNS:
        header = {"key": column.key, "label": column.label, "next": None, "aria": None}
        if column.sort == current_sort:
            header.update(next=f"-{column.sort}", aria="ascending")
        elif column.sort and current_sort == f"-{column.sort}":
            header.update(next=column.sort, aria="descending")
        elif column.sort:
            ascending_first = column.sort in {"product_name", "price"}
            header["next"] = column.sort if ascending_first else f"-{column.sort}"
        headers.append(header)
    return headers


def purchase_list(request):
    """The inventory: purchases filtered, sorted and paged by the query string.

    The purchase form on this page saves through the JSON API; `?new=1` opens it empty and
    `?edit=<id>` opens it on a purchase.
    """
    filters = PurchaseFilterForm(request.GET)
    arguments = filters.selector_arguments()
    per_page = filters.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE
    listing = purchase_listing(**arguments, with_claims=False)
    filtered = any(arguments[name] for name in PurchaseFilterForm.FILTERS)
    # Every filtered row, not the page's (docs/purchases.md §3); its count is the paginator's.
    total = purchases_total(listing.purchases, base=preferred_currency_code(), every=not filtered)
    page = PurchasePaginator(listing, per_page, total.count).get_page(request.GET.get("page"))
    page.object_list = with_receipt_matches(page.object_list, arguments["search"])
    columns = [
        {"key": c.key, "label": str(c.label), "shown": c.shown_by_default}
        for c in COLUMNS
        if c.hideable
    ]
    # Links keep the filters but must not open the form again.
    query = request.GET.copy()
    for opener in ("new", "edit"):
        query.pop(opener, None)
    context = {
        "query": query,
        # The item pages' "Back to the list" returns to this page of this list.
        "back": urlencode({"back": query.urlencode()}) if query else "",
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
        "filters": filters,
        "values": filters.cleaned_data,
        "filtered": filtered,
        "active_filter_count": filters.active_filter_count(),
        "sort": arguments["sort"],
        "sort_choices": SORT_CHOICES if arguments["search"] else SORT_CHOICES[1:],
        "headers": _headers(arguments["sort"]),
        "hideable_columns": columns,
        "warranty_states": PURCHASE_WARRANTY_STATES,
        "page_sizes": PAGE_SIZES,
        "per_page": per_page,
        "total": total if total.count else None,
        # Flagged, never silently left out (docs/currencies.md §6).
        "without_rate_count": purchases_without_rate_count(),
        "ignored_filters": ignored_filters(filters, request.GET),
        # The receipts app, above this one, counts its drafts (docs/receipts.md).
        "receipts_waiting": receipts_waiting_count(),
        **purchase_form_context(),
    }
    return render(request, "purchases/purchase_list.html", context)


def purchase_form_context() -> dict:
    """What the purchase form (purchases/partials/purchase_form.html) needs on a page."""
    retailers = list(retailer_list())
    brands = list(brand_list())
    form_data = {
        "retailers": [{"id": str(r.id), "name": r.name, "is_brand": r.is_brand} for r in retailers],
        "brands": [{"id": str(b.id), "name": b.name} for b in brands],
        "file_types": [{"value": value, "label": str(label)} for value, label in FileType.choices],
        "today": clock.today().isoformat(),
        "max_upload_bytes": settings.SPENDS_ATTACHMENT_MAX_BYTES,
        "warranty_badges": badge_table(),
        "tags": tag_suggestions(),
        "warranty_types": WarrantyType.values,
    }
    return {
        "retailers": retailers,
        "brands": brands,
        "statuses": PurchaseStatus.choices,
        "warranty_types": WarrantyType.choices,
        "form_data": form_data,
    }


def _back_url(request) -> str:
    """The inventory as the item page was opened from: its `back` holds the list's query
    string (filters, sort, page). Only a query string: the path is ours, so no link leads away."""
    back = QueryDict(request.GET.get("back", ""), mutable=True)
    for opener in ("new", "edit"):
        back.pop(opener, None)
    url = reverse("purchases:list")
    return f"{url}?{back.urlencode()}" if back else url


def purchase_detail(request, purchase_id):
    """One purchase's page: photos, details, warranties, attachments, who added and changed it.

    Editors edit it in the purchase form (the inventory's), add photos and files through the
    attachments API, and delete it (docs/purchases.md §1).
    """
    try:
        purchase = purchase_page(purchase_id)
    except Purchase.DoesNotExist:
        raise Http404("No purchase with this id: it may have been deleted.") from None
    photos, files = [], []
    for attachment in purchase.attachment_list:
        attachment.thumbnail = has_thumbnail(attachment.mime_type) and not attachment.blob.missing
        attachment.is_pdf = attachment.mime_type == "application/pdf"
        (photos if attachment.file_type == FileType.PHOTO else files).append(attachment)
    back_url = _back_url(request)
    context = {
        "purchase": purchase,
        "photos": photos,
        "files": files,
        "warranties": purchase.warranty_list,
        "back_url": back_url,
        # Where the page goes once the purchase is deleted.
        "after_delete_url": back_url,
        **purchase_form_context(),
    }
    return render(request, "purchases/purchase_detail.html", context)
