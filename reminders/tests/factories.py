import factory

from accounts.tests.factories import MemberFactory
from reminders.models import ReminderPreferences


class ReminderPreferencesFactory(factory.django.DjangoModelFactory):
    """A person who gets reminders by email at the default thresholds (30, 7 and 1 days)."""

    class Meta:
        model = ReminderPreferences
        django_get_or_create = ["user"]

    user = factory.SubFactory(
        MemberFactory, email=factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    )
