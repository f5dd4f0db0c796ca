"""The admin edits reminder preferences under the same checks as the API."""

import pytest

from reminders.models import ReminderPreferences

pytestmark = pytest.mark.django_db


def _change(staff_client, preferences, **values):
    data = {
        "user": preferences.user_id,
        "thresholds": "[30, 7]",
        "kinds": '["warranty"]',
        "email_enabled": "on",
        "email": "",
        "webhook_url": "",
        **values,
    }
    return staff_client.post(f"/admin/reminders/reminderpreferences/{preferences.pk}/change/", data)


def test_bad_thresholds_are_refused_next_to_the_field(staff_client, api_user):
    preferences = ReminderPreferences.objects.create(user=api_user)

    response = _change(staff_client, preferences, thresholds='["7"]', webhook_url="ftp://x")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["thresholds"] == ["Each threshold is a whole number of days."]
    assert errors["webhook_url"] == ["The webhook URL must be an http:// or https:// address."]
    preferences.refresh_from_db()
    assert preferences.thresholds == ReminderPreferences().thresholds


def test_good_values_are_stored_normalised(staff_client, api_user):
    preferences = ReminderPreferences.objects.create(user=api_user)

    response = _change(staff_client, preferences, thresholds="[1, 30, 7]")

    assert response.status_code == 302
    preferences.refresh_from_db()
    assert preferences.thresholds == [30, 7, 1]
    assert preferences.kinds == ["warranty"]
