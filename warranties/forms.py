from django import forms

from warranties.models import WARRANTY_STATES


class WarrantyFilterForm(forms.Form):
    """The warranties page's query string; a value that does not parse is ignored."""

    state = forms.ChoiceField(choices=[("", "All"), *WARRANTY_STATES], required=False)
    # The API's bounds for "expiring within N days" (warranties.schemas.ExpiringQuery).
    days = forms.IntegerField(min_value=1, max_value=365, required=False)

    def value(self, name):
        self.is_valid()
        return self.cleaned_data.get(name) or None
