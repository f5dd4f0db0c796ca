"""Deadlines (warranty ends, return deadlines) and reminder preferences, read."""

import dataclasses
import datetime
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce

from kernel import clock
from purchases.models import Purchase
from reminders.models import OPEN_STATUSES, DeadlineKind, ReminderDelivery, ReminderPreferences
from warranties.models import Claim, Warranty, WarrantyStatus, warranty_status_conditions

# The columns of one deadline row; both halves of the UNION select them in this order.
DEADLINE_COLUMNS = (
    "kind",
    "source_id",
    "for_purchase_id",
    "item_name",
    "due_date",
    "detail",
    "changed_at",
)


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A date by which something must be done: a warranty ends, a return window closes, a
    claim is to be followed up.

    `source_id` is the warranty's id for a warranty end, the purchase's for a return deadline
    and the claim's for a follow-up; with the kind it names the deadline for good (calendar
    UIDs, reminder records).
    """

    kind: str
    source_id: uuid.UUID
    purchase_id: uuid.UUID
    product_name: str
    due_date: datetime.date
    detail: str | None
    changed_at: datetime.datetime

    @classmethod
    def from_row(cls, row: dict) -> "Deadline":
        return cls(
            kind=row["kind"],
            source_id=_as_uuid(row["source_id"]),
            purchase_id=_as_uuid(row["for_purchase_id"]),
            product_name=row["item_name"],
            due_date=row["due_date"],
            detail=row["detail"],
            changed_at=row["changed_at"],
        )

    def days_left(self, today: datetime.date) -> int:
        return (self.due_date - today).days


def _as_uuid(value) -> uuid.UUID:
    # A UNION's columns lose their model field, so SQLite hands UUIDs back as hex strings.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _deadline_rows(queryset, start, end, *, kind: str, date_field: str, purchase: str, detail: str):
    """Return QUERYSET's rows with DATE_FIELD from START to END, as DEADLINE_COLUMNS.

    PURCHASE names the relation to the purchase ("" when QUERYSET is of purchases).
    """
    rows = queryset.filter(**{f"{date_field}__gte": start})
    if end is not None:
        rows = rows.filter(**{f"{date_field}__lte": end})
    prefix = f"{purchase}__" if purchase else ""
    return (
        rows.annotate(
            kind=Value(kind, output_field=CharField()),
            source_id=F("id"),
            for_purchase_id=F(f"{purchase}_id" if purchase else "id"),
            item_name=F(f"{prefix}product_name"),
            due_date=F(date_field),
            detail=F(detail),
            changed_at=Coalesce("updated_at", "created_at"),
        )
        .values(*DEADLINE_COLUMNS)
        # Default orderings are not allowed inside a UNION (SQLite refuses them).
        .order_by()
    )


# Where each kind of deadline comes from: its rows on a day, and the columns it reads.
_DEADLINE_SOURCES = {
    DeadlineKind.WARRANTY: (
        lambda today: Warranty.objects.exclude(
            warranty_status_conditions(today)[WarrantyStatus.VOIDED]
        ),
        {"date_field": "warranty_end", "purchase": "purchase", "detail": "warranty_type"},
    ),
    DeadlineKind.RETURN: (
        lambda today: Purchase.objects.all(),
        {"date_field": "return_deadline", "purchase": "", "detail": "return_policy"},
    ),
    DeadlineKind.CLAIM: (
        lambda today: Claim.objects.open(),
        {"date_field": "follow_up_on", "purchase": "warranty__purchase", "detail": "number"},
    ),
}


def deadline_queryset(
    *,
    start: datetime.date,
    end: datetime.date | None = None,
    kinds: list[str] | tuple[str, ...] | None = None,
    today: datetime.date | None = None,
):
    """Return the deadlines due from START to END (inclusive; no END: all later ones) as rows.

    Warranty ends count unless the warranty is voided (the effective-status rule of
    `warranties.models`); return deadlines are the purchases' `return_deadline`; claim
    follow-ups the `follow_up_on` of open claims (docs/claims.md §5). The result is one SQL
    query (a UNION ALL of the kinds asked for), ordered by date, of dicts
    with the keys in DEADLINE_COLUMNS; `Deadline.from_row` turns a row into a Deadline.
    """
    today = today or clock.today()
    kinds = DeadlineKind.values if kinds is None else kinds
    halves = [
        _deadline_rows(rows(today), start, end, kind=kind, **columns)
        for kind, (rows, columns) in _DEADLINE_SOURCES.items()
        if kind in kinds
    ]
    if not halves:
        return Purchase.objects.none().values()
    rows = halves[0] if len(halves) == 1 else halves[0].union(*halves[1:], all=True)
    # The ids settle ties between equal dates, so that pages never overlap.
    return rows.order_by("due_date", "kind", "source_id")


def deadline_list_upcoming(
    *,
    days: int,
    kinds: list[str] | None = None,
    today: datetime.date | None = None,
    limit: int | None = None,
) -> list[Deadline]:
    """Return the deadlines from TODAY to TODAY + DAYS (inclusive), soonest first; the first
    LIMIT of them when given.

    One query; with LIMIT, one per kind, each stopping after LIMIT rows in date order: the union
    of both kinds would join every warranty ending in the window to its purchase before sorting.
    """
    today = today or clock.today()
    end = today + datetime.timedelta(days=days)
    if limit is None:
        rows = deadline_queryset(start=today, end=end, kinds=kinds, today=today)
        return [Deadline.from_row(row) for row in rows]
    deadlines = [
        Deadline.from_row(row)
        for kind in (DeadlineKind.values if kinds is None else kinds)
        for row in deadline_queryset(start=today, end=end, kinds=[kind], today=today)[:limit]
    ]
    # The order of deadline_queryset: date, then kind, then id.
    deadlines.sort(key=lambda deadline: (deadline.due_date, deadline.kind, deadline.source_id))
    return deadlines[:limit]


def reminder_preferences_get(user: AbstractBaseUser) -> ReminderPreferences:
    """Return USER's reminder preferences: the stored ones, or unsaved defaults."""
    try:
        return ReminderPreferences.objects.select_related("user").get(user=user)
    except ReminderPreferences.DoesNotExist:
        return ReminderPreferences(user=user)


def reminder_deliveries_open(user: AbstractBaseUser):
    """Return USER's deliveries not yet sent (pending or failing), oldest first."""
    return (
        ReminderDelivery.objects.filter(digest__user=user, status__in=OPEN_STATUSES)
        .select_related("digest")
        .order_by("created_at", "channel")
    )
