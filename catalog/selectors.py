from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Lower

from catalog.models import Brand, Retailer


def retailer_list():
    """Return retailers by name (ignoring case), each with `is_brand`: a same-named brand exists."""
    same_name_brand = Brand.objects.alias(name_lower=Lower("name")).filter(
        name_lower=Lower(OuterRef("name"))
    )
    return Retailer.objects.annotate(is_brand=Exists(same_name_brand)).order_by(Lower("name"), "id")


def brand_list():
    return Brand.objects.order_by(Lower("name"), "id")


def catalog_entries_with_totals(entries: QuerySet, *, currency: str) -> QuerySet:
    """Annotate retailers or brands with `purchase_count` and `total_spent`.

    The count takes every purchase; the total adds only those in CURRENCY, because amounts in
    different currencies are never summed (docs/api.md §9.8). `total_currency` names it.
    """
    return entries.annotate(
        purchase_count=Count("purchases"),
        total_spent=Coalesce(
            Sum("purchases__price", filter=Q(purchases__currency_code=currency)),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        total_currency=Value(currency),
    )
