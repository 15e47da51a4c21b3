from django.contrib import admin

from api.models import ApiToken
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.ModelAdmin):
    """Read and revoke only: a token is created on the token page, where its secret is shown once."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "created_by", "expires_at", "last_used_at",
                       "revoked_by")
    fields = readonly_fields + ("revoked_at",)

    def has_add_permission(self, request):
        return False
