from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.money import ISO_4217_CODES
from warranties.models import WARRANTY_STATES, ClaimStatus

# How the page orders warranties: the current ones first (the default), or by end date.
WARRANTY_SORTS = [
    ("", _("Current first")),
    ("warranty_end", _("Ending soonest first")),
    ("-warranty_end", _("Ending latest first")),
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


class ClaimForm(forms.Form):
    """A claim opened or changed on the pages (docs/claims.md §4); the services check the rest.

    DOCUMENTS offers the attachments of the warranty's purchase (given as `attachments`).
    """

    opened_on = forms.DateField(
        label=_("Opened on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.CharField(label=_("Claim or RMA number"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ClaimStatus.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    closed_on = forms.DateField(
        label=_("Closed on"),
        required=False,
        help_text=_("For a resolved or rejected claim; empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        help_text=_("When to ask the manufacturer again."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cost = forms.DecimalField(
        label=_("Cost"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    currency_code = forms.CharField(label=_("Currency"), max_length=3, required=False)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [
            (str(attachment.pk), attachment.filename) for attachment in attachments
        ]

    def clean_currency_code(self):
        code = (self.cleaned_data.get("currency_code") or "").strip().upper()
        if code and code not in ISO_4217_CODES:
            raise forms.ValidationError(
                gettext(
                    "%(code)s is not a currency code: use three letters such as USD, EUR or JPY."
                )
                % {"code": code}
            )
        return code

    def service_data(self) -> dict:
        """The cleaned values as the claim services take them (blank text is null)."""
        data = {key: value for key, value in self.cleaned_data.items() if key != "documents"}
        for key in ("number", "resolution", "notes"):
            data[key] = (data.get(key) or "").strip() or None
        for key in ("opened_on", "status", "currency_code", "closed_on"):
            if not data.get(key):
                data.pop(key, None)
        data["document_ids"] = self.cleaned_data.get("documents") or []
        return data


class ClaimStatusForm(forms.Form):
    """A status change from a claim's quick actions."""

    status = forms.ChoiceField(choices=ClaimStatus.choices)
