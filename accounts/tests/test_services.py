import datetime
import hashlib
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from accounts.tests.factories import ApiTokenFactory, UserFactory

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
