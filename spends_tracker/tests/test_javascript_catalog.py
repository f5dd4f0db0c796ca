"""The scripts' translations: one address per language and catalogue version, kept by browsers
for a year (spends_tracker/javascript_catalog.py, docs/i18n.md §2)."""

import re

import pytest
from django.test import Client

from accounts.services import profile_language_set
from spends_tracker.javascript_catalog import catalogue_version

pytestmark = pytest.mark.django_db


def catalogue_address(page: str) -> str:
    return re.search(r'<script defer src="(/jsi18n/[^"]+)"', page).group(1)


def test_the_page_asks_for_the_catalogue_of_its_own_language_and_version(api_user):
    client = Client()
    client.force_login(api_user)
    english = catalogue_address(client.get("/warranties/").content.decode())
    profile_language_set(user=api_user, language="de")
    client.force_login(api_user)  # signing in copies the profile's language into the session
    german = catalogue_address(client.get("/warranties/").content.decode())

    assert english == f"/jsi18n/en/{catalogue_version()}.js"
    assert german == f"/jsi18n/de/{catalogue_version()}.js"


def test_the_catalogue_speaks_the_language_of_its_address_whoever_asks():
    """The answer depends on the address alone, so a cache may share it: a browser that asks
    in French for the German catalogue gets German."""
    answer = Client(headers={"accept-language": "fr"}).get(f"/jsi18n/de/{catalogue_version()}.js")

    assert answer.status_code == 200
    assert answer["Content-Language"] == "de"
    body = answer.content.decode()
    assert '"Enter a name."' in body
    assert '"Geben Sie einen Namen ein."' in body
    assert "max-age=31536000" in answer["Cache-Control"]
    assert "immutable" in answer["Cache-Control"]
    assert "public" in answer["Cache-Control"]


def test_an_old_version_s_address_answers_without_the_year():
    """A page opened before a release still gets its words, but not for a year."""
    answer = Client().get("/jsi18n/de/000000000000.js")

    assert answer.status_code == 200
    assert "max-age=31536000" not in answer.get("Cache-Control", "")


def test_a_language_the_interface_does_not_speak_is_not_found():
    assert Client().get(f"/jsi18n/xx/{catalogue_version()}.js").status_code == 404
