"""Form plumbing shared by every app: Vietnamese fields for money, areas and dates, Bootstrap classes."""
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.fields import BillionVNDField, VNDateField, VNDecimalField
from tracker.services import constraint_fields, validate_constraints


def _billion_label(verbose_name) -> str:
    return str(verbose_name).replace("(VND)", "").strip() + " " + gettext("(billion VND)")


billion_label = lazy(_billion_label, str)
CHOOSE = _("— Choose —")


def tracker_formfield(db_field: models.Field, **kwargs):
    """Model fields become the department's fields: dates dd/mm/yyyy, areas 74,5, VND columns in billions."""
    common = {"required": not db_field.blank, "help_text": db_field.help_text}
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return db_field.formfield(form_class=VNDateField, **kwargs)
    if isinstance(db_field, models.BigIntegerField) and db_field.name.endswith("_vnd"):
        return BillionVNDField(label=billion_label(db_field.verbose_name), **common)
    if isinstance(db_field, models.DecimalField):
        # The model's limits (latitude −90…90, longitude −180…180) are the field's, with its Vietnamese message;
        # a field without a lower limit takes no negative number.
        limits = {type(v): v.limit_value for v in db_field.validators if isinstance(v, (MinValueValidator, MaxValueValidator))}
        return VNDecimalField(
            label=db_field.verbose_name,
            decimal_places=db_field.decimal_places,
            min_value=limits.get(MinValueValidator, 0),
            max_value=limits.get(MaxValueValidator),
            **common,
        )
    field = db_field.formfield(**kwargs)
    # A select's empty choice says what to do, in the page's language, instead of Django's "---------".
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_CHOICE_DASH[0][1]:
        field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField) and field.choices and list(field.choices)[0] == BLANK_CHOICE_DASH[0]:
        field.choices = [("", CHOOSE), *list(field.choices)[1:]]
    return field


def style_fields(form: forms.Form) -> None:
    """Bootstrap classes on every widget and labels starting with a capital letter."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        if field.label:
            label = str(field.label)
            field.label = label[:1].upper() + label[1:]


class StyledFormMixin:
    """Bootstrap classes on every widget; a field with an error is marked invalid for the eye. For screen readers
    Django's BoundField adds aria-invalid and an aria-describedby listing the help text (`<id>_helptext`) and then
    the errors (`<id>_error`), the ids templates/includes/field.html gives them; setting aria-describedby on the
    widget here would replace that list (and drop the help text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in list(self.errors):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


class ConstraintWordsFormMixin:
    """A model form whose instance's constraints are checked by tracker.services.validate_constraints instead of
    Django's: a check constraint is told in words beside its field ("Giá trị này không được âm."), a unique
    constraint in words, never by its name (Django's "Constraint “project_land_gte_0” is violated."). A constraint
    with words of its own, which Django tells for the form as a whole, stays at the top of the tracker's forms (as
    the services' refusals do); the admin's forms (constraints_beside_fields) put it beside the first of its fields
    the form has (tracker.services.constraint_fields)."""

    constraints_beside_fields = False

    def _post_clean(self):
        instance = self.instance  # construct_instance() fills this same object
        instance.validate_constraints = self._validate_constraints_in_words
        try:
            super()._post_clean()
        finally:
            instance.__dict__.pop("validate_constraints", None)

    def _validate_constraints_in_words(self, exclude=None):
        try:
            validate_constraints(self.instance, exclude=exclude)
        except ValidationError as error:
            between = constraint_fields(type(self.instance))
            placed = {}
            for name, errors in error.error_dict.items():
                for item in errors:
                    target = name if name in self.fields else NON_FIELD_ERRORS
                    if target == NON_FIELD_ERRORS and self.constraints_beside_fields:
                        text = " ".join(str(message) for message in item.messages)
                        target = next((field for field in between.get(text, ()) if field in self.fields),
                                      NON_FIELD_ERRORS)
                    placed.setdefault(target, []).append(item)
            raise ValidationError(placed) from error


class TrackerForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class TrackerModelForm(ConstraintWordsFormMixin, StyledFormMixin, forms.ModelForm):
    """A ModelForm with the department's fields and Bootstrap classes on every widget; a constraint it breaks is told
    in words, never by its name (ConstraintWordsFormMixin).

    It carries the version the user started from (for models that have one), and an optional reason for the change
    that goes into the change history.
    """

    change_reason = forms.CharField(
        label=_("Reason for the change (optional)"),
        required=False,
        max_length=100,
        help_text=_("Kept in the change history."),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if hasattr(self._meta.model, "version") and self.instance.pk:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version, min_value=1
            )
        # The reason goes last, after the fields it explains.
        self.fields["change_reason"] = self.fields.pop("change_reason")

    class Meta:
        # Subclasses write `class Meta(TrackerModelForm.Meta)` to get the department's fields.
        formfield_callback = tracker_formfield
