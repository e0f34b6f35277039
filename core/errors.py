"""Domain errors and their single mapping to HTTP answers."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A request that is well-formed but not allowed in the current state (illegal transition...).

    ``status_code`` is 409 by default; ``field`` names the input it is about, when there is one.
    """

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class StaleObjectError(ApplicationError):
    """The object changed since the caller read it."""


def _validation_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def api_exception_handler(exc, context):
    """DRF handler that also answers Django's ValidationError (400) and ApplicationError (409)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # core.web.require says why; a bare PermissionDenied gets DRF's general wording.
        exc = exceptions.PermissionDenied(str(exc) or None)
    # A bare list of messages (``raise ValidationError("...")`` outside a serializer field) is
    # answered in the documented shape: an object with field keys.
    if (
        isinstance(exc, exceptions.ValidationError)
        and isinstance(exc.detail, list)
        and all(isinstance(item, str) for item in exc.detail)
    ):
        exc = exceptions.ValidationError({"non_field_errors": exc.detail})
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, **exc.extra}
        if exc.field:
            body[exc.field] = [exc.message]
        return Response(body, status=exc.status_code)
    return exception_handler(exc, context)
