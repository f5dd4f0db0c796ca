import datetime
import uuid
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from kernel.schemas import (
    AmountIn,
    BodySchema,
    DateIn,
    Money,
    PageQuery,
    Schema,
    iso_currency_code,
    optional_text,
)
from warranties.models import ClaimStatus, WarrantyStatus
from warranties.selectors import claim_list


def username_of(row, relation: str) -> str | None:
    """The username of ROW's user RELATION (`created_by`, `updated_by`), or None.

    Querysets shown by the API select the users with their rows (constant queries per page).
    """
    if getattr(row, f"{relation}_id", None) is None:
        return None
    return getattr(row, relation).get_username()


class ClaimDocumentOut(Schema):
    """A file of a claim: an attachment of the purchase (download it at /api/files/…)."""

    id: uuid.UUID
    filename: str
    file_type: str
    mime_type: str


class ClaimOut(Schema):
    """A warranty claim (docs/api.md §4.9, docs/claims.md)."""

    id: uuid.UUID
    warranty_id: uuid.UUID
    purchase_id: uuid.UUID
    product_name: str
    opened_on: datetime.date
    number: str | None = Field(description="The claim or RMA number.")
    status: ClaimStatus
    status_label: str = Field(description="The status in words: Open, In progress, …")
    closed_on: datetime.date | None = Field(description="When it was resolved or rejected.")
    resolution: str | None
    cost: Money | None
    currency_code: str
    follow_up_on: datetime.date | None = Field(description="When to ask the manufacturer again.")
    notes: str | None
    documents: list[ClaimDocumentOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    created_by: str | None
    updated_by: str | None

    @staticmethod
    def resolve_purchase_id(claim) -> uuid.UUID:
        return claim.warranty.purchase_id

    @staticmethod
    def resolve_product_name(claim) -> str:
        return claim.warranty.purchase.product_name

    @staticmethod
    def resolve_status_label(claim) -> str:
        return str(ClaimStatus(claim.status).label)

    @staticmethod
    def resolve_documents(claim):
        # Prefetched by warranties.selectors.claims_shown; a fresh object reads them.
        documents = getattr(claim, "document_list", None)
        return documents if documents is not None else list(claim.documents.all())

    @staticmethod
    def resolve_created_by(claim) -> str | None:
        return username_of(claim, "created_by")

    @staticmethod
    def resolve_updated_by(claim) -> str | None:
        return username_of(claim, "updated_by")


class WarrantyOut(Schema):
    """A warranty with its effective status (docs/api.md §4.2) and its claims."""

    id: uuid.UUID
    purchase_id: uuid.UUID
    warranty_start: datetime.date
    warranty_end: datetime.date
    warranty_type: str | None
    status: WarrantyStatus
    provider: str | None
    notes: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    created_by: str | None = Field(description="Username of who added it; null when unknown.")
    updated_by: str | None = Field(
        description="Username of who changed it last; null when unknown."
    )
    claims: list[ClaimOut] = Field(description="Its claims, the newest first.")

    @staticmethod
    def resolve_claims(warranty):
        # Lists prefetch them (warranties.selectors.warranties_with_claims): constant queries.
        claims = getattr(warranty, "claim_list", None)
        if claims is None:
            claims = list(claim_list(warranty_id=warranty.pk))
        return claims

    @staticmethod
    def resolve_created_by(warranty) -> str | None:
        return username_of(warranty, "created_by")

    @staticmethod
    def resolve_updated_by(warranty) -> str | None:
        return username_of(warranty, "updated_by")

    @staticmethod
    def resolve_status(warranty) -> str:
        # Rows from the API's querysets carry the database's annotation; fresh objects do not.
        return getattr(warranty, "effective_status", None) or warranty.status_on()


class WarrantyPurchaseOut(Schema):
    id: uuid.UUID
    product_name: str
    purchase_date: datetime.date


class WarrantyDetailOut(WarrantyOut):
    """A warranty with a glimpse of the purchase it covers, for warranty lists."""

    purchase: WarrantyPurchaseOut


WarrantyType = optional_text(50)
Provider = optional_text(255)
DurationMonths = Annotated[
    int | None,
    Field(ge=1, le=1200, description="Instead of warranty_end: end = start + N calendar months."),
]


def _end_xor_duration(values: "WarrantyIn | WarrantyPatch", *, required: bool):
    has_end = values.warranty_end is not None
    has_duration = values.duration_months is not None
    if has_end and has_duration:
        raise PydanticCustomError(
            "end_and_duration", "give either warranty_end or duration_months, not both"
        )
    if required and not (has_end or has_duration):
        raise PydanticCustomError("end_missing", "warranty_end (or duration_months) is required")
    return values


class WarrantyIn(BodySchema):
    purchase_id: uuid.UUID
    warranty_start: DateIn
    warranty_end: DateIn | None = None
    duration_months: DurationMonths = None
    warranty_type: WarrantyType = None
    status: WarrantyStatus | None = Field(
        None, description="Only VOIDED has an effect; ACTIVE and EXPIRED follow from the dates."
    )
    provider: Provider = None
    notes: optional_text() = None

    @model_validator(mode="after")
    def check_end(self):
        return _end_xor_duration(self, required=True)


class WarrantyPatch(BodySchema):
    warranty_start: DateIn | None = None
    warranty_end: DateIn | None = None
    duration_months: DurationMonths = None
    warranty_type: WarrantyType = None
    status: WarrantyStatus | None = Field(
        None, description="VOIDED voids the warranty; ACTIVE or EXPIRED un-voids it."
    )
    provider: Provider = None
    notes: optional_text() = None

    @model_validator(mode="after")
    def check_end(self):
        return _end_xor_duration(self, required=False)


class WarrantyFilters(PageQuery):
    status: WarrantyStatus | None = Field(None, description="Effective status.")
    expiring_soon: bool | None = Field(None, description="true: active and ending within 30 days.")
    purchase_id: uuid.UUID | None = None


# The expiring list is a bare array (docs/api.md §9.26): it is capped rather than paginated, the
# soonest first, and the response's X-Total-Count header says how many there are in all.
EXPIRING_DEFAULT_LIMIT = 100
EXPIRING_MAX_LIMIT = 500


class ExpiringQuery(Schema):
    days: int = Field(30, ge=1, le=365, description="Window in days from today, inclusive.")
    limit: int = Field(
        EXPIRING_DEFAULT_LIMIT,
        ge=1,
        le=EXPIRING_MAX_LIMIT,
        description="At most this many, the soonest-ending first; X-Total-Count has them all.",
    )


# --- Claims ---------------------------------------------------------------------------------------


CostIn = AmountIn | None
ClaimCurrency = Annotated[
    str | None,
    Field(max_length=3, description="ISO 4217 code; default: the household's currency."),
    AfterValidator(iso_currency_code),
]
DocumentIds = Annotated[
    list[uuid.UUID] | None,
    Field(
        max_length=100,
        description="Attachments of the warranty's purchase; replaces the claim's documents.",
    ),
]


class ClaimIn(BodySchema):
    opened_on: DateIn | None = Field(None, description="Default: today; not after today.")
    number: optional_text(100) = None
    status: ClaimStatus | None = Field(None, description="Default: OPEN.")
    closed_on: DateIn | None = Field(
        None, description="For a resolved or rejected claim; default: today."
    )
    resolution: optional_text() = None
    cost: CostIn = None
    currency_code: ClaimCurrency = None
    follow_up_on: DateIn | None = None
    notes: optional_text() = None
    document_ids: DocumentIds = None


class ClaimPatch(ClaimIn):
    """The fields to change; a status must follow docs/claims.md §1."""

    opened_on: DateIn | None = None
    status: ClaimStatus | None = None


class ClaimFilters(PageQuery):
    status: ClaimStatus | None = None
