"""Template helpers of the owners app."""

from django import template

from owners.links import journey_path, object_path

register = template.Library()


@register.filter
def journey_url(journey) -> str:
    return journey_path(journey)


@register.filter
def url_or_blank(obj) -> str:
    return object_path(obj)


@register.filter
def percent(value) -> str:
    """0.5 -> '50%'; None -> an em dash."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination and CSV links keep filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def code_label(code) -> str:
    """'touchpoint_paradox' -> 'Touchpoint paradox'."""
    return str(code).replace("_", " ").capitalize()
