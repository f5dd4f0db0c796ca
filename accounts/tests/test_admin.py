import hashlib
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import WARNING
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_authenticate
from accounts.tests.factories import ApiTokenFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_apitoken_changelist")
ADD = reverse("admin:accounts_apitoken_add")
RAW_TOKEN = re.compile(r"st_[A-Za-z0-9_-]{43}")


def change_url(token):
    return reverse("admin:accounts_apitoken_change", args=[token.pk])


def test_the_add_form_asks_only_for_user_and_name(staff_client):
    response = staff_client.get(ADD)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == ["user", "name"]


def test_adding_a_token_shows_it_once_and_stores_only_its_hash(staff_client):
    owner = UserFactory(username="alice")

    response = staff_client.post(ADD, {"user": owner.pk, "name": " backup script "}, follow=True)

    assert response.status_code == 200
    warnings = [m for m in response.context["messages"] if m.level == WARNING]
    assert len(warnings) == 1 and "will not be shown again" in warnings[0].message
    raw = RAW_TOKEN.search(warnings[0].message).group()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (owner, "backup script", raw[:10])
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert api_token_authenticate(raw) == owner
    # Not shown again, and not kept in the admin's history either.
    assert raw not in staff_client.get(CHANGELIST).text
    assert raw not in staff_client.get(change_url(token)).text
    assert all(raw not in str(entry.__dict__) for entry in LogEntry.objects.all())


def test_a_blank_name_is_refused_by_the_add_form(staff_client):
    response = staff_client.post(ADD, {"user": UserFactory().pk, "name": "   "})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    assert not ApiToken.objects.exists()


def test_only_the_name_can_be_changed(staff_client):
    token = ApiTokenFactory(name="old name")
    other = UserFactory()

    response = staff_client.post(
        change_url(token),
        {"name": "new name", "user": other.pk, "prefix": "st_forged", "key_hash": "0" * 64},
    )

    assert response.status_code == 302
    saved = ApiToken.objects.get()
    assert saved.name == "new name"
    assert (saved.user, saved.prefix, saved.key_hash) == (token.user, token.prefix, token.key_hash)
    assert api_token_authenticate(token.raw) == token.user


def test_the_change_page_never_shows_the_hash(staff_client):
    token = ApiTokenFactory()
    response = staff_client.get(change_url(token))
    assert response.status_code == 200
    assert token.prefix in response.text
    assert token.key_hash not in response.text


def test_the_list_shows_tokens_and_finds_them_by_prefix_and_owner(staff_client):
    mine = ApiTokenFactory(name="backup script", user=UserFactory(username="alice"))
    ApiTokenFactory(name="phone", user=UserFactory(username="bob"))

    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "backup script" in response.text and "phone" in response.text
    assert mine.key_hash not in response.text

    for query in [mine.prefix, "alice"]:
        found = staff_client.get(CHANGELIST, {"q": query}).context["cl"].result_list
        assert list(found) == [mine]


def test_the_revoke_action_revokes_the_selected_tokens_only(staff_client):
    selected, already, untouched = ApiTokenFactory(), ApiTokenFactory(), ApiTokenFactory()
    staff_client.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [already.pk]})
    first_revocation = ApiToken.objects.get(pk=already.pk).revoked_at

    response = staff_client.post(
        CHANGELIST,
        {"action": "revoke_selected", "_selected_action": [selected.pk, already.pk]},
        follow=True,
    )

    assert "Revoked 1 token." in response.text
    assert api_token_authenticate(selected.raw) is None
    assert api_token_authenticate(untouched.raw) == untouched.user
    assert ApiToken.objects.get(pk=already.pk).revoked_at == first_revocation
