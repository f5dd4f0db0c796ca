import datetime
import uuid

from pydantic import Field

from catalog.models import Brand
from kernel.schemas import BodySchema, PageQuery, Schema, required_name, web_link

EntryName = required_name(255)
# An empty URL is stored and answered as empty, kept apart from null (docs/api.md §4.3).
EntryUrl = web_link(255, blank_is_null=False)


class BrandOut(Schema):
    id: uuid.UUID
    name: str
    url: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


class RetailerOut(BrandOut):
    is_brand: bool = Field(description="A brand with the same name (ignoring case) exists.")

    @staticmethod
    def resolve_is_brand(retailer) -> bool:
        # Lists annotate it in their one query; a single retailer just written asks once.
        if hasattr(retailer, "is_brand"):
            return retailer.is_brand
        return Brand.objects.named(retailer.name).exists()


class CatalogEntryIn(BodySchema):
    name: EntryName
    url: EntryUrl = None


class CatalogEntryPatch(BodySchema):
    name: EntryName | None = None
    url: EntryUrl = None


class CatalogPageQuery(PageQuery):
    limit: int = Field(100, ge=1, le=100, description="Page size, 1 to 100 (default 100).")
