from django.utils.translation import gettext_lazy, ngettext
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kernel.schemas import (
    COMMON_ERRORS,
    NOT_FOUND,
    Page,
    fields_sent,
    get_or_404,
)
from purchases.models import Purchase
from purchases.schemas import (
    NOT_NULL_FIELDS,
    BulkActionIn,
    BulkActionOut,
    PurchaseFilters,
    PurchaseIn,
    PurchaseOut,
    PurchasePatch,
    ReconvertIn,
    ReconvertOut,
    SuggestionOut,
    SuggestionQuery,
)
from purchases.search import search_suggestions
from purchases.selectors import purchase_get, purchase_list_page, with_receipt_matches
from purchases.services import (
    BulkActionRefused,
    purchase_create,
    purchase_delete,
    purchase_update,
    purchases_delete,
    purchases_mark_received,
    purchases_reconvert,
    purchases_tag_add,
)

router = Router(tags=["Purchases"])

PURCHASE_NOT_FOUND = gettext_lazy("Purchase not found")


@router.get("/purchases", response={200: Page[PurchaseOut], **COMMON_ERRORS})
def list_purchases(request, filters: Query[PurchaseFilters]):
    """Purchases, newest created first unless `sort` says otherwise; a searched list's rows
    found through a receipt carry its line (`receipt_match`)."""
    page = purchase_list_page(**filters.model_dump())
    page["items"] = with_receipt_matches(page["items"], filters.search)
    return page


@router.post("/purchases", response={201: PurchaseOut, **COMMON_ERRORS})
def create_purchase(request, payload: PurchaseIn):
    purchase = purchase_create(
        data=fields_sent(payload, not_null=NOT_NULL_FIELDS), actor=request.user
    )
    return Status(201, purchase_get(purchase.pk))


# Declared before /purchases/{purchase_id}, so that "reconvert" is never read as an id.
@router.post("/purchases/reconvert", response={200: ReconvertOut, **COMMON_ERRORS})
def reconvert_purchases(request, payload: ReconvertIn):
    """Convert the purchases again at the rates now stored for their dates (owners only)."""
    return purchases_reconvert(only_missing=payload.only_missing, actor=request.user)


@router.post("/purchases/bulk", response={200: BulkActionOut, **COMMON_ERRORS})
def bulk_action(request, payload: BulkActionIn):
    """Add a tag to, mark received, or delete the purchases `ids` (editors; the inventory's
    bulk actions)."""
    chosen = Purchase.objects.filter(pk__in=payload.ids)
    if payload.action == "tag":
        try:
            count = purchases_tag_add(purchases=chosen, tag=payload.tag, actor=request.user)
        except BulkActionRefused as refusal:
            raise HttpError(400, str(refusal)) from None
        message = ngettext(
            "Tagged %(count)s purchase “%(tag)s”.", "Tagged %(count)s purchases “%(tag)s”.", count
        ) % {"count": count, "tag": payload.tag.strip()}
    elif payload.action == "receive":
        count = purchases_mark_received(purchases=chosen, actor=request.user)
        message = ngettext(
            "Marked %(count)s purchase received.", "Marked %(count)s purchases received.", count
        ) % {"count": count}
    else:
        count = purchases_delete(purchases=chosen)
        message = ngettext("Deleted %(count)s purchase.", "Deleted %(count)s purchases.", count) % {
            "count": count
        }
    return {"action": payload.action, "count": count, "message": message}


@router.get("/purchases/{purchase_id}", response={200: PurchaseOut, **NOT_FOUND, **COMMON_ERRORS})
def get_purchase(request, purchase_id: str):
    return get_or_404(Purchase.objects.with_details(), purchase_id, PURCHASE_NOT_FOUND)


@router.put("/purchases/{purchase_id}", response={200: PurchaseOut, **NOT_FOUND, **COMMON_ERRORS})
def update_purchase(request, purchase_id: str, payload: PurchasePatch):
    purchase = get_or_404(Purchase.objects.all(), purchase_id, PURCHASE_NOT_FOUND)
    purchase_update(
        purchase=purchase,
        data=fields_sent(payload, not_null=NOT_NULL_FIELDS),
        actor=request.user,
    )
    return purchase_get(purchase.pk)


@router.delete("/purchases/{purchase_id}", response={204: None, **NOT_FOUND, **COMMON_ERRORS})
def delete_purchase(request, purchase_id: str):
    purchase_delete(purchase=get_or_404(Purchase.objects.all(), purchase_id, PURCHASE_NOT_FOUND))
    return Status(204, None)


@router.get(
    "/search/suggestions", response={200: list[SuggestionOut], **COMMON_ERRORS}, tags=["Search"]
)
def suggest(request, query: Query[SuggestionQuery]):
    """Names to complete the search box with: brands, retailers and products that contain every
    word typed (a word of four letters or more also with one typo)."""
    return search_suggestions(query.q, query.limit)
