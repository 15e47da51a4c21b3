from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.accounts.services import password_change_require
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin
from tracker.models import AccessScope, PasswordState, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "beats"]
    readonly_fields = ["hostname", "last_seen", "beats"]


class AccessScopeInline(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.StackedInline):
    """The communes a commune officer is assigned to, edited on the user's page."""

    model = AccessScope
    can_delete = False
    filter_horizontal = ["communes"]
    extra = 0
    max_num = 1


class PasswordStateInline(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.StackedInline):
    """The administrator's request that the user change their password (a checkbox), on the user's page."""

    model = PasswordState
    can_delete = False
    fields = ["must_change", "changed_at"]
    readonly_fields = ["changed_at"]
    extra = 1
    max_num = 1


@admin.register(PasswordState)
class PasswordStateAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, SimpleHistoryAdmin):
    """Who was asked to change their password, and when they did: each change is in the object's history."""

    list_display = ["user", "must_change", "changed_at"]
    list_filter = ["must_change"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "must_change", "changed_at"]
    readonly_fields = ["user", "changed_at"]

    def has_add_permission(self, request):
        return False


admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, UserAdmin):
    inlines = [AccessScopeInline, PasswordStateInline]
    actions = ["require_password_change"]
    list_display = ["username", "first_name", "email", "is_active", "is_superuser", "roles"]
    list_filter = ["groups", "is_active", "is_superuser"]

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    @admin.action(description=_("Require a password change"))
    def require_password_change(self, request, queryset):
        asked = password_change_require(users=queryset, reason=gettext("Password change required by an administrator"))
        self.message_user(
            request,
            ngettext(
                "%(count)d user will be asked to change their password on their next page.",
                "%(count)d users will be asked to change their password on their next page.",
                asked,
            )
            % {"count": asked},
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
