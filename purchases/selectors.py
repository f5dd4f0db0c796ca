from django.db.models import F

from purchases.models import Purchase
from purchases.search import purchases_matching
from warranties.models import Warranty

SORT_FIELDS = {
    "created_at": ["created_at", "id"],
    "purchase_date": ["purchase_date", "created_at", "id"],
    # By what each cost in the household's base currency (docs/currencies.md §6): prices in
    # different currencies are not comparable as they are. Purchases without a rate come last
    # either way, among themselves by their own price.
    "price": ["base_price", "price", "created_at", "id"],
    "product_name": ["product_name", "created_at", "id"],
}
# Sort fields that may be null: their nulls go last in both directions.
NULLABLE_SORT_FIELDS = {"base_price"}

# The purchases' warranty state beyond warranties.models.WARRANTY_STATES: no warranty at all.
WARRANTY_STATE_NONE = "NONE"


def purchase_list(
    *,
    search: str | None = None,
    retailer_id=None,
    brand_id=None,
    status: str | None = None,
    date_from=None,
    date_to=None,
    warranty_status: str | None = None,
    tag: str | None = None,
    currency_code: str | None = None,
    sort: str = "-created_at",
    with_claims: bool = True,
):
    """Return the purchases matching the filters, ready to be shown (see `with_details`).

    SEARCH is words that must all be found (see `purchases.search`). WARRANTY_STATUS filters on
    the effective status of each purchase's primary warranty, or is WARRANTY_STATE_EXPIRING or
    WARRANTY_STATE_NONE.
    SORT is a key of SORT_FIELDS, "-" first for descending. WITH_CLAIMS false leaves the
    warranties' claims out (the inventory page does not show them: two queries fewer).
    """
    purchases = Purchase.objects.with_details(claims=with_claims)
    purchases = purchases_matching(purchases, search)
    if retailer_id:
        purchases = purchases.filter(retailer_id=retailer_id)
    if brand_id:
        purchases = purchases.filter(brand_id=brand_id)
    if status:
        purchases = purchases.filter(status=status)
    if date_from:
        purchases = purchases.filter(purchase_date__gte=date_from)
    if date_to:
        purchases = purchases.filter(purchase_date__lte=date_to)
    if warranty_status == WARRANTY_STATE_NONE:
        purchases = purchases.without_warranty()
    elif warranty_status:
        purchases = purchases.primary_warranty_in(Warranty.objects.in_state(warranty_status))
    if tag and tag.strip():
        purchases = purchases.filter(tags__icontains=tag.strip())
    if currency_code:
        purchases = purchases.filter(currency_code=currency_code.upper())
    descending = sort.startswith("-")
    return purchases.order_by(
        *(_ordered(field, descending) for field in SORT_FIELDS[sort.lstrip("-")])
    )


def _ordered(field: str, descending: bool):
    if field in NULLABLE_SORT_FIELDS:
        column = F(field)
        return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return f"-{field}" if descending else field


def purchase_get(purchase_id) -> Purchase:
    """Return one purchase ready to be shown; raises Purchase.DoesNotExist."""
    return Purchase.objects.with_details().get(pk=purchase_id)


def purchases_without_rate_count() -> int:
    """How many purchases have no usable conversion to the base currency (base_price null).

    They are counted everywhere like the others and flagged on the inventory (docs/currencies.md
    §6); `purchases_reconvert(only_missing=True)` tries them again.
    """
    return Purchase.objects.filter(base_price__isnull=True).count()
