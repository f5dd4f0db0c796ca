import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kernel import clock
from kernel.clock import add_months
from kernel.summaries import rows_reported, summaries_kept_in_step
from kernel.versioning import data_changed
from warranties.models import (
    CLOSED_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    Claim,
    ClaimStatus,
    Warranty,
    WarrantyStatus,
)
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
        message = gettext("The warranty cannot end before it starts (%(day)s).") % {
            "day": primary.warranty_start
        }
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


# --- Claims (docs/claims.md) ----------------------------------------------------------------------

# Fields a caller may set directly; `status`, `closed_on` and `document_ids` are checked first.
_CLAIM_FIELDS = {
    "opened_on",
    "number",
    "resolution",
    "cost",
    "currency_code",
    "follow_up_on",
    "notes",
}


def claim_transition_refusal(current: str, wanted: str) -> str | None:
    """Why a claim in status CURRENT cannot move to WANTED, or None when it may.

    An open claim (open, in progress) may go to any status; a closed one (resolved, rejected)
    may only be reopened (docs/claims.md §1).
    """
    if current == wanted or current in OPEN_CLAIM_STATUSES:
        return None
    if wanted in OPEN_CLAIM_STATUSES:
        return None
    # Whole sentences: the two statuses' words agree with "claim" differently in each language.
    if current == ClaimStatus.RESOLVED:
        return gettext("A resolved claim cannot become rejected: reopen it first.")
    return gettext("A rejected claim cannot become resolved: reopen it first.")


def _claim_status(claim: Claim, data: dict) -> None:
    """Apply DATA's `status` and `closed_on`: a closed claim records the day it closed."""
    status = data.get("status") or claim.status
    if not claim._state.adding:
        refusal = claim_transition_refusal(claim.status, status)
        if refusal:
            raise ValidationError({"status": refusal})
    was_closed = claim.status in CLOSED_CLAIM_STATUSES and not claim._state.adding
    claim.status = status
    if status in OPEN_CLAIM_STATUSES:
        if data.get("closed_on"):
            raise ValidationError({"closed_on": gettext("An open claim has no closing day.")})
        claim.closed_on = None
    elif data.get("closed_on"):
        claim.closed_on = data["closed_on"]
    elif not (was_closed and claim.closed_on):
        claim.closed_on = clock.today()


def _claim_documents(claim: Claim, document_ids) -> None:
    """Make DOCUMENT_IDS (attachments of the claim's purchase) the claim's documents."""
    # The attachment model through the reverse relation: purchases is the layer above.
    attachments = claim.documents.model.objects
    try:
        wanted = {uuid.UUID(str(pk)) for pk in document_ids}
    except ValueError:
        raise ValidationError({"document_ids": gettext("Name the files by their ids.")}) from None
    found = set(
        attachments.filter(pk__in=wanted, purchase_id=claim.warranty.purchase_id).values_list(
            "pk", flat=True
        )
    )
    if unknown := sorted(str(pk) for pk in wanted - found):
        raise ValidationError(
            {
                "document_ids": gettext(
                    "These files are not attachments of the claim's purchase: %(ids)s"
                )
                % {"ids": ", ".join(unknown)}
            }
        )
    attachments.filter(claim=claim).exclude(pk__in=found).update(claim=None)
    attachments.filter(pk__in=found).update(claim=claim)


def _claim_saved(claim: Claim, data: dict, actor) -> Claim:
    for field, value in data.items():
        if field in _CLAIM_FIELDS:
            setattr(claim, field, value)
    _claim_status(claim, data)
    today = clock.today()
    if claim.opened_on and claim.opened_on > today:
        raise ValidationError({"opened_on": gettext("A claim cannot be opened after today.")})
    if claim.closed_on and claim.closed_on > today:
        raise ValidationError({"closed_on": gettext("A claim cannot close after today.")})
    if claim.closed_on and claim.opened_on and claim.closed_on < claim.opened_on:
        raise ValidationError(
            {
                "closed_on": gettext("A claim cannot close before it was opened (%(day)s).")
                % {"day": claim.opened_on}
            }
        )
    _stamp(claim, actor)
    claim.full_clean(exclude=["warranty"])
    claim.save()
    if data.get("document_ids") is not None:
        _claim_documents(claim, data["document_ids"])
    data_changed()
    return claim


@transaction.atomic
def claim_create(*, warranty: Warranty, data: dict, actor=None) -> Claim:
    """Open a claim under WARRANTY; ACTOR is who opened it.

    DATA holds the claim's fields (all optional: it opens today, OPEN, in the household's
    currency), `closed_on` for one recorded already closed, and `document_ids`: attachments
    of the warranty's purchase. Raises ValidationError with a sentence per field.
    """
    return _claim_saved(Claim(warranty=warranty), data, actor)


@transaction.atomic
def claim_update(*, claim: Claim, data: dict, actor=None) -> Claim:
    """Change the fields present in DATA; ACTOR becomes who changed it last.

    A new status must follow the rule of `claim_transition_refusal`; closing records the day
    (today, or DATA's `closed_on`), reopening clears it. `document_ids` replaces the documents.
    """
    return _claim_saved(claim, data, actor)


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Delete CLAIM; its documents stay with the purchase, unlinked (docs/claims.md §2)."""
    claim.delete()
    data_changed()
