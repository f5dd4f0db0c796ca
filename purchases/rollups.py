"""Spending summed per currency and day, retailer, brand and product name, and per currency
alone (SpendingRollup).

Beside each currency's sum of prices, each row sums the purchases' `base_price` (their price in
the household's base currency, converted at the rate they keep) and counts those without one, per
base currency, so that the figures add every purchase in the base and flag the rest.

The dashboard's money figures read these rows instead of every purchase: a few thousand days, a
few dozen retailers and brands, one row per distinct product name. The write services report
each purchase as it was before and after (`spending_changed`) inside
`summaries_kept_in_step()`; anything else makes the next reader rebuild them
(`rollups_brought_in_step`, see kernel.summaries).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from kernel.money import MONEY_DECIMAL_PLACES
from kernel.summaries import SummaryChanges, counters_add, summaries_brought_in_step
from purchases.models import Purchase, SpendingDimension, SpendingRollup
from warranties.rollups import warranty_rollup_rebuild

UNITS_PER_AMOUNT = 10**MONEY_DECIMAL_PLACES
# base_price has three decimal places (a base such as KWD has three): summed in thousandths.
BASE_UNITS_PER_AMOUNT = 1000
FIGURE_FIELDS = [
    "currency_code",
    "base_currency_code",
    "purchase_date",
    "retailer_id",
    "brand_id",
    "product_name",
    "price",
    "tax_deductible",
    "base_price",
]
KEY_FIELDS = ["currency_code", "base_currency_code", "dimension", "key"]


@dataclass(frozen=True)
class PurchaseFigures:
    """What of a purchase the spending figures depend on."""

    currency_code: str
    base_currency_code: str
    purchase_date: object
    retailer_id: object
    brand_id: object
    product_name: str
    price: object
    tax_deductible: bool
    base_price: object  # None: no usable rate

    @classmethod
    def of(cls, purchase: Purchase) -> "PurchaseFigures":
        return cls(**{field: getattr(purchase, field) for field in FIGURE_FIELDS})

    def rollup_keys(self) -> list[tuple[str, str, str, str]]:
        currencies = (self.currency_code, self.base_currency_code or "")
        keys = [
            (*currencies, SpendingDimension.DAY, self.purchase_date.isoformat()),
            (*currencies, SpendingDimension.PRODUCT, self.product_name),
            ("", "", SpendingDimension.NAME, self.product_name),
            (*currencies, SpendingDimension.CURRENCY, ""),
        ]
        if self.retailer_id:
            keys.append((*currencies, SpendingDimension.RETAILER, self.retailer_id.hex))
        if self.brand_id:
            keys.append((*currencies, SpendingDimension.BRAND, self.brand_id.hex))
        return keys


def figures_stored(purchases) -> list[PurchaseFigures]:
    """The figures of PURCHASES (a queryset) as the database holds them now (one query)."""
    return [PurchaseFigures(**row) for row in purchases.values(*FIGURE_FIELDS)]


# The counters of a row; the first decides when a row is deleted (kernel.summaries.counters_add).
COUNTERS = [
    "purchase_count",
    "tax_deductible_count",
    "total_units",
    "base_units",
    "unconverted_count",
]


def spending_changed(
    changes: SummaryChanges, *, before: list[PurchaseFigures], after: list[PurchaseFigures]
) -> None:
    """Report purchases that were BEFORE and are now AFTER (new ones: only after; deleted:
    only before)."""
    deltas = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for sign, figures in [(-1, before), (1, after)]:
        for purchase in figures:
            units = int(purchase.price * UNITS_PER_AMOUNT)
            unconverted = purchase.base_price is None
            base_units = 0 if unconverted else int(purchase.base_price * BASE_UNITS_PER_AMOUNT)
            for key in purchase.rollup_keys():
                delta = deltas[key]
                delta["purchase_count"] += sign
                delta["tax_deductible_count"] += sign * purchase.tax_deductible
                delta["total_units"] += sign * units
                delta["base_units"] += sign * base_units
                delta["unconverted_count"] += sign * unconverted
    if deltas:
        changes.add(lambda: counters_add(SpendingRollup, KEY_FIELDS, dict(deltas)))


# How each dimension's key is written, as SQL on each database: a day as an ISO date, a retailer or
# brand as its id's 32 hex digits (how SQLite stores a UUID; PostgreSQL's text form has hyphens).
_KEY_SQL = {
    "postgresql": {
        SpendingDimension.DAY: "to_char(purchase_date, 'YYYY-MM-DD')",
        SpendingDimension.RETAILER: "replace(retailer_id::text, '-', '')",
        SpendingDimension.BRAND: "replace(brand_id::text, '-', '')",
        SpendingDimension.PRODUCT: "product_name",
        SpendingDimension.NAME: "product_name",
        SpendingDimension.CURRENCY: "''",
    },
    "sqlite": {
        SpendingDimension.DAY: "purchase_date",
        SpendingDimension.RETAILER: "retailer_id",
        SpendingDimension.BRAND: "brand_id",
        SpendingDimension.PRODUCT: "product_name",
        SpendingDimension.NAME: "product_name",
        SpendingDimension.CURRENCY: "''",
    },
}


def spending_rollup_rebuild() -> None:
    """Compute every SpendingRollup row again from the purchases.

    One INSERT ... SELECT per dimension: at 100,000 purchases the rows of distinct product names
    alone are as many, and creating them through the ORM took seconds where this takes a fraction
    of one. The sums are of whole hundredths and thousandths, as `spending_changed` adds them.
    """
    SpendingRollup.objects.all().delete()
    rollup, purchase = SpendingRollup._meta.db_table, Purchase._meta.db_table
    with connection.cursor() as cursor:
        for dimension, key in _KEY_SQL[connection.vendor].items():
            # The NAME rows take every currency together, under empty codes.
            every = dimension == SpendingDimension.NAME
            currencies = "'', ''" if every else "currency_code, base_currency_code"
            grouping = ", ".join(
                part
                for part in ["" if every else "currency_code, base_currency_code", key]
                # A constant key (CURRENCY's) is not grouped by: PostgreSQL refuses one.
                if part and part != "''"
            )
            cursor.execute(
                f"INSERT INTO {rollup} (currency_code, base_currency_code, dimension, key, "
                "purchase_count, tax_deductible_count, total_units, base_units, unconverted_count) "
                f"SELECT {currencies}, %s, {key}, COUNT(*), "
                "SUM(CASE WHEN tax_deductible THEN 1 ELSE 0 END), "
                f"SUM(CAST(ROUND(price * {UNITS_PER_AMOUNT}) AS BIGINT)), "
                "SUM(CASE WHEN base_price IS NULL THEN 0 "
                f"ELSE CAST(ROUND(base_price * {BASE_UNITS_PER_AMOUNT}) AS BIGINT) END), "
                "SUM(CASE WHEN base_price IS NULL THEN 1 ELSE 0 END) "
                f"FROM {purchase} WHERE {key} IS NOT NULL GROUP BY {grouping}",
                [dimension.value],
            )
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses how many rows a dimension has.
            cursor.execute(f"ANALYZE {rollup}")


def rollups_rebuild() -> None:
    """Rebuild the spending and the warranty rollups (they are brought in step together)."""
    spending_rollup_rebuild()
    warranty_rollup_rebuild()


def rollups_brought_in_step() -> bool:
    """Rebuild the rollups if a write went around them; return whether it was needed."""
    return summaries_brought_in_step(rollups_rebuild)
