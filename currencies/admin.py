from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from currencies.models import ExchangeRate
from currencies.services import (
    manual_rate_clean,
    manual_rate_create,
    manual_rate_delete,
    manual_rate_update,
)
from preferences.formats import currency_form_choices
from preferences.selectors import preferred_currency_code


class ManualRateForm(forms.ModelForm):
    """The service's checks, shown beside the fields (the service checks again when it saves)."""

    class Meta:
        model = ExchangeRate
        fields = ["currency_code", "day", "per_euro"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A select of ISO 4217 codes, the withdrawn ones too (the ECB's history has some).
        self.fields["currency_code"].widget = forms.Select(
            choices=[
                ("", "---------"),
                *currency_form_choices(
                    preferred_currency_code(), self.instance.currency_code, withdrawn=True
                ),
            ]
        )

    def clean(self):
        data = super().clean()
        try:
            manual_rate_clean(
                currency_code=data.get("currency_code"),
                day=data.get("day"),
                per_euro=data.get("per_euro"),
                changing=self.instance
                if self.instance.pk and not self.instance._state.adding
                else None,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field not in self.errors:
                        self.add_error(field, message)
        return data

    def validate_unique(self):
        # The service says it in words (one manual rate per currency and day).
        pass


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Every rate; manual ones are added, changed and deleted here, the ECB's are read-only."""

    form = ManualRateForm
    list_display = ["day", "currency_code", "per_euro", "source"]
    list_filter = ["source", "currency_code"]
    search_fields = ["currency_code"]
    date_hierarchy = "day"
    readonly_fields = ["source", "created_at", "updated_at"]
    show_full_result_count = False  # 200,000 rows: no second COUNT on every page

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.source == ExchangeRate.Source.MANUAL)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.source == ExchangeRate.Source.MANUAL)

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in ManualRateForm.Meta.fields}
        if change:
            rate = ExchangeRate.objects.get(pk=obj.pk)
            manual_rate_update(actor=request.user, rate=rate, **values)
        else:
            obj.pk = manual_rate_create(actor=request.user, **values).pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        manual_rate_delete(actor=request.user, rate=obj)

    def delete_queryset(self, request, queryset):
        for rate in queryset.filter(source=ExchangeRate.Source.MANUAL):
            manual_rate_delete(actor=request.user, rate=rate)
