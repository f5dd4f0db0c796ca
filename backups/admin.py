from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path

from backups import services
from backups.jobs import JobBusy, backup_start
from backups.models import BackupConfig, BackupRecord, Job
from interchange.documents import ImportRejected


@admin.register(BackupConfig)
class BackupConfigAdmin(admin.ModelAdmin):
    """The schedule (one row): on or off, how often, how many to keep, where."""

    list_display = ["__str__", "enabled", "frequency", "retention", "location", "updated_at"]

    def has_add_permission(self, request):
        return not BackupConfig.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackupRecord)
class BackupRecordAdmin(admin.ModelAdmin):
    """Backups: listed, verified and deleted here; taken with the action or on schedule."""

    list_display = ["id", "kind", "status", "size", "file_count", "location", "note"]
    list_filter = ["status", "kind", "location"]
    readonly_fields = [field.name for field in BackupRecord._meta.fields]
    actions = ["verify", "delete_backups"]
    change_list_template = "admin/backups/backuprecord/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting goes through the archive too
        return actions

    @admin.display(description="size", ordering="size_bytes")
    def size(self, record):
        return filesizeformat(record.size_bytes)

    @admin.action(description="Verify the selected backups")
    def verify(self, request, queryset):
        for record in queryset:
            try:
                services.backup_verify_stored(record)
            except (services.BackupError, ImportRejected) as error:
                self.message_user(request, f"{record.id}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{record.id} is sound.", messages.SUCCESS)

    @admin.action(description="Delete the selected backups (archives included)")
    def delete_backups(self, request, queryset):
        for record in queryset:
            backup_id = record.id
            try:
                services.backup_delete(record, actor=request.user)
            except services.BackupError as error:
                self.message_user(request, f"{backup_id}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Deleted {backup_id}.", messages.SUCCESS)

    def get_urls(self):
        back_up_now = self.admin_site.admin_view(self.back_up_now)
        return [
            path("back-up-now/", back_up_now, name="backups_backuprecord_back_up_now"),
            *super().get_urls(),
        ]

    def back_up_now(self, request):
        """Start a backup in the background (the button above the list)."""
        if request.method == "POST" and self.has_view_permission(request):
            try:
                record = backup_start(actor=request.user).backup
            except (services.BackupError, JobBusy) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Backup {record.id} started; it appears here as completed when it is done.",
                    messages.SUCCESS,
                )
        return redirect("admin:backups_backuprecord_changelist")


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background backups and restores: state, progress, result."""

    list_display = ["created_at", "kind", "status", "progress", "message", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
