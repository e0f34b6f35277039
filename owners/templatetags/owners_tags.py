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


@register.filter
def code_label(code) -> str:
    """'touchpoint_paradox' -> 'Touchpoint paradox'."""
    return str(code).replace("_", " ").capitalize()
