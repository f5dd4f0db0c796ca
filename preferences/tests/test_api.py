"""The settings endpoints (docs/api.md §2.5, §5.7)."""

import pytest

from kernel.testing import assert_validation_error
from preferences.models import Preference

pytestmark = pytest.mark.django_db

SETTINGS = "/api/settings"
DEFAULTS = {"currency_code": "USD", "date_format": "MM/DD/YYYY", "number_style": "en_US"}


def put(client, body):
    return client.put(SETTINGS, body, content_type="application/json")


def stored(client) -> dict:
    response = client.get(SETTINGS)
    assert response.status_code == 200
    return response.json()


# --- read ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SETTINGS, f"{SETTINGS}/"])
def test_settings_start_with_the_defaults(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_settings_require_credentials(client):
    response = client.get(SETTINGS)

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


# --- update -------------------------------------------------------------------------------------


def test_updating_both_settings_stores_them_and_returns_the_full_object(api_client):
    response = put(api_client, {"currency_code": "EUR", "date_format": "DD.MM.YYYY"})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"currency_code": "EUR", "date_format": "DD.MM.YYYY"}
    assert stored(api_client) == DEFAULTS | {"currency_code": "EUR", "date_format": "DD.MM.YYYY"}


def test_updating_with_a_trailing_slash_works(api_client):
    response = api_client.put(
        f"{SETTINGS}/", {"currency_code": "GBP"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert stored(api_client)["currency_code"] == "GBP"


def test_updating_one_setting_returns_both(api_client):
    put(api_client, {"date_format": "YYYY-MM-DD"})

    response = put(api_client, {"currency_code": "JPY"})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"currency_code": "JPY", "date_format": "YYYY-MM-DD"}


def test_null_leaves_a_setting_unchanged(api_client):
    put(api_client, {"currency_code": "CHF", "date_format": "DD/MM/YYYY"})

    response = put(api_client, {"currency_code": None, "date_format": "short"})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"currency_code": "CHF", "date_format": "short"}
    assert stored(api_client) == DEFAULTS | {"currency_code": "CHF", "date_format": "short"}


def test_an_empty_body_changes_nothing(api_client):
    put(api_client, {"currency_code": "CAD", "date_format": "DD/MM/YYYY"})

    response = put(api_client, {})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"currency_code": "CAD", "date_format": "DD/MM/YYYY"}


@pytest.mark.parametrize("key", ["currency_code", "date_format"])
def test_an_empty_string_resets_that_setting_to_its_default(api_client, key):
    put(api_client, {"currency_code": "EUR", "date_format": "DD.MM.YYYY"})
    other = next(name for name in ("currency_code", "date_format") if name != key)
    kept = {"currency_code": "EUR", "date_format": "DD.MM.YYYY"}[other]

    response = put(api_client, {key: ""})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {key: DEFAULTS[key], other: kept}
    assert stored(api_client) == DEFAULTS | {key: DEFAULTS[key], other: kept}


def test_the_settings_page_sending_both_placeholders_gets_the_defaults(api_client):
    put(api_client, {"currency_code": "AUD", "date_format": "YYYY-MM-DD"})

    response = put(api_client, {"currency_code": "", "date_format": ""})

    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_unknown_keys_are_ignored(api_client):
    response = put(api_client, {"theme": "dark", "language": "de", "currency_code": "INR"})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"currency_code": "INR", "date_format": "MM/DD/YYYY"}
    assert not Preference.objects.filter(key__in=["theme", "language"]).exists()
    assert api_client.get(f"{SETTINGS}/theme").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"currency_code": "XYZ"},
        {"currency_code": "euro"},
        {"date_format": "DD-MM"},
        {"currency_code": "$$", "date_format": "whatever I like"},
    ],
)
def test_values_the_ui_does_not_offer_are_stored_verbatim(api_client, body):
    expected = DEFAULTS | body

    response = put(api_client, body)

    assert response.status_code == 200
    assert response.json() == expected
    assert stored(api_client) == expected


@pytest.mark.parametrize("key", ["currency_code", "date_format"])
def test_a_value_of_500_characters_is_stored(api_client, key):
    response = put(api_client, {key: "x" * 500})

    assert response.status_code == 200
    assert stored(api_client)[key] == "x" * 500


@pytest.mark.parametrize("key", ["currency_code", "date_format"])
def test_a_value_longer_than_500_characters_is_rejected_and_changes_nothing(api_client, key):
    put(api_client, {"currency_code": "EUR", "date_format": "DD.MM.YYYY"})

    assert_validation_error(put(api_client, {key: "x" * 501}))
    assert stored(api_client) == DEFAULTS | {"currency_code": "EUR", "date_format": "DD.MM.YYYY"}


@pytest.mark.parametrize("body", ['["currency_code", "EUR"]', '"EUR"', "3", "null"])
def test_a_body_that_is_not_an_object_is_rejected(api_client, body):
    assert_validation_error(put(api_client, body))
    assert stored(api_client) == DEFAULTS


# --- one setting --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["currency_code", "date_format"])
def test_one_setting_is_returned_with_its_default(api_client, key):
    response = api_client.get(f"{SETTINGS}/{key}")

    assert response.status_code == 200
    assert response.json() == {"key": key, "value": DEFAULTS[key]}


def test_one_setting_is_returned_with_its_stored_value(api_client):
    put(api_client, {"currency_code": "EUR", "date_format": "DD/MM/YYYY"})

    assert api_client.get(f"{SETTINGS}/currency_code").json() == {
        "key": "currency_code",
        "value": "EUR",
    }
    assert api_client.get(f"{SETTINGS}/date_format/").json() == {
        "key": "date_format",
        "value": "DD/MM/YYYY",
    }


@pytest.mark.parametrize("key", ["theme", "CURRENCY_CODE", "backup_enabled"])
def test_an_unknown_setting_answers_404(api_client, key):
    response = api_client.get(f"{SETTINGS}/{key}")

    assert response.status_code == 404
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert "Unknown setting" in detail


# --- reset --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"{SETTINGS}/reset", f"{SETTINGS}/reset/"])
def test_resetting_returns_the_defaults_and_forgets_stored_values(api_client, path):
    put(api_client, {"currency_code": "EUR", "date_format": "DD.MM.YYYY"})

    response = api_client.post(path)

    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert stored(api_client) == DEFAULTS
    assert not Preference.objects.exists()


def test_resetting_without_stored_values_returns_the_defaults(api_client):
    response = api_client.post(f"{SETTINGS}/reset")

    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_getting_reset_is_not_a_setting_lookup(api_client):
    """`/api/settings/reset` must not be shadowed by `/api/settings/{key}` (docs/api.md §3)."""
    put(api_client, {"currency_code": "EUR"})

    response = api_client.get(f"{SETTINGS}/reset")

    assert response.status_code in {404, 405}
    assert isinstance(response.json()["detail"], str)
    assert stored(api_client)["currency_code"] == "EUR"


# --- number style (issue 20, item 3) --------------------------------------------------------------


def test_a_number_style_is_stored_and_returned(api_client):
    response = put(api_client, {"number_style": "de_CH"})

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"number_style": "de_CH"}
    assert stored(api_client)["number_style"] == "de_CH"


def test_a_number_style_written_as_a_language_tag_is_stored_in_cldr_spelling(api_client):
    response = put(api_client, {"number_style": "fr-fr"})

    assert response.json()["number_style"] == "fr_FR"


@pytest.mark.parametrize("value", ["xx_YY", "German", "de_DE; drop table", "en"])
def test_a_number_style_not_offered_is_refused_in_words_and_nothing_is_stored(api_client, value):
    response = put(api_client, {"currency_code": "EUR", "number_style": value})

    assert_validation_error(response)
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "number_style"]
    assert error["msg"] == (
        f"“{value}” is not one of the number styles: use a name such as en_US, en_GB, de_DE or "
        "fr_FR (the Settings page lists each with an example)."
    )
    assert stored(api_client) == DEFAULTS


def test_an_empty_number_style_resets_it(api_client):
    put(api_client, {"number_style": "ja_JP"})

    assert put(api_client, {"number_style": ""}).json() == DEFAULTS
