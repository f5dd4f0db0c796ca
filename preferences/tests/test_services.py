"""The household settings' services and selectors called directly: what is stored, what is
audited, and what a failed write leaves (the API's tests cover HTTP)."""

import pytest

from accounts.models import AuditEvent
from accounts.tests.factories import MemberFactory
from kernel.versioning import data_version
from preferences import services
from preferences.models import Preference
from preferences.selectors import preferences_get, preferred_currency_code
from preferences.services import SETTINGS_TARGET, preferences_reset, preferences_update
from preferences.tests.factories import PreferenceFactory

pytestmark = pytest.mark.django_db

DEFAULTS = {"currency_code": "USD", "date_format": "MM/DD/YYYY", "number_style": "en_US"}


def stored() -> dict[str, str]:
    return dict(Preference.objects.values_list("key", "value"))


def test_without_stored_values_every_setting_takes_its_default():
    assert preferences_get() == DEFAULTS


def test_an_update_stores_the_values_and_returns_every_setting():
    result = preferences_update(currency_code="EUR")
    assert result == {**DEFAULTS, "currency_code": "EUR"}
    assert stored() == {"currency_code": "EUR"}


def test_none_leaves_a_setting_unchanged_and_an_empty_string_resets_it():
    PreferenceFactory(key="currency_code", value="GBP")
    PreferenceFactory(key="date_format", value="YYYY-MM-DD")
    preferences_update(currency_code=None, date_format="")
    assert stored() == {"currency_code": "GBP"}


def test_unknown_keys_are_neither_stored_nor_audited():
    preferences_update(theme="dark")
    assert stored() == {}
    assert not AuditEvent.objects.exists()


def test_a_change_is_audited_with_the_old_and_new_value_of_each_changed_key():
    person = MemberFactory(username="alex")
    PreferenceFactory(key="date_format", value="DD/MM/YYYY")
    preferences_update(actor=person, currency_code="EUR", date_format="DD/MM/YYYY")
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_name, event.action, event.target) == (
        person,
        "alex",
        "settings.update",
        SETTINGS_TARGET,
    )
    assert event.details == {"changes": {"currency_code": {"from": "USD", "to": "EUR"}}}


def test_saving_the_same_values_again_writes_no_audit_entry():
    preferences_update(currency_code="EUR")
    preferences_update(currency_code="EUR", date_format=None)
    assert AuditEvent.objects.count() == 1


def test_an_update_changes_the_data_version():
    before = data_version()
    preferences_update(currency_code="EUR")
    assert data_version() != before


def test_a_failing_audit_leaves_the_settings_as_they_were(monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        preferences_update(currency_code="EUR")
    assert stored() == {}


def test_resetting_forgets_every_stored_value_and_audits_their_keys_as_the_command_line():
    PreferenceFactory(key="date_format", value="YYYY-MM-DD")
    PreferenceFactory(key="currency_code", value="EUR")
    before = data_version()
    assert preferences_reset() == DEFAULTS
    assert stored() == {}
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_name, event.action) == (None, "command line", "settings.reset")
    assert event.details == {"keys": ["currency_code", "date_format"]}
    assert data_version() != before


@pytest.mark.parametrize(
    "value, expected", [(" eur ", "EUR"), ("EURO", "USD"), ("€", "USD"), ("", "USD")]
)
def test_the_preferred_currency_is_the_setting_only_when_it_is_a_three_letter_code(value, expected):
    assert preferred_currency_code({"currency_code": value}) == expected
