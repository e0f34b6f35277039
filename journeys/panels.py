"""Extension points of the journey page, so apps downstream of journeys can add to it.

The dependency direction is journeys <- owners <- improvements: the journey page cannot import
the owners or improvements apps, so they register what they contribute here from their
``AppConfig.ready()``:

- panels: a titled section of the journey page, rendered from a template with a context built
  by a callable ``context(request, journey) -> dict``; sorted by ``order``. Panels ordered below
  ``BLUEPRINT_ORDER`` come before the service blueprint (owner and team, health), the others after
  it (issues and initiatives), following the design's order of the journey page;
- a touchpoint action: a link on every blueprint card, ``url(journey, touchpoint) -> str``, shown only to people
  who hold ``permission`` on the journey (the improvements app's "Log an issue");
- a lane provider: the swimlanes of the service blueprint, ``lanes(journey, touchpoints)
  -> list[tuple[str, set[int]]]`` (lane label, ids of the touchpoints in that lane). Without
  one the blueprint has a single lane.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class TouchpointAction:
    key: str
    label: str
    url: Callable
    permission: str


BLUEPRINT_ORDER = 50

_panels: dict[str, Panel] = {}
_touchpoint_actions: dict[str, TouchpointAction] = {}
_lane_provider: Callable | None = None


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def render_context(request, journey) -> list[dict]:
    """Each registered panel rendered to HTML: ``{"panel": Panel, "html": SafeString}``.

    A panel's template draws its whole section (a ``section.card`` with an ``h2`` of
    ``panel.title``) and sees its own context at the top level, plus ``panel`` and ``journey``.
    """
    rendered = []
    for panel in panels():
        context = {"journey": journey, "panel": panel, **panel.context(request, journey)}
        rendered.append({"panel": panel, "html": render_to_string(panel.template, context, request=request)})
    return rendered


def register_touchpoint_action(action: TouchpointAction) -> None:
    _touchpoint_actions[action.key] = action


def touchpoint_actions(user, journey) -> list[TouchpointAction]:
    """The registered touchpoint actions ``user`` may take on ``journey``, in key order."""
    return [action for key, action in sorted(_touchpoint_actions.items()) if user.has_perm(action.permission, journey)]


def register_lane_provider(provider: Callable) -> None:
    global _lane_provider  # noqa: PLW0603 (one provider for the whole process, set at start-up)
    _lane_provider = provider


def lane_provider() -> Callable | None:
    return _lane_provider
