"""Web helpers every app's views, forms and API share: permission checks, service errors on forms, CSV exports.

Ground floor: nothing here knows a domain app.
"""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import render

from .errors import ApplicationError, StaleObjectError

# DRF's own wording, so a refusal reads the same whether DRF's permission classes or ``require`` refused.
NOT_ALLOWED = "You do not have permission to perform this action."

# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection); tab and CR
# are how a formula hides behind leading whitespace.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def require(user, permission: str, obj=None, *, message: str = NOT_ALLOWED) -> None:
    """Raise ``PermissionDenied(message)`` unless ``user`` has ``permission`` (on ``obj``).

    A page answers with the 403 page showing ``message``; the API (core.errors) with 403 and
    ``{"detail": message}``.
    """
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def _visible_field(form: forms.BaseForm, name: str | None) -> str | None:
    """The field an error belongs next to; None (the top of the form) for unknown or hidden fields."""
    if name in form.fields and not form.fields[name].widget.is_hidden:
        return name
    return None


def add_service_error(form: forms.BaseForm, error: Exception) -> None:
    """Show a service's refusal on the form: next to the field it names, otherwise at the top.

    Handles Django's ValidationError (with a dict of fields or a list of messages) and
    ApplicationError. A StaleObjectError on a form with a ``version`` field keeps the editor's values
    and moves the form to the current version: saving again is a deliberate overwrite by someone who
    has been told, never a silent one. Any other exception is raised again.
    """
    if isinstance(error, ValidationError):
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, field_messages in messages.items():
            form.add_error(_visible_field(form, field), field_messages)
    elif isinstance(error, StaleObjectError) and "version" in form.fields:
        form.add_error(
            None,
            f"{error.message} Your values are kept below: check them against the current ones "
            "(open the page in another tab) and save again to apply them.",
        )
        data = form.data.copy()
        data[form.add_prefix("version")] = error.extra["current_version"]
        form.data = data
    elif isinstance(error, ApplicationError):
        form.add_error(_visible_field(form, error.field), error.message)
    else:
        raise error


def csv_cell(value) -> str:
    """A value as a CSV cell a spreadsheet cannot run: None is empty; text starting like a formula gets a quote.

    Numbers, and text that is only a number (``-3``, ``-0.25``), are left as they are: they are values,
    not formulas, and must stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_response(
    filename: str, header: Iterable[str], rows: Iterable[Iterable], *, escape_formulas: bool = True
) -> StreamingHttpResponse:
    """Stream ``header`` then ``rows`` as a CSV download, so that a large export never sits in memory.

    Every cell goes through ``csv_cell`` unless ``escape_formulas`` is False, which only an export
    whose values are already refused at the door (an import format that must read back) may ask for.
    """
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(list(header))
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row] if escape_formulas else row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def confirmed(request) -> bool:
    """Whether a POST that deletes carries the confirmation step's answer (``confirm=yes``)."""
    return request.POST.get("confirm") == "yes"


def confirmation_page(
    request, *, title: str, question: str, consequence: str = "", confirm_label: str, cancel_url: str
):
    """The step before a delete: what will go, and a button that posts again with ``confirm=yes``."""
    context = {
        "title": title,
        "question": question,
        "consequence": consequence,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
    }
    return render(request, "partials/confirm_delete.html", context)
