from django.contrib import admin, messages

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke

# What a person sees of a saved token. key_hash is left out on purpose: it is a secret's stand-in.
CHANGE_FIELDS = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at", "id"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Personal API tokens: created through the service, shown once, revoked rather than edited."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        return ["user", "name"] if obj is None else CHANGE_FIELDS

    def get_readonly_fields(self, request, obj=None):
        # Only the name may change: a token's owner and secret are fixed once it exists.
        return [] if obj is None else [field for field in CHANGE_FIELDS if field != "name"]

    @admin.display(description="revoked", boolean=True, ordering="revoked_at")
    def revoked(self, token):
        return token.is_revoked

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = api_token_create(user=obj.user, name=obj.name, actor=request.user)
        # The add view goes on to log and redirect with `obj`: make it the row just created.
        obj.pk = token.pk
        obj.refresh_from_db()
        obj._state.adding = False
        self.message_user(
            request,
            f"Copy the new token now, it will not be shown again: {raw}",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected tokens")
    def revoke_selected(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, actor=request.user)
        count = len(tokens)
        self.message_user(
            request, f"Revoked {count} token{'' if count == 1 else 's'}.", messages.SUCCESS
        )
