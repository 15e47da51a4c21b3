"""Admin pieces shared by the apps."""
from django.db import models

from tracker.dates import validate_date_window


class DateWindowAdminMixin:
    """Every date (and the day of every date and time) typed in an admin form lies in the window of dates the
    tracker accepts (tracker.dates), as in the tracker's own forms: 31/12/9999 is an error next to its field, not a
    saved row that stops the watchlist, nor a 500. Every ModelAdmin and inline of the tracker uses it
    (tests/tracker/test_admin_dates.py checks every registered admin form)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateField):
            formfield.validators = [*formfield.validators, validate_date_window]
        return formfield


class VersionedAdminMixin:
    """A save in the admin moves the version on too, so that a form opened elsewhere before it is refused."""

    def save_model(self, request, obj, form, change):
        if change and hasattr(obj, "version"):
            current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = (current or obj.version) + 1
        super().save_model(request, obj, form, change)
