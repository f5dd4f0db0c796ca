import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tests.factories import ApiTokenFactory

PAGES = [
    "analytics:dashboard",
    "purchases:list",
    "warranties:list",
    "catalog:list",
    "backups:data",
    "preferences:settings",
    "accounts:profile",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_a_visitor_without_a_session_to_the_login(client, name):
    url = reverse(name)
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_a_signed_in_person(client, api_user, name):
    client.force_login(api_user)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert b'name="csrf-token"' in response.content


@pytest.mark.django_db
def test_creating_a_token_without_a_name_shows_why(client, api_user):
    client.force_login(api_user)

    response = client.post(reverse("accounts:profile"), {"name": "  "})

    assert response.status_code == 400
    assert "needs a name" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_nobody_can_revoke_another_persons_token(client, api_user):
    token = ApiTokenFactory()
    client.force_login(api_user)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_the_profile_says_when_the_scheduler_that_sends_reminders_never_ran(client, api_user):
    client.force_login(api_user)
    page = client.get(reverse("accounts:profile")).text
    assert "The scheduler has never run" in page
    assert 'data-process="scheduler" data-late="true"' in page
