from django.db import transaction
from django.utils import timezone

from purchases.models import Purchase, PurchaseStatus
from warranties.services import warranty_set_primary_end

# The purchase's own columns a caller may set (the contract's field names, ids for relations).
PURCHASE_FIELDS = {
    "product_name",
    "price",
    "currency_code",
    "retailer_id",
    "brand_id",
    "status",
    "purchase_date",
    "notes",
    "tax_deductible",
    "model_number",
    "serial_number",
    "retailer_order_number",
    "quantity",
    "link",
    "return_deadline",
    "return_policy",
    "tags",
}


def _apply(purchase: Purchase, data: dict) -> None:
    for field, value in data.items():
        if field in PURCHASE_FIELDS:
            setattr(purchase, field, value)
    # Validates field limits, that the retailer and brand exist, and that the date is not in
    # the future; raises ValidationError keyed by field.
    purchase.full_clean()
    purchase.save()
    if "warranty_expiry" in data:
        warranty_set_primary_end(purchase=purchase, end=data["warranty_expiry"])


@transaction.atomic
def purchase_create(*, data: dict) -> Purchase:
    """Record a purchase from DATA (contract field names; absent fields take their defaults).

    A `warranty_expiry` date creates its first warranty, from the purchase date to that day.
    """
    purchase = Purchase()
    _apply(purchase, data)
    return purchase


@transaction.atomic
def purchase_update(*, purchase: Purchase, data: dict) -> Purchase:
    """Change only the fields present in DATA.

    `warranty_expiry` moves the primary warranty's end (creating one if there is none), and an
    explicit None deletes the primary warranty — what the dashboard's edit form relies on.
    """
    _apply(purchase, data)
    return purchase


@transaction.atomic
def purchase_delete(*, purchase: Purchase) -> None:
    """Delete a purchase with its warranties (and, through the blob store, its attachments)."""
    purchase.delete()


@transaction.atomic
def purchases_mark_received(*, purchases) -> int:
    """Mark the given purchases (a queryset) as received; return how many changed."""
    return purchases.exclude(status=PurchaseStatus.RECEIVED).update(
        status=PurchaseStatus.RECEIVED, updated_at=timezone.now()
    )
