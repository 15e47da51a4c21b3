"""Admin pieces shared by the apps."""
from django.db import models

from tracker.dates import validate_date_window
from tracker.forms import ConstraintWordsFormMixin


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


def constraint_words_form(form_class):
    """The form class with ConstraintWordsFormMixin, every message beside its field (the admin builds a new class
    for every request)."""
    if form_class is None or getattr(form_class, "constraints_beside_fields", False):
        return form_class
    bases = (form_class,) if issubclass(form_class, ConstraintWordsFormMixin) else (ConstraintWordsFormMixin, form_class)
    return type(form_class.__name__, bases, {"__module__": form_class.__module__, "constraints_beside_fields": True})


class ConstraintWordsAdminMixin:
    """Every admin form and inline form tells a violated constraint in words (ConstraintWordsFormMixin), as the
    tracker's own forms and the import do. Every ModelAdmin and inline of the tracker uses it, beside
    DateWindowAdminMixin (tests/tracker/test_admin_constraints.py walks every registered admin form)."""

    def get_form(self, request, obj=None, **kwargs):
        return constraint_words_form(super().get_form(request, obj, **kwargs))

    def get_changelist_form(self, request, **kwargs):  # list_editable
        return constraint_words_form(super().get_changelist_form(request, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = constraint_words_form(formset.form)
        return formset
