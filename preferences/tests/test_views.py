"""The settings page, rendered with the stored preferences."""

import pytest

from preferences.services import preferences_update

pytestmark = pytest.mark.django_db


def test_the_settings_page_asks_for_a_sign_in(django_user_model):
    from django.test import Client

    response = Client().get("/settings/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/"


def test_the_stored_settings_are_chosen_and_every_date_format_has_an_example(owner_client):
    preferences_update(currency_code="GBP", date_format="YYYY-MM-DD")

    html = owner_client.get("/settings/").content.decode()

    assert '<option value="GBP" selected>' in html
    assert 'value="YYYY-MM-DD" x-model="dateFormat" checked' in html
    for example in ("Mar 14, 2025", "03/14/2025", "14/03/2025", "2025-03-14", "14.03.2025"):
        assert example in html
    assert "£1,249.50" in html


def test_a_currency_the_form_does_not_offer_is_shown_as_typed(owner_client):
    preferences_update(currency_code="SEK")

    response = owner_client.get("/settings/")

    html = response.content.decode()
    assert '<option value="other" selected>' in html
    assert "SEK 1,249.50" in html


def test_the_page_makes_a_fixed_number_of_queries(owner_client, django_assert_num_queries):
    # Session, user, their role, the household's formats for the page frame, the preferences
    # for the form.
    with django_assert_num_queries(5):
        assert owner_client.get("/settings/").status_code == 200
