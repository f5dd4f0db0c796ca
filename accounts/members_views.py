"""The Members page (owners) and the invitation link (anyone holding it).

Thin: each form calls one service of `accounts.services`; who may open what is decided by
`accounts.access` before these run.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import UserCreationForm
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Invitation, Role
from accounts.selectors import invitation_list_pending, member_list
from accounts.services import (
    InvitationInvalid,
    MemberError,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_revoke,
    member_active_set,
    member_role_set,
)

MEMBERS_PER_PAGE = 50


def members(request):
    """Who is in the household, with what role; invite someone (the link is shown once)."""
    link = None
    error = None
    if request.method == "POST":
        try:
            _, link = invitation_create(
                actor=request.user,
                role=request.POST.get("role", ""),
                email=request.POST.get("email", ""),
                link_for=lambda key: request.build_absolute_uri(
                    reverse("accounts:invitation", args=[key])
                ),
            )
        except MemberError as exc:
            error = str(exc)
        except OSError as exc:  # the mail server refused or could not be reached
            error = _("The invitation could not be e-mailed (%(error)s); nothing was saved.") % {
                "error": exc
            }
    page = Paginator(member_list(), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/members.html",
        {
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "invitations": invitation_list_pending(),
            "roles": Role.choices,
            "link": link,
            "invited_email": request.POST.get("email", "").strip() if link else "",
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def member_change(request, user_id):
    """Change a member's role, or deactivate or reactivate the account."""
    user = get_object_or_404(get_user_model(), pk=user_id)
    action = request.POST.get("action")
    try:
        if action == "role":
            member_role_set(actor=request.user, user=user, role=request.POST.get("role", ""))
            messages.success(request, f"{user.get_username()} is now {user.membership.role}.")
        elif action in ("deactivate", "activate"):
            member_active_set(actor=request.user, user=user, active=action == "activate")
            messages.success(request, f"{user.get_username()} is {action}d.")
        else:
            messages.error(request, _("Choose a role, or deactivate or activate the account."))
    except MemberError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:members")


@require_POST
def invitation_withdraw(request, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("accounts:members")


class InvitationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


def invitation(request, key):
    """Where an invitation link leads: choose a user name and password, then you are in."""
    try:
        pending = invitation_check(key)
    except InvitationInvalid as exc:
        return render(
            request,
            "accounts/invitation.html",
            {"problem": str(exc)},
            status=410 if exc.known else 404,
        )
    form = InvitationForm(request.POST or None, initial={"email": pending.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                key=key,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data.get("email") or "",
            )
        except InvitationInvalid as exc:
            return render(
                request,
                "accounts/invitation.html",
                {"problem": str(exc)},
                status=410 if exc.known else 404,
            )
        except MemberError as exc:
            form.add_error("username", str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s.") % {"name": user.get_username()})
            return redirect("analytics:dashboard")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": pending},
        status=400 if form.errors else 200,
    )
