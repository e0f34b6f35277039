"""Template tags for the extension points of journeys.panels."""

from django import template

register = template.Library()


@register.simple_tag
def action_links(actions, journey, touchpoint) -> list[dict]:
    """``[{"label", "url"}]`` of the touchpoint actions the page was given (already filtered by permission)."""
    return [{"label": action.label, "url": action.url(journey, touchpoint)} for action in actions]
