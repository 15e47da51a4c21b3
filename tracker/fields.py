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
