"""Form fields for the department's conventions: money in billions of VND (1.234,5), areas, dates dd/mm/yyyy."""
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.dates import date_error
from tracker.numbers import billions_to_vnd, format_billions, format_decimal, parse_decimal


class VNNumberInput(forms.TextInput):
    """A text input that shows a stored value the Vietnamese way; what the user typed is shown back untouched."""

    input_type = "text"

    def __init__(self, attrs=None, formatter=format_decimal):
        base = {"inputmode": "decimal", "autocomplete": "off"}
        base.update(attrs or {})
        super().__init__(base)
        self.formatter = formatter

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        return self.formatter(value)


class VNDecimalField(forms.Field):
    """A decimal typed as 74,5 or 74.5 or 1.234,5; returns Decimal."""

    MAX_DIGITS = 24  # far beyond any real amount or area, well inside what Decimal and the database hold

    # The limits' messages are not keyed "min_value"/"max_value": a ModelForm puts a field's message of the same code
    # over the model's own error, whose parameters (limit_value) are not these (limit): a KeyError, a 500.
    default_error_messages = {
        "too_long": _("The number has too many digits."),
        "invalid": _("Enter a number, for example 1.234,5."),
        "below_min": _("Enter a number greater than or equal to %(limit)s."),
        "above_max": _("Enter a number less than or equal to %(limit)s."),
        "max_places": _("Use at most %(places)s digits after the decimal comma."),
    }

    def __init__(self, *, min_value=Decimal(0), max_value=None, decimal_places=4, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        self.decimal_places = decimal_places
        kwargs.setdefault("widget", VNNumberInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(number.as_tuple().digits) > self.MAX_DIGITS:
            raise ValidationError(self.error_messages["too_long"], code="too_long")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["below_min"], code="min_value", params={"limit": format_decimal(self.min_value)}
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["above_max"], code="max_value", params={"limit": format_decimal(self.max_value)}
            )
        try:
            too_precise = -value.as_tuple().exponent > self.decimal_places and value != value.quantize(
                Decimal(1).scaleb(-self.decimal_places)
            )
        except InvalidOperation:
            too_precise = True
        if too_precise:
            raise ValidationError(
                self.error_messages["max_places"], code="max_places", params={"places": self.decimal_places}
            )


class BillionVNDField(VNDecimalField):
    """Money typed in billions of VND (tỷ đồng) the Vietnamese way; cleaned to exact integer VND."""

    MAX_VND = 9 * 10**18  # what a 64-bit column holds: nine billion billion đồng

    default_error_messages = {
        "too_large": _("The amount is too large."),
        "invalid": _("Enter an amount in billions of VND, for example 1.234,5."),
        "too_precise": _("The amount is finer than one đồng."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", VNNumberInput(formatter=format_billions))
        kwargs.setdefault("decimal_places", 9)
        super().__init__(**kwargs)

    def clean(self, value):
        billions = super().clean(value)
        if billions is None:
            return None
        try:
            vnd = billions_to_vnd(billions)
        except ValueError:
            raise ValidationError(self.error_messages["too_precise"], code="too_precise") from None
        if abs(vnd) > self.MAX_VND:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return vnd


class DatePickerInput(forms.DateInput):
    """A text input for dd/mm/yyyy that static/js/forms.js turns into a flatpickr date picker."""

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "data-datepicker": "true", "autocomplete": "off"}
        base.update(attrs or {})
        super().__init__(attrs=base, format="%d/%m/%Y")


class VNDateField(forms.DateField):
    input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, for example 31/12/2024.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DatePickerInput())
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        error = date_error(value)
        if error:
            raise forms.ValidationError(error, code="date_window")


class CodeAutocompleteInput(forms.TextInput):
    """A text box for a record's code; static/js/autocomplete.js turns it into a Tom Select that searches
    `url` (a JSON endpoint of code, label pairs, through the access door) by code or part of the name. Without
    JavaScript it stays a plain code field."""

    def __init__(self, url_name: str, *, url_query: str = "", attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false"}
        base.update(attrs or {})
        super().__init__(base)
        self.url_name = url_name
        self.url_query = url_query
        self.field = None  # the CodeChoiceField that owns this widget: it names the chosen record

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-autocomplete"] = reverse(self.url_name) + (f"?{self.url_query}" if self.url_query else "")
        widget_attrs["data-placeholder"] = str(_("Code or name"))
        widget_attrs["data-no-results"] = str(_("Nothing found among the records you may choose."))
        widget_attrs["data-loading"] = str(_("Searching…"))
        label = self.field.label_for_code(context["widget"]["value"]) if self.field is not None else None
        if label:
            widget_attrs["data-autocomplete-label"] = label
        return context


class CodeChoiceField(forms.ModelChoiceField):
    """A choice among many records (2,000 clusters, 10,000 investors) typed as the record's code: the page sends no
    list of options. The record is looked up in `queryset` (the records the user may choose, through the access
    door): an unknown code and a code outside the user's communes get the same message, so existence does not
    leak."""

    def __init__(self, queryset, *, code_field: str, url_name: str, url_query: str = "", invalid_message=None,
                 **kwargs):
        kwargs.setdefault("widget", CodeAutocompleteInput(url_name, url_query=url_query))
        super().__init__(queryset, to_field_name=code_field, **kwargs)
        self.code_field = code_field
        if invalid_message:
            self.error_messages["invalid_choice"] = invalid_message
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def label_from_instance(self, obj) -> str:
        """The label, "code – name": a cluster's own str() already reads so, an investor's is its name alone."""
        code = getattr(obj, self.code_field)
        return str(obj) if str(obj).startswith(code) else f"{code} – {obj}"

    def _find(self, **lookup):
        """The one record of the field's queryset (the user's choices) that matches, or None."""
        if self.queryset is None:
            return None
        if any(isinstance(value, str) and "\x00" in value for value in lookup.values()):
            return None  # no code holds a NUL, and PostgreSQL refuses one in a query (a 500, not "not found")
        return self.queryset.filter(**lookup).first()

    def prepare_value(self, value):
        """The code to show: a record, a primary key (a model form's initial value) or the text typed."""
        if hasattr(value, "_meta"):
            return getattr(value, self.code_field)
        if isinstance(value, int) and not isinstance(value, bool):
            obj = self._find(pk=value)
            return getattr(obj, self.code_field) if obj is not None else ""
        return value

    def label_for_code(self, code) -> str | None:
        code = str(code or "").strip()
        if not code:
            return None
        obj = self._find(**{f"{self.code_field}__iexact": code})
        return self.label_from_instance(obj) if obj is not None else None

    def to_python(self, value):
        code = str(value or "").strip()
        if code in self.empty_values:
            return None
        obj = self._find(**{f"{self.code_field}__iexact": code})
        if obj is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": code})
        return obj

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "").strip()
