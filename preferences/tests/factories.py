import factory

from preferences.models import Preference


class PreferenceFactory(factory.django.DjangoModelFactory):
    """A stored household setting (a key of preferences.selectors.PREFERENCE_DEFAULTS)."""

    class Meta:
        model = Preference
        django_get_or_create = ["key"]

    key = "currency_code"
    value = "EUR"
