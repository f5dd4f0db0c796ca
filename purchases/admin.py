from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

from kernel.admin import LabelledInlineFormSet, VersionedModelAdmin
from preferences.formats import currency_form_choices
from preferences.selectors import preferred_currency_code
from purchases.conversions import purchase_convert_if_changed
from purchases.models import Attachment, Purchase
from purchases.search import purchases_matching
from purchases.selectors import WARRANTY_STATE_NONE
from purchases.services import (
    attachment_add,
    attachments_delete,
    purchase_delete,
    purchases_delete,
    purchases_mark_received,
    purchases_reconvert,
)
from warranties.admin import WarrantyInline, WarrantyStateFilter
from warranties.models import Warranty, WarrantyStatus


class PurchaseAdminForm(forms.ModelForm):
    """The purchase's currency as a select of ISO 4217 codes, the household's first.

    A code stored before the select stays listed, so that saving the form keeps it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["currency_code"]
        field.widget = forms.Select(
            choices=currency_form_choices(preferred_currency_code(), self.instance.currency_code)
        )


class PrimaryWarrantyStateFilter(WarrantyStateFilter):
    """Filter purchases by the state of their primary warranty."""

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), (WARRANTY_STATE_NONE, "No warranty")]

    def queryset(self, request, queryset):
        if self.value() == WARRANTY_STATE_NONE:
            return queryset.filter(primary_warranty_id__isnull=True)
        if self.value() is None:
            return queryset
        warranties = self.filter_warranties(Warranty.objects.all())
        return queryset.filter(primary_warranty_id__in=warranties.values("id"))


class AttachmentForm(forms.ModelForm):
    upload = forms.FileField(required=False, label="file")

    class Meta:
        model = Attachment
        fields = ["file_type"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if self.instance._state.adding and self.has_changed() and not upload:
            raise forms.ValidationError(gettext("Choose a file to attach."))
        limit = settings.SPENDS_ATTACHMENT_MAX_BYTES
        if upload and upload.size > limit:
            raise forms.ValidationError(
                gettext("The file is larger than %(megabytes)s MB.")
                % {"megabytes": limit // (1024 * 1024)}
            )
        return cleaned


class AttachmentInline(admin.TabularInline):
    """Receipts, manuals and photos: upload in the purchase form; saved by attachment_add."""

    model = Attachment
    form = AttachmentForm
    formset = LabelledInlineFormSet
    fields = ["upload", "file_type", "download", "mime_type", "size"]
    readonly_fields = ["download", "mime_type", "size"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("blob")

    @admin.display(description="stored file")
    def download(self, attachment):
        if attachment._state.adding:
            return "-"
        url = f"/api/files/file/{attachment.pk}/download/"
        return format_html('<a href="{}" target="_blank">{}</a>', url, attachment.filename)

    @admin.display(description="size")
    def size(self, attachment):
        return "-" if attachment._state.adding else filesizeformat(attachment.blob.size)


CONVERSION_SHOWN = ("base_price", "base_currency_code", "exchange_rate", "rate_day", "rate_source")


@admin.register(Purchase)
class PurchaseAdmin(VersionedModelAdmin):
    # The import and export buttons are added by the interchange app (interchange/admin.py).
    form = PurchaseAdminForm
    list_display = [
        "product_name",
        "price_with_currency",
        "retailer",
        "brand",
        "purchase_date",
        "status",
        "warranty_end",
        "warranty_status",
    ]
    list_filter = [
        "status",
        PrimaryWarrantyStateFilter,
        "purchase_date",
        "tax_deductible",
        ("retailer", admin.RelatedOnlyFieldListFilter),
        ("brand", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["retailer", "brand"]
    # Only shows the search box: get_search_results searches as the inventory does.
    search_fields = ["product_name"]
    search_help_text = (
        "Every word must be found in the name, numbers, tags, notes, retailer or brand."
    )
    date_hierarchy = "purchase_date"
    autocomplete_fields = ["retailer", "brand"]
    actions = ["mark_received", "reconvert"]
    readonly_fields = [
        "id",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        *CONVERSION_SHOWN,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "product_name",
                    ("price", "currency_code"),
                    "quantity",
                    ("retailer", "brand"),
                    ("purchase_date", "status"),
                    "tax_deductible",
                ]
            },
        ),
        (
            "Details",
            {
                "fields": [
                    ("model_number", "serial_number"),
                    "retailer_order_number",
                    "link",
                    "tags",
                    "notes",
                ]
            },
        ),
        ("Returns", {"fields": [("return_deadline", "return_policy")]}),
        # Kept from the save that set the price, currency or date (docs/currencies.md §6).
        ("Conversion", {"fields": [CONVERSION_SHOWN], "classes": ["collapse"]}),
        (
            "Record",
            {
                "fields": ["id", ("created_at", "created_by"), ("updated_at", "updated_by")],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_primary_warranty()

    def get_search_results(self, request, queryset, search_term):
        """The inventory's search (purchases.search), so that both find the same purchases."""
        return purchases_matching(queryset, search_term), False

    @admin.display(description="price", ordering="price")
    def price_with_currency(self, purchase):
        return f"{purchase.price} {purchase.currency_code}"

    @admin.display(description="warranty ends", ordering="primary_warranty_end")
    def warranty_end(self, purchase):
        return purchase.primary_warranty_end

    @admin.display(description="warranty", ordering="primary_warranty_status")
    def warranty_status(self, purchase):
        status = purchase.primary_warranty_status
        return WarrantyStatus(status).label if status else None

    def get_inlines(self, request, obj):
        return [WarrantyInline, AttachmentInline]

    def save_model(self, request, obj, form, change):
        # The admin is a front door like the API: it says who added or changed the purchase.
        if change:
            obj.updated_by = request.user
        else:
            obj.created_by = request.user
        # The form writes around the services: the conversion is kept as they keep it.
        purchase_convert_if_changed(obj, base_code=preferred_currency_code())
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        # Through the service, which releases the attachments' blobs and keeps the rollups.
        purchase_delete(purchase=obj)

    def delete_queryset(self, request, queryset):
        purchases_delete(purchases=queryset)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attachment:
            # Warranties edited in the purchase's form: who added or changed each one.
            for warranty_form in formset.forms:
                if warranty_form.has_changed() and warranty_form not in formset.deleted_forms:
                    instance = warranty_form.instance
                    if instance._state.adding:
                        instance.created_by = request.user
                    else:
                        instance.updated_by = request.user
            return super().save_formset(request, form, formset, change)
        # Attachments are stored and released by the blob store's services, never saved raw.
        # The lists are what the admin's change message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for attachment_form in formset.forms:
            instance = attachment_form.instance
            existing = not instance._state.adding  # (UUID keys are set before the first save)
            if attachment_form in formset.deleted_forms:
                if existing:
                    attachments_delete(attachments=Attachment.objects.filter(pk=instance.pk))
                    formset.deleted_objects.append(instance)
            elif existing and attachment_form.has_changed():
                instance.save(update_fields=["file_type"])
                formset.changed_objects.append((instance, ["file_type"]))
            elif not existing and attachment_form.cleaned_data.get("upload"):
                attachment, created = attachment_add(
                    purchase=form.instance,
                    upload=attachment_form.cleaned_data["upload"],
                    file_type=attachment_form.cleaned_data["file_type"],
                )
                if created:
                    formset.new_objects.append(attachment)

    @admin.action(description=gettext_lazy("Mark the selected purchases as received"))
    def mark_received(self, request, queryset):
        changed = purchases_mark_received(purchases=queryset, actor=request.user)
        message = ngettext(
            "Marked %(count)s purchase as received.",
            "Marked %(count)s purchases as received.",
            changed,
        ) % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy(
            "Re-convert the selected purchases at today's rates for their dates"
        )
    )
    def reconvert(self, request, queryset):
        summary = purchases_reconvert(purchases=queryset, actor=request.user)
        self.message_user(request, summary.sentence(), messages.SUCCESS)
