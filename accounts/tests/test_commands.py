from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.services import api_token_authenticate
from accounts.tests.factories import ApiTokenFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command("accounts_token", *args, stdout=out, **options)
    return out.getvalue()


def test_create_prints_the_token_once_with_a_hint_how_to_use_it():
    alice = UserFactory(username="alice")

    output = run("create", "--user", "alice", "--name", "backup script")

    token = ApiToken.objects.get()
    raw = next(line for line in output.splitlines() if line.startswith(token.prefix))
    assert output.count(raw) == 1
    assert "Authorization: Bearer <token>" in output
    assert api_token_authenticate(raw) == alice
    assert (token.user, token.name) == (alice, "backup script")


def test_create_with_verbosity_zero_prints_only_the_token():
    alice = UserFactory(username="alice")
    output = run("--verbosity", "0", "create", "--user", "alice", "--name", "cron")
    assert api_token_authenticate(output.strip()) == alice


def test_create_for_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("create", "--user", "nobody", "--name", "backup script")
    assert not ApiToken.objects.exists()


def test_create_with_an_empty_name_is_refused():
    UserFactory(username="alice")
    with pytest.raises(CommandError, match="needs a name"):
        run("create", "--user", "alice", "--name", "  ")
    assert not ApiToken.objects.exists()


def test_list_shows_every_token_and_never_its_hash():
    first = ApiTokenFactory(name="backup script", user=UserFactory(username="alice"))
    second = ApiTokenFactory(name="phone", user=UserFactory(username="bob"))
    ApiToken.objects.filter(pk=second.pk).update(revoked_at=second.created_at)

    lines = run("list").splitlines()

    assert lines[0].split() == [
        "id",
        "user",
        "name",
        "prefix",
        "created",
        "last",
        "used",
        "revoked",
    ]
    assert len(lines) == 3
    assert any(str(first.pk) in line and "alice" in line and first.prefix in line for line in lines)
    phone = next(line for line in lines if str(second.pk) in line)
    assert phone.rstrip().endswith(second.created_at.strftime("%Y-%m-%d %H:%M"))
    assert first.key_hash not in "\n".join(lines)


def test_list_for_one_user():
    ApiTokenFactory(name="backup script", user=UserFactory(username="alice"))
    ApiTokenFactory(name="phone", user=UserFactory(username="bob"))
    output = run("list", "--user", "bob")
    assert "phone" in output and "backup script" not in output
    assert "No API tokens." in run("list", "--user", UserFactory(username="carol").username)


def test_list_for_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("list", "--user", "nobody")


@pytest.mark.parametrize("reference", ["id", "prefix"])
def test_revoke_by_id_or_prefix(reference):
    token, other = ApiTokenFactory(), ApiTokenFactory()

    output = run("revoke", str(getattr(token, reference)), "--no-input")

    assert "Revoked the token" in output
    assert api_token_authenticate(token.raw) is None
    assert api_token_authenticate(other.raw) == other.user


def test_revoke_asks_first_and_stops_on_no(monkeypatch):
    token = ApiTokenFactory()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Nothing revoked"):
        run("revoke", token.prefix)
    assert api_token_authenticate(token.raw) == token.user


def test_revoking_a_revoked_token_says_so():
    token = ApiTokenFactory()
    run("revoke", token.prefix, "--no-input")
    assert "already revoked" in run("revoke", token.prefix, "--no-input")


@pytest.mark.parametrize("reference", ["st_unknown", "8d7c1e0e-5f38-4c57-9a0b-2f4f3a3f0a11"])
def test_revoke_an_unknown_token_is_refused(reference):
    ApiTokenFactory()
    with pytest.raises(CommandError, match="No API token has the id or prefix"):
        run("revoke", reference, "--no-input")


def test_revoke_by_a_prefix_that_several_tokens_share_is_refused():
    first = ApiTokenFactory(prefix="st_same123")
    second = ApiTokenFactory(prefix="st_same123")
    with pytest.raises(CommandError, match="Several API tokens"):
        run("revoke", "st_same123", "--no-input")
    assert api_token_authenticate(first.raw) and api_token_authenticate(second.raw)


def test_accounts_role_gives_a_role_and_refuses_an_unknown_account():
    from django.core.management import CommandError, call_command

    from accounts.access import role_of
    from accounts.models import AuditEvent, Role
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="sam")
    call_command("accounts_role", "--user", "sam", "--role", "viewer")
    assert role_of(user) == Role.VIEWER
    assert AuditEvent.objects.get(action="member.role").actor_name == "command line"
    with pytest.raises(CommandError, match='There is no account "nobody"'):
        call_command("accounts_role", "--user", "nobody", "--role", "viewer")
