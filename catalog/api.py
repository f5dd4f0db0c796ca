"""Retailers and brands (API.md §4.3, §5.3, §5.4): the same routes for both kinds."""

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
from spends_tracker.schemas import COMMON_ERRORS, NOT_FOUND, ErrorOut, Page, get_or_404, paginate

router = Router(tags=["Retailers and brands"])


def _add_entry_routes(*, kind: str, plural: str, schema, selector, get_or_create):
    path = f"/{plural}"
    not_found = f"{kind.capitalize()} not found"

    @router.get(
        path,
        response={200: Page[schema], **COMMON_ERRORS},
        operation_id=f"list_{plural}",
        summary=f"List {plural}",
    )
    def list_entries(request, query: Query[CatalogPageQuery]):
        """Ordered by name, ignoring case. Default page size 100 (decision D1)."""
        return paginate(selector(), skip=query.skip, limit=query.limit)

    @router.post(
        path,
        response={200: schema, 201: schema, **COMMON_ERRORS},
        operation_id=f"create_{kind}",
        summary=f"Create a {kind} (or get the existing one)",
    )
    def create_entry(request, payload: CatalogEntryIn):
        """201 with the new entry; 200 with the existing one when the name is taken (D2, K7)."""
        entry, created = get_or_create(name=payload.name, url=payload.url)
        return Status(201 if created else 200, entry)

    @router.get(
        f"{path}/{{entry_id}}",
        response={200: schema, **NOT_FOUND, **COMMON_ERRORS},
        operation_id=f"get_{kind}",
        summary=f"Get a {kind}",
    )
    def get_entry(request, entry_id: str):
        return get_or_404(selector(), entry_id, not_found)

    @router.put(
        f"{path}/{{entry_id}}",
        response={200: schema, 409: ErrorOut, **NOT_FOUND, **COMMON_ERRORS},
        operation_id=f"update_{kind}",
        summary=f"Rename a {kind} or change its URL",
    )
    def update_entry(request, entry_id: str, payload: CatalogEntryPatch):
        """409 when another entry already has the new name (ignoring case)."""
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

    @router.delete(
        f"{path}/{{entry_id}}",
        response={204: None, **NOT_FOUND, **COMMON_ERRORS},
        operation_id=f"delete_{kind}",
        summary=f"Delete a {kind}",
    )
    def delete_entry(request, entry_id: str):
        """Purchases that referenced it keep existing with a null reference."""
        catalog_entry_delete(entry=get_or_404(selector(), entry_id, not_found))
        return Status(204, None)


_add_entry_routes(
    kind="retailer",
    plural="retailers",
    schema=RetailerOut,
    selector=retailer_list,
    get_or_create=retailer_get_or_create,
)
_add_entry_routes(
    kind="brand",
    plural="brands",
    schema=BrandOut,
    selector=brand_list,
    get_or_create=brand_get_or_create,
)
