from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from kernel.schemas import (
    COMMON_ERRORS,
    NOT_FOUND,
    Page,
    fields_sent,
    get_or_404,
    paginate,
)
from warranties.models import Claim, Warranty
from warranties.schemas import (
    ClaimFilters,
    ClaimIn,
    ClaimOut,
    ClaimPatch,
    ExpiringQuery,
    WarrantyDetailOut,
    WarrantyFilters,
    WarrantyIn,
    WarrantyPatch,
)
from warranties.selectors import (
    claim_list,
    claims_shown,
    warranties_with_claims,
    warranty_list,
    warranty_list_expiring,
)
from warranties.services import (
    claim_create,
    claim_delete,
    claim_update,
    warranty_create,
    warranty_delete,
    warranty_update,
)

router = Router(tags=["Warranties"])

WARRANTY_NOT_FOUND = gettext_lazy("Warranty not found")
CLAIM_NOT_FOUND = gettext_lazy("Claim not found")
PURCHASE_NOT_FOUND = gettext_lazy("Purchase not found")
NOT_NULL_FIELDS = {"warranty_start", "warranty_end", "duration_months", "status"}
CLAIM_NOT_NULL_FIELDS = {"opened_on", "status", "currency_code", "document_ids"}


def _warranty(warranty_id: str) -> Warranty:
    return get_or_404(
        warranties_with_claims(Warranty.objects.with_status()).select_related(
            "purchase", "created_by", "updated_by"
        ),
        warranty_id,
        WARRANTY_NOT_FOUND,
    )


def _claim(claim_id) -> Claim:
    return get_or_404(claims_shown(), claim_id, CLAIM_NOT_FOUND)


@router.get("/warranties", response={200: Page[WarrantyDetailOut], **COMMON_ERRORS})
def list_warranties(request, filters: Query[WarrantyFilters]):
    """Warranties with their effective status, the soonest-ending first."""
    warranties = warranty_list(
        status=filters.status, expiring_soon=filters.expiring_soon, purchase_id=filters.purchase_id
    )
    return paginate(warranties_with_claims(warranties), skip=filters.skip, limit=filters.limit)


# Declared before /warranties/{warranty_id}, which would otherwise take "expiring" for an id.
@router.get("/warranties/expiring", response={200: list[WarrantyDetailOut], **COMMON_ERRORS})
def list_expiring_warranties(request, response: HttpResponse, query: Query[ExpiringQuery]):
    """Active warranties ending within `days` days from today (inclusive), soonest first.

    At most `limit` of them; the `X-Total-Count` header says how many there are in all.
    """
    warranties = warranty_list_expiring(days=query.days)
    response["X-Total-Count"] = str(warranties.count())
    return list(warranties_with_claims(warranties)[: query.limit])


@router.post("/warranties", response={201: WarrantyDetailOut, **NOT_FOUND, **COMMON_ERRORS})
def create_warranty(request, payload: WarrantyIn):
    # The purchase model through the warranty's own foreign key: purchases is the layer above
    # warranties (docs/architecture.md §2), so it is not imported here.
    purchases = Warranty.purchase.field.related_model.objects.all()
    purchase = get_or_404(purchases, payload.purchase_id, PURCHASE_NOT_FOUND)
    data = fields_sent(payload, not_null=NOT_NULL_FIELDS)
    data.pop("purchase_id")
    warranty = warranty_create(purchase=purchase, data=data, actor=request.user)
    return Status(201, _warranty(warranty.pk))


@router.get(
    "/warranties/{warranty_id}", response={200: WarrantyDetailOut, **NOT_FOUND, **COMMON_ERRORS}
)
def get_warranty(request, warranty_id: str):
    return _warranty(warranty_id)


@router.put(
    "/warranties/{warranty_id}", response={200: WarrantyDetailOut, **NOT_FOUND, **COMMON_ERRORS}
)
def update_warranty(request, warranty_id: str, payload: WarrantyPatch):
    warranty = get_or_404(Warranty.objects.all(), warranty_id, WARRANTY_NOT_FOUND)
    warranty_update(
        warranty=warranty,
        data=fields_sent(payload, not_null=NOT_NULL_FIELDS),
        actor=request.user,
    )
    return _warranty(warranty.pk)


@router.delete("/warranties/{warranty_id}", response={204: None, **NOT_FOUND, **COMMON_ERRORS})
def delete_warranty(request, warranty_id: str):
    warranty_delete(warranty=get_or_404(Warranty.objects.all(), warranty_id, WARRANTY_NOT_FOUND))
    return Status(204, None)


# --- Claims (docs/api.md §5.16) -------------------------------------------------------------------


@router.get(
    "/warranties/{warranty_id}/claims",
    response={200: Page[ClaimOut], **NOT_FOUND, **COMMON_ERRORS},
)
def list_claims(request, warranty_id: str, filters: Query[ClaimFilters]):
    """The warranty's claims, the newest first."""
    warranty = get_or_404(Warranty.objects.all(), warranty_id, WARRANTY_NOT_FOUND)
    claims = claim_list(warranty_id=warranty.pk, status=filters.status)
    return paginate(claims, skip=filters.skip, limit=filters.limit)


@router.post(
    "/warranties/{warranty_id}/claims",
    response={201: ClaimOut, **NOT_FOUND, **COMMON_ERRORS},
)
def create_claim(request, warranty_id: str, payload: ClaimIn):
    """Open a claim under the warranty (it opens today, OPEN, unless the body says otherwise)."""
    warranty = get_or_404(Warranty.objects.all(), warranty_id, WARRANTY_NOT_FOUND)
    data = fields_sent(payload, not_null=CLAIM_NOT_NULL_FIELDS)
    claim = claim_create(warranty=warranty, data=data, actor=request.user)
    return Status(201, _claim(claim.pk))


@router.get("/claims/{claim_id}", response={200: ClaimOut, **NOT_FOUND, **COMMON_ERRORS})
def get_claim(request, claim_id: str):
    return _claim(claim_id)


@router.put("/claims/{claim_id}", response={200: ClaimOut, **NOT_FOUND, **COMMON_ERRORS})
def update_claim(request, claim_id: str, payload: ClaimPatch):
    """Change the fields sent; a closed claim can only be reopened (docs/claims.md §1)."""
    claim = get_or_404(Claim.objects.select_related("warranty"), claim_id, CLAIM_NOT_FOUND)
    data = fields_sent(payload, not_null=CLAIM_NOT_NULL_FIELDS)
    claim_update(claim=claim, data=data, actor=request.user)
    return _claim(claim.pk)


@router.delete("/claims/{claim_id}", response={204: None, **NOT_FOUND, **COMMON_ERRORS})
def delete_claim(request, claim_id: str):
    """Delete the claim; its documents stay with the purchase."""
    claim_delete(claim=get_or_404(Claim.objects.all(), claim_id, CLAIM_NOT_FOUND))
    return Status(204, None)
