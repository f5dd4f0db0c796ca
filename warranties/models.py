import datetime

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kernel import clock
from kernel.models import AuthoredModel, VersionedModel, VersionedQuerySet
from kernel.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from preferences.selectors import preferred_currency_code

EXPIRING_SOON_DAYS = 30


class WarrantyStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("warranty", "Active")
    EXPIRED = "EXPIRED", pgettext_lazy("warranty", "Expired")
    VOIDED = "VOIDED", pgettext_lazy("warranty", "Voided")


class WarrantyType(models.TextChoices):
    """The kinds of warranty the form offers; `warranty_type` stays free text (docs/forms.md §5).

    The code is what is stored and exported; the label is what the pages show.
    """

    MANUFACTURER = "MANUFACTURER", _("Manufacturer's warranty")
    LIMITED = "LIMITED", _("Limited warranty")
    EXTENDED = "EXTENDED", _("Extended warranty")
    STORE = "STORE", _("Store guarantee")
    INSURANCE = "INSURANCE", _("Insurance")
    SERVICE_PLAN = "SERVICE_PLAN", _("Service plan")


def warranty_type_label(value: str | None) -> str:
    """Return the label of a known type code (any case), else VALUE as it was stored."""
    if not value:
        return ""
    code = value.strip().upper().replace(" ", "_")
    return WarrantyType(code).label if code in WarrantyType.values else value


# The states a person filters warranties by: the effective statuses, with "expiring soon" (active
# and ending within EXPIRING_SOON_DAYS) as a state of its own.
WARRANTY_STATE_EXPIRING = "EXPIRING"
WARRANTY_STATES = [
    (WarrantyStatus.ACTIVE, pgettext_lazy("warranty", "Active")),
    (
        WARRANTY_STATE_EXPIRING,
        format_lazy(_("Expiring within {days} days"), days=EXPIRING_SOON_DAYS),
    ),
    (WarrantyStatus.EXPIRED, pgettext_lazy("warranty", "Expired")),
    (WarrantyStatus.VOIDED, pgettext_lazy("warranty", "Voided")),
]


def warranty_status_conditions(today: datetime.date) -> dict[str, Q]:
    """Return, for each effective status, the condition a warranty meets on TODAY.

    This is the one definition of the status rule (docs/api.md §9.5): voided is sticky, otherwise a
    warranty is active through its end date and expired after it. Filters use these conditions
    directly (so indexes on `warranty_end` apply) and the status annotation is built from them.
    """
    # `voided=Value(...)` compiles to `voided = false`; Django writes `voided=False` as
    # `NOT voided`, which SQLite cannot match to the (voided, warranty_end) index: it then read
    # 92,000 expired warranties one by one through the end-date index to count them, 119 ms
    # against 4.9 at 125,000 warranties (PostgreSQL reads both forms the same way).
    return {
        WarrantyStatus.VOIDED: Q(voided=Value(True)),
        WarrantyStatus.ACTIVE: Q(voided=Value(False), warranty_end__gte=today),
        WarrantyStatus.EXPIRED: Q(voided=Value(False), warranty_end__lt=today),
    }


def warranty_expiring_condition(today: datetime.date, within_days: int = EXPIRING_SOON_DAYS) -> Q:
    """Return the condition of an active warranty that ends within WITHIN_DAYS days of TODAY."""
    last_day = today + datetime.timedelta(days=within_days)
    return warranty_status_conditions(today)[WarrantyStatus.ACTIVE] & Q(warranty_end__lte=last_day)


# The primary warranty is the non-voided one that ends last, else the latest-ending one.
PRIMARY_WARRANTY_ORDERING = ["voided", "-warranty_end", "-created_at", "-id"]


def primary_warranty_of(warranties) -> "Warranty | None":
    """Return the primary warranty among WARRANTIES already in memory, or None.

    Mirrors PRIMARY_WARRANTY_ORDERING (a test keeps the two in agreement): pages that have a
    purchase's warranties at hand pick it in Python instead of a subquery per row. UUIDs order
    the same in Python and in the database (as 128-bit big-endian numbers).
    """
    return max(
        warranties,
        key=lambda warranty: (
            not warranty.voided,
            warranty.warranty_end,
            warranty.created_at,
            warranty.id,
        ),
        default=None,
    )


class WarrantyQuerySet(VersionedQuerySet):
    def with_status(self, today: datetime.date | None = None):
        """Annotate `effective_status` (ACTIVE, EXPIRED or VOIDED) as of TODAY."""
        conditions = warranty_status_conditions(today or clock.today())
        return self.annotate(
            effective_status=Case(
                *(When(condition, then=Value(status)) for status, condition in conditions.items()),
                output_field=models.CharField(max_length=7),
            )
        )

    def in_status(self, status: str, today: datetime.date | None = None):
        return self.filter(warranty_status_conditions(today or clock.today())[status])

    def in_state(self, state: str):
        """Narrow to one of WARRANTY_STATES."""
        return self.expiring() if state == WARRANTY_STATE_EXPIRING else self.in_status(state)

    def expiring(self, within_days: int = EXPIRING_SOON_DAYS, today: datetime.date | None = None):
        """Return the active warranties that end within WITHIN_DAYS days of TODAY (inclusive)."""
        return self.filter(warranty_expiring_condition(today or clock.today(), within_days))

    def primary_first(self):
        return self.order_by(*PRIMARY_WARRANTY_ORDERING)

    def primary_of_outer_purchase(self):
        """Return a one-row subquery of the primary warranty of the purchase `OuterRef("pk")`."""
        return self.filter(purchase=OuterRef("pk")).primary_first()[:1]


class ClaimsIfAny:
    """The prefetcher behind `Prefetch("claims_if_any", queryset=…, to_attr=…)`: a warranty's
    claims, asked of the database only for the warranties whose `has_claims` annotation is true
    (all of them when it is missing); the others get an empty list without a query.

    Most warranties never have a claim, and asking for the claims of a page of them cost about a
    third of one purchase's request (docs/performance.md, "One purchase"). Django's prefetching
    takes any class attribute with `get_prefetch_querysets`, as it does a GenericForeignKey; this
    does what its reverse foreign-key manager does, for the warranties asked about.
    """

    def __get__(self, instance, owner=None):
        return self

    def get_prefetch_querysets(self, instances, querysets=None):
        queryset = querysets[0] if querysets else Claim.objects.all()
        asked = {w.pk: w for w in instances if getattr(w, "has_claims", True)}
        if asked:
            queryset = queryset.filter(warranty__in=list(asked.values()))
            # As Django's own reverse manager does: each claim knows its warranty, unread.
            for claim in queryset:
                claim.warranty = asked[claim.warranty_id]
        else:
            # Not queryset.none(): Django compiles an empty queryset's SQL before it finds that
            # nothing is asked, a third of a millisecond on every purchase read; an empty list
            # is what its prefetching accepts for "no related objects".
            queryset = []
        return queryset, _warranty_id_of, _pk_of, False, "claims_if_any", False


def _warranty_id_of(claim):
    return claim.warranty_id


def _pk_of(warranty):
    return warranty.pk


class Warranty(AuthoredModel, VersionedModel):
    """A promise that a purchase will be repaired or replaced until `warranty_end`.

    A purchase may have several (manufacturer, extended, insurance). The status is not stored:
    only `voided` is; ACTIVE/EXPIRED follow from today's date (`warranty_status_conditions`).
    """

    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="warranties"
    )
    warranty_start = models.DateField("starts")
    warranty_end = models.DateField("ends")
    warranty_type = models.CharField(
        "type", max_length=50, null=True, blank=True, help_text="For example LIMITED, EXTENDED."
    )
    provider = models.CharField(max_length=255, null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    voided = models.BooleanField(
        default=False,
        help_text="A voided warranty no longer covers the purchase, whatever the date.",
    )

    objects = WarrantyQuerySet.as_manager()
    claims_if_any = ClaimsIfAny()

    class Meta:
        verbose_name_plural = "warranties"
        ordering = ["warranty_end", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warranty_end__gte=F("warranty_start")),
                name="warranties_warranty_end_not_before_start",
                violation_error_message="A warranty cannot end before it starts.",
            ),
        ]
        indexes = [
            models.Index(fields=["warranty_end"], name="warranty_end_idx"),
            # Counting by effective status (voided, end date) reads this index alone.
            models.Index(fields=["voided", "warranty_end"], name="warranty_voided_end_idx"),
            # Serves the primary-warranty subquery: one index probe per purchase.
            models.Index(
                fields=["purchase", "voided", "-warranty_end"], name="warranty_primary_idx"
            ),
        ]

    def __str__(self):
        kind = warranty_type_label(self.warranty_type) or "Warranty"
        return f"{kind} until {self.warranty_end:%Y-%m-%d}"

    def status_on(self, today: datetime.date | None = None) -> str:
        """Return the effective status on TODAY for a warranty already in memory.

        Mirrors `warranty_status_conditions`; a test keeps the two in agreement.
        """
        if self.voided:
            return WarrantyStatus.VOIDED
        return (
            WarrantyStatus.ACTIVE
            if self.warranty_end >= (today or clock.today())
            else WarrantyStatus.EXPIRED
        )


class WarrantyRollup(models.Model):
    """Warranties counted per end date and voided flag (warranties.rollups).

    The effective status follows from these two and today's date, so every warranty figure of
    the dashboard is read from a few thousand rows at most. Kept in step by the write services.
    """

    warranty_end = models.DateField()
    voided = models.BooleanField()
    warranty_count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warranty_end", "voided"], name="warranty_rollup_key"),
        ]

    def __str__(self):
        return f"{self.warranty_count} ending {self.warranty_end}"


# --- Claims (docs/claims.md) ----------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("claim", "Open")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("claim", "In progress")
    RESOLVED = "RESOLVED", pgettext_lazy("claim", "Resolved")
    REJECTED = "REJECTED", pgettext_lazy("claim", "Rejected")


# A claim is open until the manufacturer answers for good; a closed one records its closing day.
OPEN_CLAIM_STATUSES = (ClaimStatus.OPEN, ClaimStatus.IN_PROGRESS)
CLOSED_CLAIM_STATUSES = (ClaimStatus.RESOLVED, ClaimStatus.REJECTED)


def claim_currency_code() -> str:
    """The household's currency (docs/currencies.md), read when a new claim is made."""
    return preferred_currency_code()


class ClaimQuerySet(VersionedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_CLAIM_STATUSES)

    def follow_up_due(self, today: datetime.date | None = None):
        """The open claims whose follow-up day is TODAY or earlier."""
        return self.open().filter(follow_up_on__lte=today or clock.today())


class Claim(AuthoredModel, VersionedModel):
    """A claim made under a warranty: a repair, a replacement or a refund asked for.

    Its documents are attachments of the warranty's purchase that point here
    (`purchases.Attachment.claim`): deleting a claim unlinks them and keeps the files.
    """

    warranty = models.ForeignKey(Warranty, on_delete=models.CASCADE, related_name="claims")
    opened_on = models.DateField("opened on", default=clock.today)
    number = models.CharField(
        "claim or RMA number",
        max_length=100,
        null=True,
        blank=True,
        help_text="For example RMA-123.",
    )
    status = models.CharField(max_length=11, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    closed_on = models.DateField(
        "closed on",
        null=True,
        blank=True,
        help_text="The day it was resolved or rejected; empty while it is open.",
    )
    resolution = models.TextField(null=True, blank=True)
    cost = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="What the claim cost (postage, a fee, the repair); empty when nothing.",
    )
    currency_code = models.CharField(
        "currency",
        max_length=3,
        default=claim_currency_code,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter code such as USD or EUR.")],
    )
    follow_up_on = models.DateField(
        "follow up on",
        null=True,
        blank=True,
        help_text="The day to ask the manufacturer again, if it has not answered.",
    )
    notes = models.TextField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="warranties_claim_cost_not_negative",
                violation_error_message="The cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="warranties_claim_closed_not_before_opened",
                violation_error_message="A claim cannot close before it was opened.",
            ),
        ]
        indexes = [
            # Open claims to follow up (the reminders, the calendar feed): a small partial index.
            models.Index(
                fields=["follow_up_on"],
                condition=Q(follow_up_on__isnull=False, status__in=OPEN_CLAIM_STATUSES),
                name="claim_follow_up_idx",
            ),
        ]

    def __str__(self):
        return f"Claim {self.number}" if self.number else f"Claim of {self.opened_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CLAIM_STATUSES

    @property
    def label(self) -> str:
        """How a person names it: "claim RMA-123", else "claim of <day opened>"."""
        if self.number:
            return gettext("claim %(number)s") % {"number": self.number}
        return gettext("claim of %(day)s") % {"day": f"{self.opened_on:%Y-%m-%d}"}
