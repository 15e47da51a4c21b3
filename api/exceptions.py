"""Every API error as JSON: `{"detail": "...", "errors": {"field": ["message", ...]}}`, never HTML or a
traceback. A service's ValidationError names model fields; the view's `error_fields` turns them into API keys."""
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

FORM = "non_field_errors"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "If-Match required"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, detail, *, changes=(), current=None):
        super().__init__(detail)
        self.changes = list(changes)
        self.current = current


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def field_errors(detail, field_map=None) -> dict:
    """{field: [messages]} from a DRF or Django validation error's detail."""
    field_map = field_map or {}
    if isinstance(detail, dict):
        errors = {}
        for name, value in detail.items():
            key = FORM if name in (NON_FIELD_ERRORS, FORM) else field_map.get(name, name)
            errors.setdefault(key, []).extend(_flatten(value) if not isinstance(value, dict) else [])
            if isinstance(value, dict):  # a nested serializer (a bulk row): keep its structure
                errors[key] = value
        return errors
    return {FORM: _flatten(detail)}


def django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for error in errors for m in error.messages] for name, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    view = context.get("view")
    field_map = getattr(view, "error_fields", {}) if view is not None else {}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler500 answers (as JSON under /api/, tracker.views.server_error)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("The data is not valid."), "errors": field_errors(exc.detail, field_map)}
    elif isinstance(exc, PreconditionFailed):
        response.data = {"detail": str(exc.detail), "errors": {}, "changes": exc.changes, "current": exc.current}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"detail": " ".join(_flatten(detail)), "errors": {}}
    return response


def json_error(status_code: int, detail: str) -> JsonResponse:
    """For Django's own 404 and 500 handlers, under /api/."""
    return JsonResponse({"detail": detail, "errors": {}}, status=status_code)


__all__ = ["exception_handler", "PreconditionFailed", "PreconditionRequired", "field_errors", "json_error", "Response"]
