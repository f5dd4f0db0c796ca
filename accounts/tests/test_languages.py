"""Each person's language (docs/i18n.md §2): the profile's choice, else the browser's."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from accounts.services import profile_language_set
from kernel import clock
from preferences.services import preferences_update
from purchases.tests.factories import PurchaseFactory
from reminders.digests import digest_message
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def signed_in(user, **headers) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


def test_without_a_choice_the_page_speaks_the_browser_s_language(api_user):
    html = signed_in(api_user, accept_language="fr-FR,fr;q=0.9").get("/").content.decode()

    assert '<html lang="fr"' in html
    assert "Tableau de bord" in html


def test_without_a_choice_or_a_known_browser_language_the_page_is_english(api_user):
    html = signed_in(api_user, accept_language="ja").get("/").content.decode()

    assert '<html lang="en"' in html
    assert ">Dashboard</h1>" in html


def test_the_profile_s_language_wins_over_the_browser_s(api_user):
    profile_language_set(user=api_user, language="de")

    html = signed_in(api_user, accept_language="fr").get("/").content.decode()

    assert '<html lang="de"' in html
    assert "Übersicht" in html and "Tableau de bord" not in html


def test_choosing_a_language_on_the_profile_keeps_it_and_speaks_it_at_once(api_user):
    client = signed_in(api_user, accept_language="en")

    response = client.post("/accounts/profile/language/", {"language": "nl"}, follow=True)

    assert Profile.objects.get(user=api_user).language == "nl"
    assert '<html lang="nl"' in response.content.decode()
    assert "Profiel" in response.content.decode()
    # Back to the browser's.
    client.post("/accounts/profile/language/", {"language": ""})
    assert Profile.objects.get(user=api_user).language == ""
    assert '<html lang="en"' in client.get("/accounts/profile/").content.decode()


def test_a_language_the_interface_does_not_speak_is_refused(api_user):
    with pytest.raises(ValueError):
        profile_language_set(user=api_user, language="xx")

    response = signed_in(api_user).post("/accounts/profile/language/", {"language": "xx"})

    assert response.status_code == 302
    assert not Profile.objects.filter(user=api_user, language="xx").exists()


def test_the_language_does_not_cost_a_query_on_each_page(api_user):
    profile_language_set(user=api_user, language="es")
    client = signed_in(api_user)  # the sign-in copies it into the session
    client.get("/warranties/")

    with CaptureQueriesContext(connection) as captured:
        html = client.get("/warranties/").content.decode()

    assert "Garantías" in html
    assert not any("accounts_profile" in query["sql"] for query in captured.captured_queries)


def test_a_german_warranties_page_is_german_from_the_frame_to_the_badges(api_user):
    purchase = PurchaseFactory(product_name="Kaffeemaschine", purchase_date=clock.today())
    WarrantyFactory(purchase=purchase, warranty_type="MANUFACTURER")
    profile_language_set(user=api_user, language="de")

    html = signed_in(api_user).get("/warranties/").content.decode()

    for words in (
        "Garantien",
        "Herstellergarantie",
        "Aktiv bis",
        "Reklamation eröffnen",
        "Inventar",
    ):
        assert words in html
    for words in (">Warranties<", "Manufacturer's warranty", "Active until", "Open a claim<"):
        assert words not in html


def test_the_household_s_formats_follow_each_person_s_language_until_it_sets_its_own(api_user):
    PurchaseFactory(product_name="Lampe", purchase_date="2025-03-14", price="1249.50")
    profile_language_set(user=api_user, language="de")
    client = signed_in(api_user)

    html = client.get("/").content.decode()
    assert "14.03.2025" in html
    assert "1.249,50" in html

    preferences_update(number_style="en_US", date_format="YYYY-MM-DD")
    html = client.get("/").content.decode()
    assert "2025-03-14" in html
    assert "1,249.50" in html


def test_a_reminder_is_written_in_its_recipient_s_language():
    entry = {
        "kind": "warranty",
        "source_id": "1",
        "purchase_id": "2",
        "product_name": "Kaffeemaschine",
        "due_date": "2026-03-14",
        "detail": "MANUFACTURER",
        "thresholds": [7],
    }
    today = datetime.date(2026, 3, 7)

    subject, text, payload = digest_message([entry], today=today, language="de")

    assert subject == "Spends Tracker: Kaffeemaschine, Garantie endet in 7 Tagen"
    assert (
        "- Kaffeemaschine (Herstellergarantie): Garantie endet in 7 Tagen, Sa 14 Mär 2026" in text
    )
    assert payload["deadlines"][0]["detail"] == "MANUFACTURER"  # the data stays as it is
    assert digest_message([entry], today=today)[0].endswith("warranty ends in 7 days")
