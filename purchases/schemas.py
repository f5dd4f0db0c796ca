import datetime
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool

from currencies.selectors import RATE_QUANTUM
from kernel.money import quantize_in
from kernel.schemas import (
    BodySchema,
    DateIn,
    Flag,
    Money,
    OptionalDateQuery,
    OptionalUUIDQuery,
    PageQuery,
    PriceIn,
    Schema,
    iso_currency_code,
    optional_text,
    required_name,
    web_link,
)
from purchases.models import PurchaseStatus, RateSource
from warranties.models import WarrantyStatus
from warranties.schemas import WarrantyOut, username_of


class NamedRefOut(Schema):
    id: uuid.UUID
    name: str


class ReceiptMatchOut(Schema):
    """Where a search's words were found in a purchase's receipts (docs/search.md §7)."""

    filename: str = Field(description="The file whose text holds them.")
    line: str = Field(description="Its line with the most of them, at most 120 characters.")


class PurchaseOut(Schema):
    """A purchase as every endpoint returns it (docs/api.md §4.1, §9.3)."""

    id: uuid.UUID
    product_name: str
    price: Money
    currency_code: str
    retailer_id: uuid.UUID | None
    brand_id: uuid.UUID | None
    purchase_date: datetime.date
    notes: str | None
    tax_deductible: int = Field(description="0 or 1.")
    warranty_expiry: datetime.date | None = Field(description="End of the primary warranty.")
    model_number: str | None
    serial_number: str | None
    retailer_order_number: str | None
    quantity: int
    link: str | None
    return_deadline: datetime.date | None
    return_policy: str | None
    tags: str | None = Field(description="Comma-separated.")
    status: PurchaseStatus
    warranty_id: uuid.UUID | None = Field(description="Id of the primary warranty.")
    retailer: NamedRefOut | None
    brand: NamedRefOut | None
    warranty: WarrantyOut | None = Field(
        description="The primary warranty: the non-voided one ending last, else the latest-ending."
    )
    warranties: list[WarrantyOut] = Field(description="All warranties, by end date.")
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    # The kept conversion to the household's base currency (docs/api.md §4.1, read-only).
    base_price: str | None = Field(
        description="The price in the base currency, in its minor units; null: no usable rate."
    )
    base_currency_code: str | None = Field(description="The base currency it was converted to.")
    exchange_rate: str | None = Field(
        description="Units of the base currency per unit of `currency_code`, 12 places."
    )
    rate_day: datetime.date | None = Field(description="The day of the rate; null for SAME.")
    rate_source: RateSource | None = Field(description="SAME, ECB or MANUAL; null: no rate.")
    created_by: str | None = Field(description="Username of who added it; null when unknown.")
    updated_by: str | None = Field(
        description="Username of who changed it last; null when unknown."
    )
    receipt_match: ReceiptMatchOut | None = Field(
        None,
        description="In a searched list, the receipt line that holds the search's words, for a "
        "purchase whose name, model, brand and retailer lack one of them; null otherwise.",
    )

    @staticmethod
    def resolve_created_by(purchase) -> str | None:
        return username_of(purchase, "created_by")

    @staticmethod
    def resolve_updated_by(purchase) -> str | None:
        return username_of(purchase, "updated_by")

    @staticmethod
    def resolve_base_price(purchase) -> str | None:
        if purchase.base_price is None:
            return None
        return str(quantize_in(purchase.base_price, purchase.base_currency_code))

    @staticmethod
    def resolve_base_currency_code(purchase) -> str | None:
        return purchase.base_currency_code or None

    @staticmethod
    def resolve_exchange_rate(purchase) -> str | None:
        rate = purchase.exchange_rate
        return None if rate is None else str(rate.quantize(RATE_QUANTUM))

    @staticmethod
    def resolve_rate_source(purchase) -> str | None:
        return purchase.rate_source or None

    @staticmethod
    def resolve_tax_deductible(purchase) -> int:
        return int(purchase.tax_deductible)

    @staticmethod
    def resolve_warranty(purchase):
        return purchase.primary_warranty

    @staticmethod
    def resolve_warranty_id(purchase):
        primary = purchase.primary_warranty
        return primary.id if primary else None

    @staticmethod
    def resolve_warranty_expiry(purchase):
        primary = purchase.primary_warranty
        return primary.warranty_end if primary else None

    @staticmethod
    def resolve_warranties(purchase):
        return purchase.warranty_list

    @staticmethod
    def resolve_receipt_match(purchase):
        # Only a searched list's rows have it (purchases.selectors.with_receipt_matches).
        return getattr(purchase, "receipt_match", None)


ProductName = required_name(255)
CurrencyCode = Annotated[
    str | None,
    Field(max_length=3, description="ISO 4217 code; default: the currency setting."),
    AfterValidator(iso_currency_code),
]
Text100 = optional_text(100)


class PurchaseIn(BodySchema):
    product_name: ProductName
    price: PriceIn
    purchase_date: DateIn = Field(description="Not after today.")
    currency_code: CurrencyCode = None
    retailer_id: uuid.UUID | None = None
    brand_id: uuid.UUID | None = None
    notes: optional_text() = None
    tax_deductible: Flag | None = Field(None, description="0/1 or true/false; default 0.")
    warranty_expiry: DateIn | None = Field(
        None, description="Creates a warranty from the purchase date to this day."
    )
    model_number: Text100 = None
    serial_number: Text100 = None
    retailer_order_number: Text100 = None
    quantity: int | None = Field(None, ge=1, le=2147483647, description="Default 1.")
    link: web_link(500) = None
    return_deadline: DateIn | None = None
    return_policy: optional_text(200) = None
    tags: optional_text(255) = None
    status: PurchaseStatus | None = Field(None, description="Default RECEIVED.")


class PurchasePatch(BodySchema):
    """Every field optional; only the keys present change (null on a required field: no change).

    `warranty_expiry`: a date moves the primary warranty's end (or creates one); null deletes the
    primary warranty; absent leaves warranties alone.
    """

    product_name: ProductName | None = None
    price: PriceIn | None = None
    purchase_date: DateIn | None = None
    currency_code: CurrencyCode = None
    retailer_id: uuid.UUID | None = None
    brand_id: uuid.UUID | None = None
    notes: optional_text() = None
    tax_deductible: Flag | None = None
    warranty_expiry: DateIn | None = None
    model_number: Text100 = None
    serial_number: Text100 = None
    retailer_order_number: Text100 = None
    quantity: int | None = Field(None, ge=1, le=2147483647)
    link: web_link(500) = None
    return_deadline: DateIn | None = None
    return_policy: optional_text(200) = None
    tags: optional_text(255) = None
    status: PurchaseStatus | None = None


# Columns that cannot be null: a null in a request body means "default" (create) or "unchanged".
NOT_NULL_FIELDS = {
    "product_name",
    "price",
    "purchase_date",
    "currency_code",
    "tax_deductible",
    "quantity",
    "status",
}

SortKey = Literal[
    "created_at",
    "-created_at",
    "purchase_date",
    "-purchase_date",
    "price",
    "-price",
    "product_name",
    "-product_name",
    "relevance",
]


class PurchaseFilters(PageQuery):
    search: str | None = Field(
        None,
        max_length=200,
        description="Every word must be found, case-insensitively, in the product name, model, "
        "serial or order number, notes, tags, retailer or brand name, a warranty's provider or "
        "notes, or an attachment's file name; a word of four or more letters also with one typo.",
    )
    retailer_id: OptionalUUIDQuery = Field(None, description="Empty: no filter.")
    brand_id: OptionalUUIDQuery = None
    status: PurchaseStatus | None = None
    date_from: OptionalDateQuery = Field(None, description="Purchase date on or after.")
    date_to: OptionalDateQuery = Field(None, description="Purchase date on or before.")
    warranty_status: WarrantyStatus | None = Field(
        None, description="Effective status of the primary warranty."
    )
    tag: str | None = Field(None, max_length=255, description="Substring of the tags.")
    currency_code: str | None = Field(None, max_length=3)
    sort: SortKey | None = Field(
        None,
        description="Field to order by; '-' for descending. 'relevance' (the default with a "
        "search): best matches first, then newest. Without a search: '-created_at'.",
    )


class ReconvertIn(BodySchema):
    only_missing: StrictBool = Field(
        False, description="Only the purchases without a usable rate in the base currency."
    )


class ReconvertOut(Schema):
    """What a re-convert did (docs/api.md §5.1)."""

    base_currency_code: str
    examined: int = Field(description="Purchases converted again.")
    changed: int = Field(description="Those whose conversion changed.")
    without_rate: int = Field(description="Those left without a usable rate.")


BULK_LIMIT = 500


class BulkActionIn(BodySchema):
    """One action on chosen purchases (docs/api.md §5.1, bulk actions)."""

    action: Literal["tag", "receive", "delete"] = Field(
        description="tag: add `tag` to each; receive: mark each received; delete: delete each."
    )
    ids: list[uuid.UUID] = Field(
        min_length=1, max_length=BULK_LIMIT, description="The purchases; unknown ids are skipped."
    )
    tag: str | None = Field(None, max_length=100, description="The tag to add (action tag).")


class BulkActionOut(Schema):
    action: str
    count: int = Field(description="How many purchases the action changed or deleted.")
    message: str


class SuggestionQuery(Schema):
    q: str = Field(..., max_length=200, description="What has been typed so far.")
    limit: int = Field(8, ge=1, le=20, description="At most this many suggestions (1 to 20).")


class SuggestionOut(Schema):
    kind: Literal["product", "brand", "retailer"]
    text: str
