"""Retailers and brands (docs/api.md §4.3, §5.3, §5.4): the same five routes for each kind."""

from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.errors import HttpError

from catalog.schemas import (
    BrandOut,
    CatalogEntryIn,
    CatalogEntryPatch,
    CatalogPageQuery,
    RetailerOut,
)
from catalog.selectors import brand_list, retailer_list
from catalog.services import (
    NameTaken,
    brand_get_or_create,
    catalog_entry_delete,
    catalog_entry_update,
    retailer_get_or_create,
)
from kernel.schemas import COMMON_ERRORS, NOT_FOUND, ErrorOut, Page, get_or_404, paginate

router = Router(tags=["Retailers and brands"])

RETAILER_NOT_FOUND = gettext_lazy("Retailer not found")
BRAND_NOT_FOUND = gettext_lazy("Brand not found")


# -- What retailers and brands share ------------------------------------------------------------


def _list(selector, query: CatalogPageQuery):
    return paginate(selector(), skip=query.skip, limit=query.limit)


def _create(get_or_create, payload: CatalogEntryIn):
    entry, created = get_or_create(name=payload.name, url=payload.url)
    return Status(201 if created else 200, entry)


def _update(selector, entry_id: str, payload: CatalogEntryPatch, not_found: str):
    # The plain row, not the listing's annotations, which the rename may make stale.
    entry = get_or_404(selector().model.objects.all(), entry_id, not_found)
    data = payload.model_dump(exclude_unset=True)
    if data.get("name") is None:  # a null name means "keep it"
        data.pop("name", None)
    try:
        catalog_entry_update(entry=entry, data=data)
    except NameTaken as exc:
        raise HttpError(409, str(exc)) from None
    return entry


def _delete(selector, entry_id: str, not_found: str):
    catalog_entry_delete(entry=get_or_404(selector(), entry_id, not_found))
    return Status(204, None)


LIST_DOC = "Ordered by name, ignoring case. Default page size 100 (docs/api.md §9.1)."
CREATE_DOC = (
    "201 with the new entry; 200 with the existing one when the name is taken (docs/api.md §9.4)."
)
UPDATE_DOC = "409 when another entry already has the new name (ignoring case)."
DELETE_DOC = "Purchases that referenced it keep existing with a null reference."


# -- Retailers ----------------------------------------------------------------------------------


@router.get(
    "/retailers",
    response={200: Page[RetailerOut], **COMMON_ERRORS},
    operation_id="list_retailers",
    summary="List retailers",
    description=LIST_DOC,
)
def list_retailers(request, query: Query[CatalogPageQuery]):
    return _list(retailer_list, query)


@router.post(
    "/retailers",
    response={200: RetailerOut, 201: RetailerOut, **COMMON_ERRORS},
    operation_id="create_retailer",
    summary="Create a retailer (or get the existing one)",
    description=CREATE_DOC,
)
def create_retailer(request, payload: CatalogEntryIn):
    return _create(retailer_get_or_create, payload)


@router.get(
    "/retailers/{entry_id}",
    response={200: RetailerOut, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="get_retailer",
    summary="Get a retailer",
)
def get_retailer(request, entry_id: str):
    return get_or_404(retailer_list(), entry_id, RETAILER_NOT_FOUND)


@router.put(
    "/retailers/{entry_id}",
    response={200: RetailerOut, 409: ErrorOut, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="update_retailer",
    summary="Rename a retailer or change its URL",
    description=UPDATE_DOC,
)
def update_retailer(request, entry_id: str, payload: CatalogEntryPatch):
    return _update(retailer_list, entry_id, payload, RETAILER_NOT_FOUND)


@router.delete(
    "/retailers/{entry_id}",
    response={204: None, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="delete_retailer",
    summary="Delete a retailer",
    description=DELETE_DOC,
)
def delete_retailer(request, entry_id: str):
    return _delete(retailer_list, entry_id, RETAILER_NOT_FOUND)


# -- Brands -------------------------------------------------------------------------------------


@router.get(
    "/brands",
    response={200: Page[BrandOut], **COMMON_ERRORS},
    operation_id="list_brands",
    summary="List brands",
    description=LIST_DOC,
)
def list_brands(request, query: Query[CatalogPageQuery]):
    return _list(brand_list, query)


@router.post(
    "/brands",
    response={200: BrandOut, 201: BrandOut, **COMMON_ERRORS},
    operation_id="create_brand",
    summary="Create a brand (or get the existing one)",
    description=CREATE_DOC,
)
def create_brand(request, payload: CatalogEntryIn):
    return _create(brand_get_or_create, payload)


@router.get(
    "/brands/{entry_id}",
    response={200: BrandOut, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="get_brand",
    summary="Get a brand",
)
def get_brand(request, entry_id: str):
    return get_or_404(brand_list(), entry_id, BRAND_NOT_FOUND)


@router.put(
    "/brands/{entry_id}",
    response={200: BrandOut, 409: ErrorOut, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="update_brand",
    summary="Rename a brand or change its URL",
    description=UPDATE_DOC,
)
def update_brand(request, entry_id: str, payload: CatalogEntryPatch):
    return _update(brand_list, entry_id, payload, BRAND_NOT_FOUND)


@router.delete(
    "/brands/{entry_id}",
    response={204: None, **NOT_FOUND, **COMMON_ERRORS},
    operation_id="delete_brand",
    summary="Delete a brand",
    description=DELETE_DOC,
)
def delete_brand(request, entry_id: str):
    return _delete(brand_list, entry_id, BRAND_NOT_FOUND)
