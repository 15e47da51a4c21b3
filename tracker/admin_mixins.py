"""Admin pieces shared by the apps."""


class VersionedAdminMixin:
    """A save in the admin moves the version on too, so that a form opened elsewhere before it is refused."""

    def save_model(self, request, obj, form, change):
        if change and hasattr(obj, "version"):
            current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = (current or obj.version) + 1
        super().save_model(request, obj, form, change)
