from django.contrib import admin

from reminders.models import ReminderDelivery, ReminderDigest, ReminderPreferences, ReminderSent


@admin.register(ReminderPreferences)
class ReminderPreferencesAdmin(admin.ModelAdmin):
    """Each person's reminder preferences; the feed token is changed only from the profile."""

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
