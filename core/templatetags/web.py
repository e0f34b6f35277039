"""Template helpers every app's pages share (``{% load web %}``)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced or, given "" or None, dropped.

    Pagination and CSV links use it so that they keep the list's filters.
    """
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
