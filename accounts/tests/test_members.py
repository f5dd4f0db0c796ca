"""Members, roles and invitations (issue 17): the services, the Members page and its API."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import role_of
from accounts.models import AuditEvent, Invitation, Role
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
from accounts.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-42"


def _link(key):
    return f"http://testserver/accounts/invitation/{key}/"


def _invite(role=Role.EDITOR, **kwargs):
    return invitation_create(actor=None, role=role, link_for=_link, **kwargs)


def _key(link):
    return link.rstrip("/").rsplit("/", 1)[-1]


# --- Roles ------------------------------------------------------------------------------------


def test_an_account_without_a_role_has_none_and_a_superuser_is_always_an_owner(
    django_user_model,
):
    assert role_of(UserFactory()) is None
    assert role_of(django_user_model.objects.create_superuser("root", "", "x")) == Role.OWNER


def test_the_role_changes_and_the_change_is_recorded(api_user):
    member = MemberFactory(role=Role.VIEWER)
    member_role_set(actor=api_user, user=member, role="editor")
    member.refresh_from_db()
    assert role_of(member) == Role.EDITOR
    event = AuditEvent.objects.get(action="member.role")
    assert (event.actor, event.target, event.details) == (
        api_user,
        member.username,
        {"role": "editor", "previous": "viewer"},
    )


def test_the_last_owner_cannot_step_down_or_be_deactivated(api_user):
    with pytest.raises(MemberError, match="at least one owner"):
        member_role_set(actor=api_user, user=api_user, role="viewer")
    other = MemberFactory(role=Role.EDITOR)
    with pytest.raises(MemberError, match="at least one owner"):
        member_active_set(actor=other, user=api_user, active=False)
    # With a second owner, the first may step down.
    member_role_set(actor=api_user, user=other, role="owner")
    member_role_set(actor=api_user, user=api_user, role="viewer")
    api_user.refresh_from_db()
    assert role_of(api_user) == Role.VIEWER


def test_nobody_deactivates_themselves_and_a_deactivated_member_loses_access(client, api_user):
    with pytest.raises(MemberError, match="your own account"):
        member_active_set(actor=api_user, user=api_user, active=False)
    member = MemberFactory(role=Role.EDITOR)
    client.force_login(member)
    assert client.get("/inventory/").status_code == 200
    member_active_set(actor=api_user, user=member, active=False)
    assert client.get("/inventory/").status_code == 302  # signed out: to the login form
    assert role_of(member) is None


def test_an_unknown_role_is_refused_in_words(api_user):
    with pytest.raises(MemberError, match='"boss" is not a role'):
        member_role_set(actor=api_user, user=MemberFactory(), role="boss")


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitation_link_works_once_then_says_it_was_used():
    invitation, link = _invite(Role.VIEWER)
    assert invitation.role == Role.VIEWER
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    user = invitation_accept(key=_key(link), username="sam", password=PASSWORD)
    assert role_of(user) == Role.VIEWER
    assert user.check_password(PASSWORD)
    with pytest.raises(InvitationInvalid, match="already been used"):
        invitation_accept(key=_key(link), username="sam2", password=PASSWORD)
    assert AuditEvent.objects.filter(action="member.join", target="sam").count() == 1


def test_an_expired_invitation_says_when_it_expired():
    invitation, link = _invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(InvitationInvalid, match="expired on"):
        invitation_check(_key(link))


def test_a_withdrawn_invitation_and_an_unknown_link_are_refused():
    invitation, link = _invite()
    invitation_revoke(actor=None, invitation=invitation)
    with pytest.raises(InvitationInvalid, match="withdrawn"):
        invitation_check(_key(link))
    with pytest.raises(InvitationInvalid, match="not valid") as raised:
        invitation_check("no-such-key")
    assert raised.value.known is False


def test_only_the_hash_of_the_link_is_stored():
    invitation, link = _invite()
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert all(_key(link) not in str(value) for value in row.values())


def test_an_invitation_by_email_sends_the_link():
    _, link = _invite(email="guest@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["guest@example.com"]
    assert link in mail.outbox[0].body


def test_an_invitation_is_written_in_the_inviter_s_language_and_names_the_role():
    with translation.override("de"):
        _, link = _invite(email="gast@example.com", role="editor")
    message = mail.outbox[0]
    assert message.subject == "Sie sind zu Spends Tracker eingeladen"
    assert message.body.startswith(
        "Ein Eigentümer lädt Sie als Bearbeiter zum Spends Tracker des Haushalts ein."
    )
    assert "7 Tage" in message.body
    assert link in message.body


def test_a_bad_address_is_refused_and_nothing_is_saved():
    with pytest.raises(MemberError, match="not an e-mail address"):
        _invite(email="not an address")
    assert not Invitation.objects.exists()


# --- The Members page -------------------------------------------------------------------------


def test_an_owner_invites_from_the_page_and_the_link_makes_an_account(owner_client, client):
    response = owner_client.post(reverse("accounts:members"), {"role": "editor", "email": ""})
    assert response.status_code == 200
    link = response.context["link"]
    assert link.startswith("http://testserver/accounts/invitation/")

    invited = client.__class__()
    page = invited.get(link)
    assert page.status_code == 200
    assert "Join the household as editor" in page.text
    response = invited.post(
        link, {"username": "robin", "email": "", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert invited.get("/inventory/").status_code == 200  # signed in, as an editor

    again = client.__class__().get(link)
    assert again.status_code == 410
    assert "already been used" in again.text


def test_the_invitation_form_reports_a_weak_password_and_keeps_the_link_usable(client):
    _, link = _invite()
    response = client.post(
        link, {"username": "robin", "email": "", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "too short" in response.text
    assert invitation_check(_key(link)).used_at is None


def test_an_owner_changes_a_role_and_deactivates_from_the_page(owner_client):
    member = MemberFactory(role=Role.VIEWER)
    url = reverse("accounts:member_change", args=[member.pk])
    owner_client.post(url, {"action": "role", "role": "editor"})
    assert role_of(member.__class__.objects.get(pk=member.pk)) == Role.EDITOR
    owner_client.post(url, {"action": "deactivate"})
    member.refresh_from_db()
    assert not member.is_active
    page = owner_client.get(reverse("accounts:members"))
    assert "deactivated" in page.text


def test_the_members_page_lists_roles_and_last_sign_in(owner_client, django_assert_num_queries):
    for _ in range(5):
        MemberFactory(role=Role.VIEWER)
    with django_assert_num_queries(7):
        response = owner_client.get(reverse("accounts:members"))
    assert response.text.count('data-member="') == 6


def test_an_editor_reads_a_clear_refusal_on_the_members_page(client):
    client.force_login(MemberFactory(role=Role.EDITOR))
    response = client.get(reverse("accounts:members"))
    assert response.status_code == 403
    assert "This needs an owner; your role is editor." in response.text


def test_an_account_without_a_role_sees_a_page_saying_so(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "no role in this household" in response.text


# --- The API ----------------------------------------------------------------------------------


def test_an_owner_manages_members_and_invitations_through_the_api(api_client):
    member = MemberFactory(role=Role.VIEWER)
    listed = api_client.get("/api/members").json()
    assert {item["username"]: item["role"] for item in listed["items"]} == {
        "owner": "owner",
        member.username: "viewer",
    }
    changed = api_client.patch(
        f"/api/members/{member.pk}", {"role": "editor"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "editor"

    created = api_client.post(
        "/api/invitations", {"role": "viewer"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["link"].startswith("http://testserver/accounts/invitation/")
    assert api_client.get("/api/invitations").json()["total"] == 1
    deleted = api_client.delete(f"/api/invitations/{created.json()['id']}")
    assert deleted.status_code == 204
    assert api_client.get("/api/invitations").json()["total"] == 0


def test_the_api_refuses_to_leave_the_household_without_an_owner(api_client, api_user):
    response = api_client.patch(
        f"/api/members/{api_user.pk}", {"role": "viewer"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "at least one owner" in response.json()["detail"]


def test_an_expired_link_says_so_on_its_page(client):
    invitation, link = _invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation expired on" in response.text
    assert client.get(link.replace(_key(link), "made-up")).status_code == 404
