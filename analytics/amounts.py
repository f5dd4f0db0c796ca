"""What the figures add up from the spending rollup's rows: in one currency, or in the base.

A figure covers either the purchases in one currency (`?currency=`, amounts in that currency) or
every purchase in the household's base currency (docs/api.md §9.8). In the base, a purchase in the
base currency adds its price; one in another currency adds the `base_price` it was converted to,
if that is in the current base; any other is counted and flagged as without a rate (it has none,
or was converted to a former base and awaits converting again). Counts never depend on currency.

`sums()` gives the aggregates, over SpendingRollup rows, every figure reads (a query adds them to
its own `aggregate()` or grouped `annotate()`); `Sums.of()` reads one result row. Amounts are in
thousandths, exact on both databases, and become Decimal only in Python.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, F, FloatField, Q, Sum
from django.db.models.functions import Cast, Coalesce, NullIf

from purchases.rollups import BASE_UNITS_PER_AMOUNT, UNITS_PER_AMOUNT

# The price sums are in hundredths, the base sums in thousandths: both are read in thousandths.
_PRICE_TO_BASE_UNITS = BASE_UNITS_PER_AMOUNT // UNITS_PER_AMOUNT

# The names of `sums()` (which may not be those of the rollup's fields) and of Sums.
_COUNTS = {
    "item_count": "purchase_count",
    "deductible_count": "tax_deductible_count",
    "converted_count": "converted_count",
    "without_rate_count": "without_rate_count",
}


def _total(field, condition: Q | None = None):
    return Coalesce(Sum(field, filter=condition), 0, output_field=BigIntegerField())


def sums(*, currency: str | None, base: str) -> dict:
    """The aggregates of a figure in CURRENCY (when given) or else in BASE, by name.

    `units` (the amount, in thousandths), `item_count` (purchases), `deductible_count`
    (tax-deductible ones), `converted_count` (purchases in other currencies added at their kept
    rate) and `without_rate_count` (counted but not added).
    """
    if currency:
        mine = Q(currency_code=currency)
        return {
            "units": _total(F("total_units") * _PRICE_TO_BASE_UNITS, mine),
            "item_count": _total("purchase_count", mine),
            "deductible_count": _total("tax_deductible_count", mine),
        }
    own = Q(currency_code=base)
    kept = ~own & Q(base_currency_code=base)
    former = ~own & ~Q(base_currency_code=base)
    return {
        "units": _total(F("total_units") * _PRICE_TO_BASE_UNITS, own) + _total("base_units", kept),
        "item_count": _total("purchase_count"),
        "deductible_count": _total("tax_deductible_count"),
        "converted_count": _total(F("purchase_count") - F("unconverted_count"), kept),
        "without_rate_count": _total("unconverted_count", kept) + _total("purchase_count", former),
    }


def average_units(*, currency: str | None):
    """The average amount per purchase with an amount, in thousandths, over the annotations of
    `sums()`, for ordering (a float: exact enough to order amounts of at most fifteen digits);
    null when no purchase has one."""
    priced = F("item_count") if currency else F("item_count") - F("without_rate_count")
    return Cast("units", FloatField()) / NullIf(priced, 0)


@dataclass(frozen=True)
class Sums:
    """One result row of `sums()`."""

    amount: Decimal
    purchase_count: int
    tax_deductible_count: int = 0
    converted_count: int = 0
    without_rate_count: int = 0

    @classmethod
    def of(cls, row: dict) -> "Sums":
        return cls(
            amount=amount_of(row.get("units")),
            **{name: row.get(annotation) or 0 for annotation, name in _COUNTS.items()},
        )

    @property
    def average(self) -> Decimal:
        """The mean amount of the purchases that have one."""
        priced = self.purchase_count - self.without_rate_count
        return self.amount / priced if priced else Decimal(0)


def amount_of(units) -> Decimal:
    """An amount from thousandths, exactly."""
    return Decimal(units or 0).scaleb(-3)
