from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

from kernel.hooks import household_spending, receipt_lines
from kernel.money import quantize_in
from kernel.pagination import PaginatorByKeys
from kernel.schemas import paginate
from kernel.versioning import cached_under_version
from purchases.models import Attachment, FileType, Purchase, tag_names_of
from purchases.search import Search, purchases_matching, search_words
from purchases.thumbnails import THUMBNAIL_TYPES
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
DEFAULT_SORT = "-created_at"
RELEVANCE = "relevance"
# Sort fields that may be null: their nulls go last in both directions.
NULLABLE_SORT_FIELDS = {"base_price"}

# The purchases' warranty state beyond warranties.models.WARRANTY_STATES: no warranty at all.
WARRANTY_STATE_NONE = "NONE"


def purchase_list(**filters):
    """Return the purchases matching FILTERS, ready to be shown (see `purchase_listing`)."""
    return purchase_listing(**filters).purchases


def purchase_list_page(*, skip: int, limit: int, **filters) -> dict:
    """One page of `purchase_list(**FILTERS)` in the envelope shape (`kernel.schemas.paginate`),
    its rows as `with_details` loads them.

    A search counts its matches in the same pass as it finds the page's. One by relevance whose
    words are all common takes its first pages from the newest purchases when they hold them
    (`purchases.search.Search.newest_best_keys`), and counts its matches apart.
    """
    listing = purchase_listing(**filters)
    return paginate(
        listing.purchases,
        skip=skip,
        limit=limit,
        shown=listing.shown,
        searched=bool(search_words(filters.get("search"))),
        keys=listing.newest_best_keys(skip, limit),
    )


class PurchaseListing(NamedTuple):
    purchases: QuerySet  # filtered, searched and ordered
    filtered: QuerySet  # filtered only
    shown: QuerySet  # all purchases, read as the list shows them
    ranking: Search | None  # the search, if the purchases are ordered by relevance

    def newest_best_keys(self, skip: int, limit: int) -> list | None:
        """The keys of rows SKIP to SKIP + LIMIT of a search by relevance when the newest
        purchases hold them (`purchases.search.Search.newest_best_keys`), else None."""
        if self.ranking is None or limit <= 0:
            return None
        return self.ranking.newest_best_keys(self.filtered, skip, limit)


class PurchasePaginator(PaginatorByKeys):
    """The paginator by key (`kernel.pagination`) over a `PurchaseListing`, for the inventory
    page: a row is read with what the page shows (`with_list_extras`), and a search's first
    pages come from the newest purchases when they hold them, as the API's
    (`purchase_list_page`).

    Sorting every match with its joined columns and its thumbnail's subquery took 50 ms of the
    page's 122 for `kettle` (12,000 matches) at 100,000 purchases on PostgreSQL. COUNT, when
    the caller has it (`purchases_total` counts the same rows), saves counting them again.
    """

    def __init__(self, listing: PurchaseListing, per_page: int, count: int | None = None):
        super().__init__(
            listing.purchases,
            per_page,
            shown=with_list_extras(listing.shown),
            count=count,
            keys=listing.newest_best_keys,
        )


def purchase_listing(
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
    sort: str | None = None,
    with_claims: bool = True,
) -> PurchaseListing:
    """The purchases matching the filters, ready to be shown (see `with_details`), and what
    `purchase_list_page` needs to read a searched page another way.

    SEARCH is words that must all be found (see `purchases.search`). WARRANTY_STATUS filters on
    the effective status of each purchase's primary warranty, or is WARRANTY_STATE_EXPIRING or
    WARRANTY_STATE_NONE.
    SORT is a key of SORT_FIELDS, "-" first for descending, or RELEVANCE: best matches of SEARCH
    first (`purchases.search.Search.ranked`), the default with a search; without one, newest.
    WITH_CLAIMS false leaves the warranties' claims out (the inventory page does not show them:
    two queries fewer).
    """
    shown = Purchase.objects.with_details(claims=with_claims)
    purchases = shown
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
    if sort is None:
        sort = RELEVANCE if search_words(search) else DEFAULT_SORT
    if sort == RELEVANCE:
        ranking = Search(search)
        return PurchaseListing(ranking.ranked(purchases), purchases, shown, ranking)
    descending = sort.startswith("-")
    ordered = purchases_matching(purchases, search).order_by(
        *(_ordered(field, descending) for field in SORT_FIELDS[sort.lstrip("-")])
    )
    return PurchaseListing(ordered, purchases, shown, None)


def with_receipt_matches(purchases, search: str | None) -> list[Purchase]:
    """The purchases of one page as a list, each with `receipt_match`: the file and the line of
    its receipts that hold the most of the words of SEARCH, or None (docs/search.md §7).

    Given to the purchases that a receipt may have been found by: those whose product name,
    model, brand and retailer (what a row shows) lack a word of the search. One query, none when
    no purchase needs it.
    """
    purchases, words = list(purchases), search_words(search)
    for purchase in purchases:
        purchase.receipt_match = None
    wanted = [purchase for purchase in purchases if words and not _shows_every(purchase, words)]
    if wanted:
        lines = receipt_lines(purchase_ids=[purchase.pk for purchase in wanted], words=words)
        for purchase in wanted:
            purchase.receipt_match = lines.get(purchase.pk)
    return purchases


def _shows_every(purchase: Purchase, words: list[str]) -> bool:
    names = [purchase.product_name, purchase.model_number]
    names += [purchase.brand and purchase.brand.name, purchase.retailer and purchase.retailer.name]
    shown = " ".join(name for name in names if name).casefold()
    return all(word.casefold() in shown for word in words)


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


def with_list_extras(purchases):
    """Annotate what an inventory row shows besides the purchase: `attachment_count` and
    `thumbnail_id`, the attachment whose thumbnail stands for it (the first photo, else the
    first image), as subqueries of the page's own query: no query more for any page size."""
    attachments = Attachment.objects.filter(purchase=OuterRef("pk"))
    count = attachments.order_by().values("purchase").annotate(n=Count("id")).values("n")
    first_image = (
        attachments.filter(mime_type__in=THUMBNAIL_TYPES)
        .annotate(
            not_photo=Case(
                When(file_type=FileType.PHOTO, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_photo", "created_at", "id")
        .values("id")[:1]
    )
    return purchases.annotate(
        attachment_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        thumbnail_id=Subquery(first_image),
    )


@dataclass(frozen=True)
class PurchaseTotal:
    """The sum of some purchases in the household's base currency (docs/api.md §9.8)."""

    count: int
    total: Decimal
    currency_code: str
    without_rate: int  # counted in COUNT, not added to TOTAL


def purchases_total(purchases, *, base: str, every: bool = False) -> PurchaseTotal:
    """Add up PURCHASES (a queryset, e.g. the inventory's filtered list, every page) in BASE,
    in one query: a purchase in BASE by its price, one converted to BASE by its base price;
    the others have no usable rate and are counted in `without_rate`, never added. The sum is
    of whole thousandths, exact on both databases (SQLite adds decimals as floats).

    EVERY says PURCHASES are all of them: the spending rollup has their figures already
    (`kernel.hooks.household_spending`), where summing 100,000 purchases took 32 ms.
    """
    if every:
        figures = household_spending(base=base)
        return PurchaseTotal(
            count=figures.purchase_count,
            total=quantize_in(figures.amount, base),
            currency_code=base,
            without_rate=figures.without_rate_count,
        )
    own = Q(currency_code=base)
    converted = Q(base_currency_code=base, base_price__isnull=False)
    units = Case(
        When(own, then=_thousandths("price")),
        When(converted, then=_thousandths("base_price")),
        output_field=BigIntegerField(),
    )
    figures = purchases.order_by().aggregate(
        count=Count("pk"),
        units=Coalesce(Sum(units), 0),
        without_rate=Count("pk", filter=~own & ~converted),
    )
    return PurchaseTotal(
        count=figures["count"],
        total=quantize_in(Decimal(figures["units"]) / 1000, base),
        currency_code=base,
        without_rate=figures["without_rate"],
    )


def _thousandths(field: str):
    return Cast(Round(F(field) * 1000), BigIntegerField())


def purchase_page(purchase_id) -> Purchase:
    """Return one purchase with what its page shows, in three queries; raises
    Purchase.DoesNotExist.

    `with_details()` (retailer, brand, the people, the warranties with theirs) and its
    attachments with their blobs, oldest first, in `attachment_list`.
    """
    attachments = Attachment.objects.select_related("blob").order_by("created_at", "id")
    return (
        Purchase.objects.with_details()
        .prefetch_related(Prefetch("attachments", queryset=attachments, to_attr="attachment_list"))
        .get(pk=purchase_id)
    )


TAG_SUGGESTIONS_MAX = 500
TAG_SUGGESTIONS_SECONDS = 24 * 60 * 60


def tag_suggestions() -> list[str]:
    """The household's tags, each once (the first spelling met), sorted: the form's suggestions.

    Every inventory and item page offers them: the distinct tag strings are read by the tags
    index (`_distinct_tag_strings`), and kept in the cache under the data version (one indexed
    read), which every write replaces.
    """
    return cached_under_version(
        "purchases:tag_suggestions", _tag_suggestions_read, TAG_SUGGESTIONS_SECONDS
    )


def _tag_suggestions_read() -> list[str]:
    names: dict[str, str] = {}
    for tags in _distinct_tag_strings():
        for name in tag_names_of(tags):
            names.setdefault(name.lower(), name)
    return sorted(names.values(), key=str.lower)[:TAG_SUGGESTIONS_MAX]


# A loose index scan: each step asks the index on tags for the next string after the last one,
# so the distinct strings cost one probe each instead of reading every purchase (a DISTINCT read
# all 100,000 in 23 ms right after every write). Neither database skips through an index for a
# DISTINCT by itself, and the ORM writes no recursive query; the SQL is the same on both.
_DISTINCT_TAGS_SQL = """
    WITH RECURSIVE found(tags) AS (
        SELECT MIN(tags) FROM {table} WHERE tags > ''
        UNION ALL
        SELECT (SELECT MIN(tags) FROM {table} WHERE tags > found.tags)
        FROM found WHERE found.tags IS NOT NULL
    )
    SELECT tags FROM found WHERE tags IS NOT NULL
"""


def _distinct_tag_strings() -> list[str]:
    """Every distinct non-empty `tags` value of the purchases (one query, by the tags index)."""
    table = connection.ops.quote_name(Purchase._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_DISTINCT_TAGS_SQL.format(table=table))
        return [tags for (tags,) in cursor.fetchall()]
