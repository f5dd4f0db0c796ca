from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Lower, Round

from catalog.models import Brand, Retailer
from kernel.money import quantize_in


def retailer_list():
    """Return retailers by name (ignoring case), each with `is_brand`: a same-named brand exists."""
    same_name_brand = Brand.objects.alias(name_lower=Lower("name")).filter(
        name_lower=Lower(OuterRef("name"))
    )
    return Retailer.objects.annotate(is_brand=Exists(same_name_brand)).order_by(Lower("name"), "id")


def brand_list():
    return Brand.objects.order_by(Lower("name"), "id")


def catalog_entries_with_totals(entries: QuerySet, *, base: str) -> QuerySet:
    """Annotate retailers or brands with `purchase_count`, `total_spent` and `without_rate_count`.

    The count takes every purchase; the total adds them in the household's base currency BASE
    (`total_currency` names it): a purchase in BASE its price, one in another currency the base
    price it was converted to, if in BASE. The others have no usable rate: counted in
    `without_rate_count`, never added (docs/api.md §9.8). The sum is of whole thousandths, exact on
    both databases (SQLite adds decimals as floats).
    """
    own = Q(purchases__currency_code=base)
    converted = Q(purchases__base_currency_code=base, purchases__base_price__isnull=False)
    units = Case(
        When(own, then=_thousandths("purchases__price")),
        When(converted, then=_thousandths("purchases__base_price")),
        output_field=BigIntegerField(),
    )
    return entries.annotate(
        purchase_count=Count("purchases"),
        without_rate_count=Count("purchases", filter=~own & ~converted),
        total_spent=ExpressionWrapper(
            Coalesce(Sum(units), 0) * Value(Decimal("0.001")),
            output_field=DecimalField(max_digits=21, decimal_places=3),
        ),
        total_currency=Value(base),
    )


def catalog_lists_with_totals(*, base: str) -> tuple[list, list]:
    """Retailers and brands as listed (`retailer_list`, `brand_list`) with their totals in BASE,
    each total rounded half-up to BASE's minor units for showing (two queries)."""
    lists = (
        list(catalog_entries_with_totals(retailer_list(), base=base)),
        list(catalog_entries_with_totals(brand_list(), base=base)),
    )
    for entries in lists:
        for entry in entries:
            entry.total_spent = quantize_in(entry.total_spent, base)
    return lists


def _thousandths(field: str):
    return Cast(Round(F(field) * 1000), BigIntegerField())
