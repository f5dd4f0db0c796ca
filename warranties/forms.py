from django import forms

from warranties.models import WARRANTY_STATES

# How the page orders warranties: the current ones first (the default), or by end date.
WARRANTY_SORTS = [
    ("", "Current first"),
    ("warranty_end", "Ending soonest first"),
    ("-warranty_end", "Ending latest first"),
]


class WarrantyFilterForm(forms.Form):
    """The warranties page's query string; a value that does not parse is ignored, and named
    above the list (kernel/filters.py)."""

    search = forms.CharField(max_length=200, required=False)
    state = forms.ChoiceField(choices=[("", "All"), *WARRANTY_STATES], required=False)
    # The API's bounds for "expiring within N days" (warranties.schemas.ExpiringQuery).
    days = forms.IntegerField(min_value=1, max_value=365, required=False)
    sort = forms.ChoiceField(choices=WARRANTY_SORTS, required=False)

    def value(self, name):
        self.is_valid()
        return self.cleaned_data.get(name) or None
