"""Web helpers every app's views, forms and API share: permission checks, service errors on forms, CSV exports.

Ground floor: nothing here knows a domain app.
"""

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import islice

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import CharField, QuerySet, TextField
from django.http import StreamingHttpResponse
from django.shortcuts import render

from .errors import ApplicationError, StaleObjectError

# DRF's own wording, so a refusal reads the same whether DRF's permission classes or ``require`` refused.
NOT_ALLOWED = "You do not have permission to perform this action."

# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection); tab and CR
# are how a formula hides behind leading whitespace.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# Where a cell starts in written CSV: after a line break or a comma, perhaps behind the opening quote. A
# chunk (which starts a line; the check puts a line break before it) without a formula leader there has no
# cell to escape: the fast path. A match may also be text inside a quoted cell, which only costs that chunk
# the cell-by-cell path.
CELL_STARTING_LIKE_A_FORMULA = re.compile(r'[,\n]"?[=+\-@\t\r]')
CSV_CHUNK_ROWS = 1000


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


def _chunks(rows: Iterable, size: int):
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream ``header`` then ``rows`` as a CSV download, so that a large export never sits in memory.

    Every CSV the product writes goes through here, and every cell is as ``csv_cell`` makes it, whichever
    way it is written:

    - a ``values_list`` QuerySet whose every column is text, on PostgreSQL: PostgreSQL writes the CSV
      itself (``COPY ... TO STDOUT``), with ``csv_cell``'s escaping in the SELECT (``escaped_text_sql``);
    - anything else: the C writer, a chunk of ``CSV_CHUNK_ROWS`` rows at a time; a chunk in which no cell
      starts like a formula is sent as written, any other is written again cell by cell through
      ``csv_cell``. Values are written as ``csv_cell`` would (None empty, numbers as ``str``), so both
      ways give the same cells.

    PostgreSQL ends lines with LF and quotes an empty text (``""``; NULL is empty); the C writer ends
    them with CRLF: CSV readers read both alike.
    """
    body = _postgresql_lines(header, rows) if _written_by_postgresql(rows) else _python_lines(header, rows)
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _python_lines(header: Iterable[str], rows: Iterable[Iterable]):
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def written(chunk) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        return buffer.getvalue()

    yield written([[csv_cell(name) for name in header]])
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CSV_CHUNK_ROWS * 5)
    for chunk in _chunks(rows, CSV_CHUNK_ROWS):
        text = written(chunk)
        if CELL_STARTING_LIKE_A_FORMULA.search("\n" + text):
            text = written([csv_cell(value) for value in row] for row in chunk)
        yield text


def _written_by_postgresql(rows) -> bool:
    if not isinstance(rows, QuerySet) or connections[rows.db].vendor != "postgresql":
        return False
    select, _klass_info, _annotations = rows.query.get_compiler(using=rows.db).get_select()
    return bool(select) and all(isinstance(expression.output_field, CharField | TextField) for expression, *_ in select)


# csv_cell in SQL: text starting with a formula leader gets a quote, unless it is only a number. The first
# character is tested as its code point (``ascii``: = + - @ tab CR; 0 for an empty text, NULL for NULL), an
# integer comparison that makes no new text; ``left(...) IN (...)`` cost four times as much per cell.
ESCAPED_TEXT_SQL = (
    "CASE WHEN ascii({column}) IN (61, 43, 45, 64, 9, 13) "
    "AND {column} !~ '^[+-]?[0-9]+([.][0-9]+)?$' THEN chr(39) || {column} ELSE {column} END"
)
# The bytes of this many rows (PostgreSQL sends one message per row) go out as one chunk.
COPY_CHUNK_ROWS = 1000


def _postgresql_lines(header: Iterable[str], rows: QuerySet):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([csv_cell(name) for name in header])
    yield buffer.getvalue()
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    names = [f"c{index}" for index in range(len(compiler.get_select()[0]))]
    cells = ", ".join(ESCAPED_TEXT_SQL.format(column=name) for name in names)
    # Only Django's compiled SQL and our own column names go in; values stay parameters until mogrify.
    statement = f"COPY (SELECT {cells} FROM ({sql}) AS export_rows ({', '.join(names)})) TO STDOUT WITH (FORMAT csv)"  # noqa: S608
    connection = connections[rows.db]
    # jit off for this statement only (SET LOCAL, in its own transaction unless one is open): its cost makes
    # PostgreSQL compile the plan, 1.3 s at scale 1, more than the compiled expressions save on 836,223 rows.
    with transaction.atomic(using=rows.db, savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        driver_cursor = cursor.cursor  # psycopg's: COPY takes no bound parameters, so they are inlined first
        with driver_cursor.copy(driver_cursor.mogrify(statement, params)) as copy:
            for chunk in _chunks(copy, COPY_CHUNK_ROWS):
                yield b"".join(chunk)


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
