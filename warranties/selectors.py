import datetime
from typing import NamedTuple

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)

from kernel import clock
from kernel.hooks import purchases_searched
from warranties.models import (
    EXPIRING_SOON_DAYS,
    WARRANTY_STATE_EXPIRING,
    Claim,
    Warranty,
    WarrantyStatus,
    warranty_status_conditions,
)

# Orders of the warranties page (warranties.forms.WARRANTY_SORTS); CURRENT_FIRST is its default.
CURRENT_FIRST = "current"
BY_END = {"warranty_end": ["warranty_end"], "-warranty_end": ["-warranty_end"]}


def warranties_shown(today: datetime.date | None = None):
    """Every warranty with what a list shows: its effective status on TODAY, its purchase and
    its people. A page chosen by key reads its rows from this, unfiltered
    (`kernel.pagination.PaginatorByKeys`): with the list's filters repeated, SQLite read the
    92,000 expired warranties through an index to find the page's 25 (115 ms, 0.5 by key)."""
    return Warranty.objects.with_status(today or clock.today()).select_related(
        "purchase", "created_by", "updated_by"
    )


def warranty_list(
    *,
    status: str | None = None,
    expiring_soon: bool | None = None,
    purchase_id=None,
    search: str | None = None,
    sort: str | None = None,
    today: datetime.date | None = None,
):
    """Return warranties with their effective status and purchase, soonest end first.

    EXPIRING_SOON true keeps the active ones ending within 30 days; false drops them. SEARCH keeps
    those whose purchase contains every word of it (the purchases' search: product, brand,
    retailer, the warranties' provider and notes...). SORT CURRENT_FIRST puts the active ones
    first, soonest end first, then the expired ones, latest ended first, then the voided ones;
    "-warranty_end" is latest end first; the default soonest end first.
    """
    today = today or clock.today()
    warranties = warranties_shown(today)
    if status:
        warranties = warranties.in_status(status, today)
    if expiring_soon:
        # The condition itself, not the ids it selects: the end-date index gives its range in
        # order (with the ids, PostgreSQL walked every earlier end date for the first page,
        # 169 ms at 125,000 warranties).
        warranties = warranties.expiring(EXPIRING_SOON_DAYS, today)
    elif expiring_soon is not None:
        expiring_ids = Warranty.objects.expiring(EXPIRING_SOON_DAYS, today).values("id")
        warranties = warranties.exclude(id__in=expiring_ids)
    if purchase_id:
        warranties = warranties.filter(purchase_id=purchase_id)
    # The active ones are all current: those expiring soon too.
    one_status = WarrantyStatus.ACTIVE if expiring_soon else status
    return _searched_and_sorted(warranties, search, sort, today, one_status)


# CURRENT_FIRST within one status: the index on (voided, warranty_end) gives that order, which
# the groups' CASE of the whole order hides (at 125,000 warranties, the expired ones' first page
# read and sorted all 92,000 of them).
CURRENT_FIRST_IN = {
    WarrantyStatus.ACTIVE: "warranty_end",
    WarrantyStatus.EXPIRED: "-warranty_end",
    WarrantyStatus.VOIDED: "-warranty_end",
}


def current_first_keys(warranties, skip: int, limit: int, today: datetime.date) -> list | None:
    """The keys of rows SKIP to SKIP + LIMIT of WARRANTIES (filtered, of every status) in the
    CURRENT_FIRST order when the active ones hold them all, else None.

    The whole order is made of CASE groups that no index gives: both databases read and
    sorted every warranty for each page (18 ms on PostgreSQL, 34 ms on SQLite at 125,000).
    The active ones come first, in the order of the `(voided, warranty_end)` index
    (`CURRENT_FIRST_IN`): when they fill the page (the first pages of a household with a
    page of active warranties or more), it is the page, read in one narrow query. A test
    holds these pages to the whole order's.
    """
    active = warranties.in_status(WarrantyStatus.ACTIVE, today).order_by(
        CURRENT_FIRST_IN[WarrantyStatus.ACTIVE], "created_at", "id"
    )
    keys = list(active.values_list("pk", flat=True)[skip : skip + limit])
    return keys if len(keys) == limit else None


def _searched_and_sorted(
    warranties, search: str | None, sort: str | None, today, status: str | None = None
):
    """WARRANTIES searched and sorted as `warranty_list` says; STATUS, when they all have it."""
    if search and search.strip():
        warranties = warranties.filter(purchase_id__in=purchases_searched(search).values("pk"))
    if sort == CURRENT_FIRST and status in CURRENT_FIRST_IN:
        return warranties.order_by(CURRENT_FIRST_IN[status], "created_at", "id")
    if sort == CURRENT_FIRST:
        conditions = warranty_status_conditions(today)
        current = conditions[WarrantyStatus.ACTIVE]
        group = Case(
            When(current, then=Value(0)),
            When(conditions[WarrantyStatus.EXPIRED], then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        soonest = Case(
            When(current, then=F("warranty_end")), default=None, output_field=DateField()
        )
        return warranties.order_by(
            group.asc(), soonest.asc(), F("warranty_end").desc(), "created_at", "id"
        )
    return warranties.order_by(*BY_END.get(sort or "", ["warranty_end"]), "created_at", "id")


class WarrantyListing(NamedTuple):
    """What the warranties page pages through (`kernel.pagination.PaginatorByKeys`)."""

    warranties: QuerySet  # filtered, searched and ordered
    shown: QuerySet  # every warranty, read as the page shows it
    unordered: QuerySet | None  # every state's, unordered, when they are listed CURRENT_FIRST
    today: datetime.date

    def current_first_keys(self, skip: int, limit: int) -> list | None:
        """Keys of a page of the active ones alone (`current_first_keys`), else None."""
        if self.unordered is None:
            return None
        return current_first_keys(self.unordered, skip, limit, self.today)


def warranty_listing(
    *,
    state: str | None = None,
    days: int | None = None,
    search: str | None = None,
    sort: str | None = None,
    today: datetime.date | None = None,
) -> WarrantyListing:
    """The warranties page's list: in STATE (one of WARRANTY_STATES), or active and ending
    within DAYS, SEARCH and SORT as `warranty_list` takes them; with their claims."""
    today = today or clock.today()
    unordered = None
    if days:
        warranties = warranty_list_expiring(days=days, search=search, sort=sort, today=today)
    elif state == WARRANTY_STATE_EXPIRING:
        warranties = warranty_list(expiring_soon=True, search=search, sort=sort, today=today)
    else:
        warranties = warranty_list(status=state, search=search, sort=sort, today=today)
        # The active ones' pages by their index when every warranty is listed; a search finds
        # few, sorted whole.
        if sort == CURRENT_FIRST and not state and not search:
            unordered = warranties.order_by()
    shown = warranties_with_claims(warranties_shown(today))
    return WarrantyListing(warranties, shown, unordered, today)


def warranty_list_expiring(
    *,
    days: int,
    search: str | None = None,
    sort: str | None = None,
    today: datetime.date | None = None,
):
    """Return the active warranties ending between TODAY and TODAY + DAYS, soonest first
    (SEARCH and SORT as in `warranty_list`)."""
    today = today or clock.today()
    warranties = warranties_shown(today).expiring(days, today)
    return _searched_and_sorted(warranties, search, sort, today, WarrantyStatus.ACTIVE)


# --- Claims (docs/claims.md) ----------------------------------------------------------------------


def claims_shown(claims=None):
    """CLAIMS (a queryset; all by default) with what a claim object or the claims partial shows.

    Three queries for any number of claims: the claims joined to their warranty, purchase and
    people, then their documents. Newest first.
    """
    claims = Claim.objects.all() if claims is None else claims
    # The attachment model through the reverse relation: purchases is the layer above.
    documents = Claim.documents.rel.related_model.objects.order_by("created_at", "id")
    return claims.select_related("warranty__purchase", "created_by", "updated_by").prefetch_related(
        Prefetch("documents", queryset=documents, to_attr="document_list")
    )


def claim_list(*, warranty_id=None, purchase_id=None, status: str | None = None):
    """Claims of a warranty, or of every warranty of a purchase, newest first."""
    claims = Claim.objects.all()
    if warranty_id:
        claims = claims.filter(warranty_id=warranty_id)
    if purchase_id:
        claims = claims.filter(warranty__purchase_id=purchase_id)
    if status:
        claims = claims.filter(status=status)
    return claims_shown(claims).order_by("-opened_on", "-created_at", "-id")


def claims_follow_up_due(*, today: datetime.date | None = None):
    """Open claims whose follow-up day has come (TODAY or earlier), the longest waiting first."""
    return claims_shown(Claim.objects.follow_up_due(today or clock.today())).order_by(
        "follow_up_on", "opened_on", "id"
    )


def claims_prefetch(to_attr: str = "claim_list") -> Prefetch:
    """Prefetch a warranty's claims as the partial shows them into TO_ATTR, newest first.

    Each claim's warranty is the warranty it was read for (and that warranty's purchase whatever
    the warranty's queryset joined); its people are joined and its documents prefetched. On
    warranties annotated `has_claims` (`warranties_with_claims`), only those that have any are
    asked about.
    """
    documents = Claim.documents.rel.related_model.objects.order_by("created_at", "id")
    claims = (
        Claim.objects.select_related("created_by", "updated_by")
        .prefetch_related(Prefetch("documents", queryset=documents, to_attr="document_list"))
        .order_by("-opened_on", "-created_at", "-id")
    )
    return Prefetch("claims_if_any", queryset=claims, to_attr=to_attr)


def warranties_with_claims(warranties):
    """WARRANTIES (a queryset) with each one's claims in `claim_list` (`claims_prefetch`).

    Whether a warranty has claims is asked in the warranties' own query (an EXISTS per row, on
    the claims' warranty index), so that the claims are read for those only: no query more for a
    page without any claim, two (the claims, their documents) for one with some.
    """
    return warranties.annotate(
        has_claims=Exists(Claim.objects.filter(warranty=OuterRef("pk")))
    ).prefetch_related(claims_prefetch())


def claims_of_purchase_for_page(purchase_id) -> list[Claim]:
    """What the claims partial needs for one purchase's item page: its claims, with their
    warranty, purchase, people and documents, in three queries."""
    return list(claim_list(purchase_id=purchase_id))
