"""The claims pages (docs/claims.md §4): a warranty's claims with the form that opens one, a
claim's own form, and the quick status changes and deletion the claims partial posts.

Server-rendered forms that post back here (no script needed); each write calls one service and
goes back to the page it came from (`next`, when it is a page of this site).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kernel import clock
from preferences.selectors import preferred_currency_code
from warranties.forms import ClaimForm, ClaimStatusForm
from warranties.models import Claim, ClaimStatus, Warranty
from warranties.selectors import claim_list, claims_shown
from warranties.services import claim_create, claim_delete, claim_update


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe and target.startswith("/") else default)


def _saved(form: ClaimForm, save) -> object | None:
    """Run SAVE(data); put a service's refusals at their fields. Return what it returned."""
    try:
        return save(form.service_data())
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            field = "documents" if field == "document_ids" else field
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    return None


def warranty_claims(request, warranty_id):
    """A warranty's claims, and (for editors) the form that opens a new one."""
    warranty = get_object_or_404(
        Warranty.objects.with_status().select_related("purchase"), pk=warranty_id
    )
    attachments = list(warranty.purchase.attachments.all())
    initial = {"opened_on": clock.today(), "currency_code": preferred_currency_code()}
    form = ClaimForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        attachments=attachments,
    )
    if request.method == "POST" and form.is_valid():
        claim = _saved(
            form, lambda data: claim_create(warranty=warranty, data=data, actor=request.user)
        )
        if claim is not None:
            messages.success(request, f"The {claim.label} is open.")
            return HttpResponseRedirect(reverse("warranties:claims", args=[warranty.pk]))
    context = {
        "warranty": warranty,
        "claims": list(claim_list(warranty_id=warranty.pk)),
        "form": form,
        "opening": request.method == "POST" or "new" in request.GET,
        "statuses": ClaimStatus.choices,
    }
    return render(request, "warranties/claims.html", context)


def claim_edit(request, claim_id):
    """One claim's form: every field, its status and its documents."""
    claim = get_object_or_404(claims_shown(), pk=claim_id)
    attachments = list(claim.warranty.purchase.attachments.all())
    initial = {
        "opened_on": claim.opened_on,
        "number": claim.number,
        "status": claim.status,
        "closed_on": claim.closed_on,
        "follow_up_on": claim.follow_up_on,
        "cost": claim.cost,
        "currency_code": claim.currency_code,
        "resolution": claim.resolution,
        "notes": claim.notes,
        "documents": [str(document.pk) for document in claim.document_list],
    }
    form = ClaimForm(
        request.POST if request.method == "POST" else None, initial=initial, attachments=attachments
    )
    if request.method == "POST" and form.is_valid():
        saved = _saved(form, lambda data: claim_update(claim=claim, data=data, actor=request.user))
        if saved is not None:
            messages.success(request, f"The {claim.label} is saved.")
            return _back(request, reverse("warranties:claims", args=[claim.warranty_id]))
        claim.refresh_from_db()
    back = request.POST.get("next") or request.GET.get("next") or ""
    context = {"claim": claim, "warranty": claim.warranty, "form": form, "next": back}
    return render(request, "warranties/claim_form.html", context)


@require_POST
def claim_status(request, claim_id):
    """Move a claim to the status posted (the partial's quick actions)."""
    claim = get_object_or_404(Claim, pk=claim_id)
    form = ClaimStatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Choose one of the statuses: open, in progress, resolved, rejected."
        )
    else:
        try:
            claim_update(claim=claim, data=form.cleaned_data, actor=request.user)
            label = ClaimStatus(claim.status).label.lower()
            messages.success(request, f"The {claim.label} is {label} now.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _back(request, reverse("warranties:claims", args=[claim.warranty_id]))


@require_POST
def claim_remove(request, claim_id):
    """Delete a claim; its documents stay with the purchase."""
    claim = get_object_or_404(Claim, pk=claim_id)
    warranty_id, label = claim.warranty_id, claim.label
    claim_delete(claim=claim)
    messages.success(request, f"The {label} is deleted; its documents stay with the purchase.")
    return _back(request, reverse("warranties:claims", args=[warranty_id]))
