"""Ordering terms that put empty values last on every database, and still use the indexes."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OrderBy


def _nullable(model, path: str) -> bool:
    """Whether the field a lookup path (``journey__slug``) ends on can be NULL; True when unsure."""
    field = None
    for part in path.split("__"):
        if model is None:
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True  # an annotation
        if field.null:
            return True
        model = field.related_model
    return field is None or field.null


def nulls_last(model, term: str) -> OrderBy:
    """``-name`` or ``name`` with NULLs last; plain ASC/DESC for NOT NULL fields.

    A NOT NULL column has no NULLs to place, and ``DESC`` without ``NULLS LAST`` is the order a
    plain index (and the models' default ordering) provides: PostgreSQL can then read a page
    straight from the index instead of sorting the table.
    """
    descending = term.startswith("-")
    name = term.lstrip("-")
    expression = F(name)
    if not _nullable(model, name):
        return expression.desc() if descending else expression.asc()
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
