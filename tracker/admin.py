from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from tracker.admin_mixins import DateWindowAdminMixin
from tracker.models import AccessScope, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(DateWindowAdminMixin, admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "beats"]
    readonly_fields = ["hostname", "last_seen", "beats"]


class AccessScopeInline(DateWindowAdminMixin, admin.StackedInline):
    """The communes a commune officer is assigned to, edited on the user's page."""

    model = AccessScope
    can_delete = False
    filter_horizontal = ["communes"]
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(DateWindowAdminMixin, UserAdmin):
    inlines = [AccessScopeInline]
    list_display = ["username", "first_name", "email", "is_active", "is_superuser", "roles"]
    list_filter = ["groups", "is_active", "is_superuser"]

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
