"""Spending summed per currency and day, retailer, brand and product name (SpendingRollup).

The dashboard's money figures read these rows instead of every purchase: a few thousand days, a
few dozen retailers and brands, one row per distinct product name. The write services report
each purchase as it was before and after (`spending_changed`) inside
`summaries_kept_in_step()`; anything else makes the next reader rebuild them
(`rollups_brought_in_step`, see spends_tracker.summaries).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Round

from purchases.models import Purchase, SpendingDimension, SpendingRollup
from spends_tracker.money import MONEY_DECIMAL_PLACES
from spends_tracker.summaries import SummaryChanges, counters_add, summaries_brought_in_step
from warranties.rollups import warranty_rollup_rebuild

UNITS_PER_AMOUNT = 10**MONEY_DECIMAL_PLACES
FIGURE_FIELDS = [
    "currency_code",
    "purchase_date",
    "retailer_id",
    "brand_id",
    "product_name",
    "price",
    "tax_deductible",
]
KEY_FIELDS = ["currency_code", "dimension", "key"]


@dataclass(frozen=True)
class PurchaseFigures:
    """What of a purchase the spending figures depend on."""

    currency_code: str
    purchase_date: object
    retailer_id: object
    brand_id: object
    product_name: str
    price: object
    tax_deductible: bool

    @classmethod
    def of(cls, purchase: Purchase) -> "PurchaseFigures":
        return cls(**{field: getattr(purchase, field) for field in FIGURE_FIELDS})

    def rollup_keys(self) -> list[tuple[str, str, str]]:
        keys = [
            (self.currency_code, SpendingDimension.DAY, self.purchase_date.isoformat()),
            (self.currency_code, SpendingDimension.PRODUCT, self.product_name),
        ]
        if self.retailer_id:
            keys.append((self.currency_code, SpendingDimension.RETAILER, str(self.retailer_id)))
        if self.brand_id:
            keys.append((self.currency_code, SpendingDimension.BRAND, str(self.brand_id)))
        return keys


def figures_stored(purchases) -> list[PurchaseFigures]:
    """The figures of PURCHASES (a queryset) as the database holds them now (one query)."""
    return [PurchaseFigures(**row) for row in purchases.values(*FIGURE_FIELDS)]


def spending_changed(
    changes: SummaryChanges, *, before: list[PurchaseFigures], after: list[PurchaseFigures]
) -> None:
    """Report purchases that were BEFORE and are now AFTER (new ones: only after; deleted:
    only before)."""
    deltas = defaultdict(lambda: {"purchase_count": 0, "tax_deductible_count": 0, "total_units": 0})
    for sign, figures in [(-1, before), (1, after)]:
        for purchase in figures:
            units = int(purchase.price * UNITS_PER_AMOUNT)
            for key in purchase.rollup_keys():
                delta = deltas[key]
                delta["purchase_count"] += sign
                delta["tax_deductible_count"] += sign * purchase.tax_deductible
                delta["total_units"] += sign * units
    if deltas:
        changes.add(lambda: counters_add(SpendingRollup, KEY_FIELDS, dict(deltas)))


def _grouped_by(key):
    return (
        Purchase.objects.annotate(rollup_key=key)
        .values("currency_code", "rollup_key")
        .annotate(
            purchase_count=Count("id"),
            tax_deductible_count=Count("id", filter=Q(tax_deductible=True)),
            total_units=Sum(Cast(Round(F("price") * UNITS_PER_AMOUNT), BigIntegerField())),
        )
        .order_by()
    )


def spending_rollup_rebuild() -> None:
    """Compute every SpendingRollup row again from the purchases."""
    SpendingRollup.objects.all().delete()
    sources = {
        SpendingDimension.DAY: F("purchase_date"),
        SpendingDimension.RETAILER: F("retailer_id"),
        SpendingDimension.BRAND: F("brand_id"),
        SpendingDimension.PRODUCT: F("product_name"),
    }
    for dimension, key in sources.items():
        rows = _grouped_by(key).exclude(rollup_key=None)
        SpendingRollup.objects.bulk_create(
            (
                SpendingRollup(
                    currency_code=row["currency_code"],
                    dimension=dimension,
                    key=_key_text(row["rollup_key"]),
                    purchase_count=row["purchase_count"],
                    tax_deductible_count=row["tax_deductible_count"],
                    total_units=row["total_units"],
                )
                for row in rows.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )


def _key_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def rollups_rebuild() -> None:
    """Rebuild the spending and the warranty rollups (they are brought in step together)."""
    spending_rollup_rebuild()
    warranty_rollup_rebuild()


def rollups_brought_in_step() -> bool:
    """Rebuild the rollups if a write went around them; return whether it was needed."""
    return summaries_brought_in_step(rollups_rebuild)
