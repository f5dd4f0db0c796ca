"""The household's members and invitations over the API: what the Members page does.

Owner-only (`accounts.access`). Errors a person can fix answer 400 with the service's sentence.
"""

import datetime
import uuid

from django.urls import reverse
from django.utils.translation import gettext
from ninja import Query, Router, Status
from ninja.errors import HttpError
from pydantic import Field

from accounts.models import Invitation, Role
from accounts.selectors import invitation_list_pending, member_list
from accounts.services import (
    MemberError,
    invitation_create,
    invitation_revoke,
    member_active_set,
    member_role_set,
)
from kernel.schemas import COMMON_ERRORS, NOT_FOUND, ErrorOut, Page, PageQuery, Schema, paginate

router = Router(tags=["Members"])


class MemberOut(Schema):
    id: int
    username: str
    email: str
    role: Role | None = Field(description="None: the account sees nothing until given a role.")
    is_active: bool
    is_administrator: bool
    last_login: datetime.datetime | None


class MemberPatch(Schema):
    role: Role | None = None
    is_active: bool | None = None


class InvitationIn(Schema):
    role: Role
    email: str | None = Field(None, max_length=254, description="Also mail the link there.")


class InvitationOut(Schema):
    id: uuid.UUID
    role: Role
    email: str
    expires_at: datetime.datetime
    invited_by: str | None


class InvitationCreated(InvitationOut):
    link: str = Field(description="The one-time link; shown only in this answer.")


def _member_out(user) -> dict:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "role": Role.OWNER if user.is_superuser else getattr(_membership(user), "role", None),
        "is_active": user.is_active,
        "is_administrator": user.is_superuser,
        "last_login": user.last_login,
    }


def _membership(user):
    try:
        return user.membership
    except user._meta.model.membership.RelatedObjectDoesNotExist:
        return None


def _invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "role": invitation.role,
        "email": invitation.email,
        "expires_at": invitation.expires_at,
        "invited_by": invitation.invited_by.get_username() if invitation.invited_by else None,
    }


@router.get("/members", response={200: Page[MemberOut], **COMMON_ERRORS})
def list_members(request, query: Query[PageQuery]):
    """Every account, active ones first, with its role (null: none yet)."""
    page = paginate(member_list(), skip=query.skip, limit=query.limit)
    page["items"] = [_member_out(user) for user in page["items"]]
    return page


@router.patch("/members/{user_id}", response={200: MemberOut, **NOT_FOUND, **COMMON_ERRORS})
def update_member(request, user_id: str, payload: MemberPatch):
    """Change the role, deactivate (`is_active: false`) or reactivate an account."""
    user = member_list().filter(pk=int(user_id) if user_id.isdigit() else None).first()
    if user is None:
        raise HttpError(404, gettext("Member not found"))
    try:
        if payload.role is not None:
            member_role_set(actor=request.user, user=user, role=payload.role)
        if payload.is_active is not None:
            member_active_set(actor=request.user, user=user, active=payload.is_active)
    except MemberError as exc:
        raise HttpError(400, str(exc)) from None
    return _member_out(member_list().get(pk=user.pk))


@router.get("/invitations", response={200: Page[InvitationOut], **COMMON_ERRORS})
def list_invitations(request, query: Query[PageQuery]):
    """Invitations whose link still works, newest first."""
    page = paginate(invitation_list_pending(), skip=query.skip, limit=query.limit)
    page["items"] = [_invitation_out(invitation) for invitation in page["items"]]
    return page


@router.post("/invitations", response={201: InvitationCreated, 502: ErrorOut, **COMMON_ERRORS})
def create_invitation(request, payload: InvitationIn):
    """A link that makes one account with ROLE within 7 days; mailed too when `email` is given."""
    try:
        invitation, link = invitation_create(
            actor=request.user,
            role=payload.role,
            email=payload.email or "",
            link_for=lambda key: request.build_absolute_uri(
                reverse("accounts:invitation", args=[key])
            ),
        )
    except MemberError as exc:
        raise HttpError(400, str(exc)) from None
    except OSError as exc:
        raise HttpError(
            502, gettext("The invitation could not be e-mailed (%(error)s).") % {"error": exc}
        ) from None
    return Status(201, {**_invitation_out(invitation), "link": link})


@router.delete(
    "/invitations/{invitation_id}",
    response={204: None, **NOT_FOUND, **COMMON_ERRORS},
)
def delete_invitation(request, invitation_id: str):
    """Withdraw an invitation: its link stops working."""
    try:
        invitation = Invitation.objects.get(pk=uuid.UUID(invitation_id))
    except (ValueError, Invitation.DoesNotExist):
        raise HttpError(404, gettext("Invitation not found")) from None
    invitation_revoke(actor=request.user, invitation=invitation)
    return Status(204, None)
