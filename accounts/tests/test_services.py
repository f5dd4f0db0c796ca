import datetime
import hashlib
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.access import role_of
from accounts.models import ApiToken, AuditEvent, Invitation, Role
from accounts.selectors import audit_event_list, invitation_list_pending
from accounts.services import (
    InvitationInvalid,
    MemberError,
    administrator_ensure,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    audit_record,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_revoke,
    member_active_set,
    member_role_set,
)
from accounts.tests.factories import ApiTokenFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_token_authenticates_its_user():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="backup script")
    assert raw.startswith("st_")
    assert token.prefix == raw[:10]
    assert api_token_authenticate(raw) == user


def test_the_raw_token_is_stored_nowhere_in_the_row_only_its_sha256():
    token, raw = api_token_create(user=UserFactory(), name="backup script")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(raw not in str(value) for value in row.values())
    assert row["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()


def test_each_token_is_different():
    user = UserFactory()
    raws = {api_token_create(user=user, name="same name")[1] for _ in range(5)}
    assert len(raws) == 5


def test_the_name_is_trimmed():
    token, _ = api_token_create(user=UserFactory(), name="  backup script \n")
    assert token.name == "backup script"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_an_empty_or_too_long_name_is_refused(name):
    with pytest.raises(ValueError, match="name"):
        api_token_create(user=UserFactory(), name=name)
    assert not ApiToken.objects.exists()


def test_a_slightly_wrong_token_does_not_authenticate():
    token = ApiTokenFactory()
    last = "A" if token.raw[-1] != "A" else "B"
    assert api_token_authenticate(token.raw[:-1] + last) is None
    assert api_token_authenticate(token.raw + "x") is None
    assert api_token_authenticate(token.prefix) is None


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "st_",
        "Bearer st_abc",
        "x" * 100_000,
        "st_" + "é" * 43,
        "st_\ud800",
        "st_\x00abc",
        "💳💳💳",
        None,
        42,
        b"st_bytes",
    ],
)
def test_garbage_does_not_authenticate_and_does_not_raise(garbage):
    ApiTokenFactory()
    assert api_token_authenticate(garbage) is None


def test_a_revoked_token_does_not_authenticate():
    token = ApiTokenFactory()
    api_token_revoke(token=token)
    assert token.revoked_at is not None
    assert api_token_authenticate(token.raw) is None


def test_revoking_twice_keeps_the_first_revocation_time():
    token = ApiTokenFactory()
    api_token_revoke(token=token)
    first = token.revoked_at
    stale_copy = ApiToken.objects.get(pk=token.pk)
    stale_copy.revoked_at = None
    api_token_revoke(token=stale_copy)
    assert stale_copy.revoked_at == first
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_revoking_one_token_leaves_the_others_working():
    user = UserFactory()
    revoked, kept = ApiTokenFactory(user=user), ApiTokenFactory(user=user)
    api_token_revoke(token=revoked)
    assert api_token_authenticate(kept.raw) == user


def test_the_token_of_an_inactive_user_does_not_authenticate():
    token = ApiTokenFactory(user=UserFactory(is_active=False))
    assert api_token_authenticate(token.raw) is None


def test_last_used_is_written_at_most_once_a_minute(django_assert_num_queries):
    token = ApiTokenFactory()
    assert token.last_used_at is None
    start = timezone.now()

    def authenticate_at(moment):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            return api_token_authenticate(token.raw)

    assert authenticate_at(start) == token.user
    token.refresh_from_db()
    assert token.last_used_at == start

    # A burst within the minute reads the token but writes nothing.
    with django_assert_num_queries(1):
        authenticate_at(start + datetime.timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + datetime.timedelta(seconds=61)
    authenticate_at(later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_being_used_is_not_a_change_to_the_token():
    token = ApiTokenFactory()
    api_token_authenticate(token.raw)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.updated_at is None


# --- The administrator, the audit trail, members and invitations --------------------------------


def _invite(*, actor=None, role="editor", email=""):
    """Invite through the service; return (invitation, key of the one-time link)."""
    invitation, link = invitation_create(actor=actor, role=role, email=email, link_for=lambda k: k)
    return invitation, link


def test_the_first_administrator_gets_the_password_given():
    assert administrator_ensure(username="root", password="a-given-password-1") == (
        "a-given-password-1"
    )
    root = get_user_model().objects.get(username="root")
    assert root.is_superuser and root.check_password("a-given-password-1")


def test_without_a_password_the_administrator_gets_a_random_one_that_works():
    password = administrator_ensure()
    assert len(password) >= 12
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_a_second_administrator_is_never_made_nor_a_password_reset():
    administrator_ensure(password="first-password-1")
    assert administrator_ensure(username="other", password="second-password-2") is None
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert get_user_model().objects.get(username="admin").check_password("first-password-1")


def test_an_anonymous_actor_is_recorded_as_the_command_line_and_long_targets_are_cut():
    event = audit_record(actor=AnonymousUser(), action="test.action", target="x" * 300, n=1)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_name) == (None, "command line")
    assert (len(stored.target), stored.details) == (200, {"n": 1})


def test_the_trail_filters_by_action_prefix_and_actor_name_newest_first():
    person = MemberFactory(username="robin")
    first = audit_record(actor=person, action="backup.create")
    audit_record(actor=None, action="backup.delete")
    third = audit_record(actor=person, action="backup.delete")
    audit_record(actor=person, action="settings.update")
    assert list(audit_event_list(action="backup.", actor="robin")) == [third, first]
    assert audit_event_list(action="backup.").count() == 3
    assert audit_event_list(action="backup").count() == 0


def test_giving_a_member_the_role_they_have_writes_nothing():
    member = MemberFactory(role=Role.EDITOR)
    member_role_set(actor=None, user=member, role="editor")
    assert not AuditEvent.objects.exists()


def test_a_first_role_is_recorded_without_a_previous_one():
    account = UserFactory()
    member_role_set(actor=None, user=account, role="viewer")
    assert role_of(account) == Role.VIEWER
    assert AuditEvent.objects.get().details == {"role": "viewer", "previous": None}


def test_an_administrators_role_cannot_be_lowered_and_the_message_says_where_to_change_it():
    root = get_user_model().objects.create_superuser("root", "", "x")
    with pytest.raises(MemberError) as raised:
        member_role_set(actor=None, user=root, role="viewer")
    assert str(raised.value) == (
        "root is an administrator and so always an owner; "
        "remove the administrator flag in the admin first."
    )
    assert not AuditEvent.objects.exists()


def test_deactivating_and_reactivating_a_member_are_each_recorded_once():
    owner, member = MemberFactory(role=Role.OWNER), MemberFactory()
    member_active_set(actor=owner, user=member, active=False)
    member_active_set(actor=owner, user=member, active=False)
    assert not get_user_model().objects.get(pk=member.pk).is_active
    member_active_set(actor=owner, user=member, active=True)
    assert get_user_model().objects.get(pk=member.pk).is_active
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor", "target"))
    assert actions == [
        ("member.deactivate", owner.pk, member.username),
        ("member.activate", owner.pk, member.username),
    ]


def test_an_invitation_records_who_invited_and_its_target():
    owner = MemberFactory(role=Role.OWNER)
    invitation, _ = _invite(actor=owner, role="viewer")
    assert invitation.invited_by == owner
    event = AuditEvent.objects.get()
    assert (event.action, event.target, event.details) == (
        "invitation.create",
        "link",
        {"role": "viewer"},
    )
    assert list(invitation_list_pending()) == [invitation]


def test_an_invitation_with_an_unknown_role_is_refused_in_words():
    with pytest.raises(MemberError) as raised:
        _invite(role="boss")
    assert str(raised.value) == '"boss" is not a role: choose owner, editor or viewer.'


def test_a_mail_server_refusing_the_invitation_leaves_no_invitation_and_no_entry(monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(ConnectionRefusedError):
        _invite(email="guest@example.com")
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_accepting_takes_the_invitations_address_and_marks_it_used_by_the_new_account():
    invitation, key = _invite(email="guest@example.com")
    user = invitation_accept(key=key, username="guest", password="a-long-password-42")
    stored = Invitation.objects.get(pk=invitation.pk)
    assert user.email == "guest@example.com"
    assert (stored.used_by, stored.used_at is not None) == (user, True)
    assert list(invitation_list_pending()) == []


def test_a_taken_user_name_is_refused_ignoring_case_and_the_link_still_works():
    UserFactory(username="sam")
    _, key = _invite()
    with pytest.raises(MemberError) as raised:
        invitation_accept(key=key, username="SAM", password="a-long-password-42")
    assert str(raised.value) == 'The user name "SAM" is taken: choose another.'
    assert invitation_check(key).used_at is None


def test_withdrawing_a_used_invitation_changes_nothing_and_writes_no_entry():
    invitation, key = _invite()
    invitation_accept(key=key, username="kim", password="a-long-password-42")
    entries = AuditEvent.objects.count()
    invitation_revoke(actor=None, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert AuditEvent.objects.count() == entries
    with pytest.raises(InvitationInvalid, match="already been used"):
        invitation_check(key)
