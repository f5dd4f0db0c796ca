from django import forms

from warranties.models import EXPIRING_SOON_DAYS, WarrantyStatus

STATE_EXPIRING = "EXPIRING"
STATES = [
    (WarrantyStatus.ACTIVE, "Active"),
    (STATE_EXPIRING, f"Expiring within {EXPIRING_SOON_DAYS} days"),
    (WarrantyStatus.EXPIRED, "Expired"),
    (WarrantyStatus.VOIDED, "Voided"),
]


class WarrantyFilterForm(forms.Form):
    """The warranties page's query string; a value that does not parse is ignored."""

    state = forms.ChoiceField(choices=[("", "All"), *STATES], required=False)
    # The API's bounds for "expiring within N days" (warranties.schemas.ExpiringQuery).
    days = forms.IntegerField(min_value=1, max_value=365, required=False)

    def value(self, name):
        self.is_valid()
        return self.cleaned_data.get(name) or None
