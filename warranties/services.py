import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from kernel.clock import add_months
from kernel.summaries import rows_reported, summaries_kept_in_step
from warranties.models import Warranty, WarrantyStatus
from warranties.rollups import figures_stored, warranties_changed

CREATED_FROM_PURCHASE = "Created from purchase"

# Fields a caller may set directly; status and duration are translated first.
_WRITABLE_FIELDS = {"warranty_start", "warranty_end", "warranty_type", "provider", "notes"}


def _person(actor):
    """ACTOR when it is a signed-in account (an anonymous user in open mode is no one)."""
    return actor if actor is not None and actor.is_authenticated else None


def _stamp(warranty: Warranty, actor) -> None:
    """Make ACTOR who added WARRANTY when it is new, else who changed it last (like
    updated_at, updated_by stays null until the first change after creation)."""
    if _person(actor) is not None:
        if warranty._state.adding:
            warranty.created_by = actor
        else:
            warranty.updated_by = actor


def _apply(warranty: Warranty, data: dict, actor) -> None:
    _stamp(warranty, actor)
    data = dict(data)
    duration_months = data.pop("duration_months", None)
    status = data.pop("status", None)
    for field, value in data.items():
        if field in _WRITABLE_FIELDS:
            setattr(warranty, field, value)
    if duration_months is not None:
        warranty.warranty_end = add_months(warranty.warranty_start, duration_months)
    if status is not None:
        # Only VOIDED is stored; asking for ACTIVE or EXPIRED lifts a void (docs/api.md §4.2).
        warranty.voided = status == WarrantyStatus.VOIDED
    warranty.full_clean(exclude=["purchase"])
    warranty.save()


def _warranties_reported(warranty_ids):
    """Report these warranties' figures before and after the block to the rollups.

    The block is a `summaries_kept_in_step()` one, which also replaces the data version once,
    at its end: every service here that writes runs in one.
    """
    return rows_reported(
        Warranty.objects.filter(pk__in=warranty_ids),
        figures=figures_stored,
        report=warranties_changed,
    )


def warranty_create(*, purchase, data: dict, actor=None) -> Warranty:
    """Add a warranty to PURCHASE (a purchase may have several); ACTOR is who added it.

    DATA holds model fields, plus optionally `duration_months` (instead of `warranty_end`) and
    `status` (VOIDED voids it). Raises ValidationError for an end before the start.
    """
    warranty = Warranty(purchase=purchase)
    with _warranties_reported([warranty.pk]):
        _apply(warranty, data, actor)
    return warranty


def warranty_update(*, warranty: Warranty, data: dict, actor=None) -> Warranty:
    """Change the fields present in DATA; `duration_months` counts from the (new) start.

    ACTOR becomes who changed it last."""
    with _warranties_reported([warranty.pk]):
        _apply(warranty, data, actor)
    return warranty


def warranty_delete(*, warranty: Warranty) -> None:
    with _warranties_reported([warranty.pk]):
        warranty.delete()


@summaries_kept_in_step()
def warranty_set_primary_end(*, purchase, end: datetime.date | None, actor=None) -> None:
    """Apply a purchase's `warranty_expiry` (docs/api.md §4.1, §9.3).

    A date moves the primary warranty's end, or creates a warranty from the purchase date when
    there is none; None deletes the primary warranty. ACTOR is who changed (or added) it.
    """
    primary = Warranty.objects.filter(purchase=purchase).primary_first().first()
    if end is None:
        if primary is not None:
            warranty_delete(warranty=primary)
        return
    if primary is None:
        primary = Warranty(purchase=purchase, warranty_start=purchase.purchase_date)
        primary.notes = CREATED_FROM_PURCHASE
    if end < primary.warranty_start:
        message = f"The warranty cannot end before it starts ({primary.warranty_start})."
        raise ValidationError({"warranty_expiry": message})
    if primary.warranty_end != end or primary._state.adding:
        _stamp(primary, actor)
    primary.warranty_end = end
    with _warranties_reported([primary.pk]):
        primary.save()


def warranties_set_voided(*, warranties, voided: bool, actor=None) -> int:
    """Void (or un-void) the given warranties (a queryset); return how many changed.

    ACTOR, when given, becomes who changed them last."""
    changes = {"voided": voided, "updated_at": timezone.now()}
    if _person(actor) is not None:
        changes["updated_by"] = actor
    with summaries_kept_in_step():
        changing = list(warranties.exclude(voided=voided).values_list("pk", flat=True))
        with _warranties_reported(changing):
            return Warranty.objects.filter(pk__in=changing).update(**changes)
