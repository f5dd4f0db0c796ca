"""The settings page, rendered with the stored preferences."""

from decimal import Decimal

import pytest
from django.utils.html import escape

from preferences.services import preferences_update
from purchases.tests.factories import PurchaseFactory

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


def test_a_currency_outside_the_common_ones_is_chosen_in_the_list(owner_client):
    preferences_update(currency_code="SEK")

    response = owner_client.get("/settings/")

    html = response.content.decode()
    assert '<option value="SEK" selected>SEK — Swedish Krona</option>' in html
    assert "SEK\u00a01,249.50" in html


def test_a_stored_code_that_is_not_a_currency_stays_chosen_as_it_is(owner_client):
    preferences_update(currency_code="XYZ")

    html = owner_client.get("/settings/").content.decode()

    assert '<option value="XYZ" selected>XYZ (as stored; not an ISO 4217 code)</option>' in html
    assert html.count(" selected") == 2  # this currency and the number style, nothing else


def test_the_page_makes_a_fixed_number_of_queries(owner_client, django_assert_num_queries):
    # Session, user, their role, the household's formats for the page frame, the preferences
    # for the form.
    with django_assert_num_queries(5):
        assert owner_client.get("/settings/").status_code == 200


def test_every_number_style_is_offered_with_an_example_in_the_households_currency(owner_client):
    preferences_update(currency_code="EUR", number_style="de_DE")

    html = owner_client.get("/settings/").content.decode()

    for name, example in [
        ("English (United States)", "€1,249.50"),
        ("German (Germany)", "1.249,50\u00a0€"),
        ("French (France)", "1\u202f249,50\u00a0€"),
        ("German (Switzerland)", "EUR\u00a01'249.50"),
        ("Dutch (Netherlands)", "€\u00a01.249,50"),
        ("Japanese (Japan)", "€1,249.50"),
        ("English (India)", "€1,249.50"),
    ]:
        assert f"{name}: {escape(example)}</option>" in html
    assert '<option value="de_DE" selected' in html
    # The preview of the household's formats, in its style.
    assert '<strong x-text="moneyPreview">1.249,50\u00a0€</strong>' in html


def test_the_pages_write_money_in_the_households_number_style(owner_client):
    preferences_update(currency_code="EUR", number_style="fr_FR")
    PurchaseFactory(product_name="Kettle", price=Decimal("1249.50"), currency_code="EUR")
    PurchaseFactory(product_name="Rice cooker", price=Decimal("15000"), currency_code="JPY")

    html = owner_client.get("/inventory/").content.decode()

    assert "1\u202f249,50\u00a0€" in html
    assert "15\u202f000\u00a0JPY" in html
    assert '"number_style": "fr_FR"' in html  # for static/js/format.js
