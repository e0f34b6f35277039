"""Template helpers of the improvements pages."""

from django import template

from improvements.impact import format_value
from improvements.views import journey_panel_context

register = template.Library()


@register.filter
def component_value(value, component):
    """``{{ initiative.baseline_value|component_value:initiative.target_component }}``"""
    return format_value(component, value)


@register.simple_tag(takes_context=True)
def improvements_panel_data(context):
    """The journey panel's data wherever the journey page put it.

    The panel context is ``{"improvements_panel": ...}``; a page may include the panel template
    with that dict merged into its context or under the loop variable of its panels, so look in
    both places, and build it from ``journey`` and ``request`` as a last resort.
    """
    data = context.get("improvements_panel")
    if data is not None:
        return data
    for layer in context.flatten().values():
        if isinstance(layer, dict) and "improvements_panel" in layer:
            return layer["improvements_panel"]
    journey, request = context.get("journey"), context.get("request")
    if journey is None or request is None:
        return None
    return journey_panel_context(request, journey)["improvements_panel"]


@register.filter
def journey_url(journey):
    """The journey page."""
    return journey.get_absolute_url()
