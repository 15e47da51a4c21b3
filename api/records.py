"""The bulk endpoint's translation between the API and the import engine: money in whole VND in the API
(`registered_capital_vnd`), billions in the template (`registered_capital_billion_vnd`); errors by item and key."""
import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from projects.imports.engine import run_rows
from tracker.numbers import vnd_to_billions

MAX_ITEMS = 5000
# API key (whole VND) → the template's key (billions of VND).
MONEY_KEYS = {"registered_capital_vnd": "registered_capital_billion_vnd"}
_COLUMN = re.compile(r"^[A-Z]+ \((?P<key>.*)\)$")


def _to_template(item: dict, number: int, errors: dict) -> dict:
    row = {}
    for key, value in item.items():
        if key in MONEY_KEYS:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                errors.setdefault(str(number), {}).setdefault(key, []).append(
                    _("A whole, non-negative number of VND is expected."))
                value = None
            row[MONEY_KEYS[key]] = vnd_to_billions(value)
        else:
            row[key] = value
    return row


def _api_key(column: str) -> str:
    match = _COLUMN.match(column or "")
    if not match:
        return "non_field_errors"
    key = match.group("key")
    return {template: api for api, template in MONEY_KEYS.items()}.get(key, key)


def bulk_import(data, *, user, change_reason: str = "") -> dict:
    """Import the array of projects or refuse all of it (400, with every row's errors)."""
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValidationError({"non_field_errors": [_("Send a JSON array of objects, one per project.")]})
    if not data:
        raise ValidationError({"non_field_errors": [_("The array is empty.")]})
    if len(data) > MAX_ITEMS:
        raise ValidationError({"non_field_errors": [_("At most %(n)s projects at once.") % {"n": MAX_ITEMS}]})
    for item in data:
        for key, value in item.items():
            if isinstance(value, list | dict):
                raise ValidationError({"non_field_errors": [_("“%(key)s” holds a list or an object; send a single "
                                                               "value.") % {"key": key}]})
    errors: dict = {}
    rows = [_to_template(item, number, errors) for number, item in enumerate(data, start=1)]
    refused = {(row, key) for row, keys in errors.items() for key in keys}
    outcome = run_rows(rows, "projects", user=user, change_reason=change_reason, commit=not errors,
                       max_rows=MAX_ITEMS)
    if errors or outcome.file_errors or outcome.errors:
        if outcome.file_errors:
            errors["non_field_errors"] = [str(message) for message in outcome.file_errors]
        for error in outcome.errors:
            key = _api_key(error.column)
            if (str(error.row), key) in refused:
                continue  # said already, in the API's words
            errors.setdefault(str(error.row), {}).setdefault(key, []).append(str(error.message))
        raise ValidationError(errors)
    return {
        "committed": outcome.committed,
        "counts": outcome.counts(),
        "rows": [{"row": row.row, "project_code": row.code, "action": row.action} for row in outcome.rows],
    }
