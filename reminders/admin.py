from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from reminders.models import ReminderDelivery, ReminderDigest, ReminderPreferences, ReminderSent
from reminders.services import reminder_preferences_clean


class ReminderPreferencesForm(forms.ModelForm):
    """The admin's form checks what the API checks (reminders.services)."""

    class Meta:
        model = ReminderPreferences
        fields = [
            "user",
            "thresholds",
            "kinds",
            "email_enabled",
            "email",
            "webhook_url",
            "apprise_urls",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned.update(reminder_preferences_clean(cleaned))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return cleaned


@admin.register(ReminderPreferences)
class ReminderPreferencesAdmin(admin.ModelAdmin):
    """Each person's reminder preferences; the feed token is changed only from the profile."""

    form = ReminderPreferencesForm
    list_display = ["user", "thresholds", "kinds", "email_enabled", "has_webhook", "has_feed"]
    readonly_fields = ["feed_token"]

    @admin.display(boolean=True, description="webhook")
    def has_webhook(self, obj):
        return bool(obj.webhook_url)

    @admin.display(boolean=True, description="calendar feed")
    def has_feed(self, obj):
        return bool(obj.feed_token)


class ReminderDeliveryInline(admin.TabularInline):
    model = ReminderDelivery
    fields = ["channel", "status", "attempts", "last_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    """What was sent to whom and when, and how each channel fared: a record, not editable."""

    list_display = ["day", "user", "entry_count", "delivery_statuses"]
    list_filter = ["day", "deliveries__status"]
    readonly_fields = ["user", "day", "entries", "created_at"]
    inlines = [ReminderDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("deliveries")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="deadlines")
    def entry_count(self, obj):
        return len(obj.entries)

    @admin.display(description="deliveries")
    def delivery_statuses(self, obj):
        return ", ".join(f"{d.channel}: {d.status}" for d in obj.deliveries.all()) or "-"


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["deadline", "kind", "threshold", "user", "source_id", "created_at"]
    list_filter = ["kind", "threshold"]
    readonly_fields = [field.name for field in ReminderSent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
