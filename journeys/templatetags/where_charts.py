"""Pictures of "where to act" (design section 13), drawn by our own code: the path flow and the
importance-performance chart as inline SVG, and the blueprint cards' touchpoint figures.

Like ``health_charts``: every SVG has a ``<title>`` and ``<desc>``; the templates add the data as
a table for a full text alternative, and colours always come with words.
"""

from __future__ import annotations

import itertools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from journeys.selectors import where

register = template.Library()
_ids = itertools.count(1)

FLOW_WIDTH, FLOW_HEIGHT, FLOW_MIDDLE = 760, 300, 150
OUTCOME_ROWS = {"completed": 70, "in_progress": 150, "abandoned": 230}
OUTCOME_COLOURS = {"completed": "#1e7b4f", "in_progress": "#55606c", "abandoned": "#b42318"}
FORWARD, LOOP = "#2f7a8f", "#9a5b00"


@register.simple_tag
def touchpoint_figures(journey, touchpoint) -> dict | None:
    """The touchpoint's row of the latest overall snapshot, read once per page for every card.

    Cached on the journey object the page renders (each card is an ``{% include %}``, whose render
    context is its own, so the template's render context cannot hold it), by the "Where to act"
    panel when it ran first.
    """
    return where.touchpoint_figures_by_id(journey).get(touchpoint.pk)


def _svg_open(width: int, height: int, title: str, description: str, css_class: str) -> SafeString:
    chart_id = f"where-chart-{next(_ids)}"
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        css_class,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )


def _n(value: float) -> str:
    return f"{value:.1f}"


@register.simple_tag
def path_flow_chart(flow: list[dict], stages: dict[int, str]) -> SafeString:
    """Directly-follows flow: start, the stages left to right, the outcomes on the right.

    Forward steps arc above the stages, steps back to an earlier stage (loops) arc below in
    another colour, dashed; drop-outs (to abandoned) are red. Line width follows the count.
    """
    if not flow:
        return mark_safe("")  # noqa: S308 (constant)
    positions = sorted(stages)
    columns = len(positions) + 2
    step = (FLOW_WIDTH - 140) / max(columns - 1, 1)
    places = {"start": (60.0, FLOW_MIDDLE)}
    for index, position in enumerate(positions, start=1):
        places[f"stage:{position}"] = (60 + step * index, FLOW_MIDDLE)
    for outcome, y in OUTCOME_ROWS.items():
        places[outcome] = (FLOW_WIDTH - 70.0, float(y))
    biggest = max(edge["count"] for edge in flow)
    loops = sum(edge["count"] for edge in flow if _is_loop(edge, places))
    abandoned = sum(edge["count"] for edge in flow if edge["target"] == "abandoned")
    parts = [
        _svg_open(
            FLOW_WIDTH,
            FLOW_HEIGHT,
            "How customers really move through the stages",
            f"{loops} step{'s' if loops != 1 else ''} back to an earlier stage and {abandoned} drop-out"
            f"{'s' if abandoned != 1 else ''}; the table below lists every step.",
            "flow-chart",
        ),
        mark_safe(  # noqa: S308 (constant markup)
            '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#5b6775"/></marker></defs>'
        ),
    ]
    for edge in flow:
        if edge["source"] not in places or edge["target"] not in places:
            continue
        (x0, y0), (x1, y1) = places[edge["source"]], places[edge["target"]]
        width = 1 + 7 * edge["count"] / biggest
        if edge["target"] in OUTCOME_ROWS:
            colour, dash = OUTCOME_COLOURS[edge["target"]], ""
            control_x, control_y = (x0 + x1) / 2, (y0 + y1) / 2 + (y1 - FLOW_MIDDLE) * 0.3
        elif _is_loop(edge, places):
            colour, dash = LOOP, "6 4"
            control_x, control_y = (x0 + x1) / 2, FLOW_MIDDLE + 45 + 20 * abs(x1 - x0) / step
        else:
            colour, dash = FORWARD, ""
            control_x, control_y = (x0 + x1) / 2, FLOW_MIDDLE - 35 - 20 * (abs(x1 - x0) / step - 1)
        start_x = x0 + (18 if x1 > x0 else -18)
        end_x = x1 - (18 if x1 > x0 else -18)
        parts.append(
            format_html(
                '<path d="M{},{} Q{},{} {},{}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" '
                'stroke-opacity="0.8" marker-end="url(#flow-arrow)"/>'
                '<text x="{}" y="{}" text-anchor="middle" class="flow-count">{}</text>',
                _n(start_x),
                _n(y0),
                _n(control_x),
                _n(control_y),
                _n(end_x),
                _n(y1),
                colour,
                _n(width),
                dash,
                _n((start_x + 2 * control_x + end_x) / 4),
                _n((y0 + 2 * control_y + y1) / 4 - 4),
                edge["count"],
            )
        )
    used = {edge["source"] for edge in flow} | {edge["target"] for edge in flow}
    # Stage names above their node, on two alternating rows so that long names do not run together.
    label_rows = {f"stage:{position}": FLOW_MIDDLE - 42 - 14 * (index % 2) for index, position in enumerate(positions)}
    for node, (x, y) in places.items():
        if node.startswith("stage:") or node == "start" or node in used:
            label = where.node_label(node, stages)
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="16" fill="#fff" stroke="{}" stroke-width="2"/>'
                    '<text x="{}" y="{}" text-anchor="middle" class="flow-node">{}</text>',
                    _n(x),
                    _n(y),
                    OUTCOME_COLOURS.get(node, "#1f4e5f"),
                    _n(x),
                    _n(label_rows.get(node, y + 32)),
                    label,
                )
            )
    parts.append(
        format_html(
            '<text x="10" y="{}" class="flow-legend">Blue arcs above: steps forward. Amber dashed arcs below: '
            "loops back to an earlier stage. Red: drop-outs. Numbers: customers.</text>",
            FLOW_HEIGHT - 8,
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


def _is_loop(edge: dict, places: dict) -> bool:
    if not (edge["source"].startswith("stage:") and edge["target"].startswith("stage:")):
        return False
    return places.get(edge["target"], (0, 0))[0] < places.get(edge["source"], (0, 0))[0]


DRIVER_WIDTH, DRIVER_HEIGHT = 560, 340
D_LEFT, D_RIGHT, D_TOP, D_BOTTOM = 56, 16, 16, 44


@register.simple_tag
def drivers_chart(predictors: list[dict]) -> SafeString:
    """Importance (up) against performance (right) of the stage predictors, the four quadrants named."""
    stages = [p for p in predictors if p.get("stage_position") is not None]
    if not stages:
        return mark_safe("")  # noqa: S308 (constant)
    mean_importance = sum(p["importance"] for p in stages) / len(stages)
    mean_performance = sum(p["performance"] for p in stages) / len(stages)
    top = max(max(p["ci_high"] for p in stages), mean_importance * 2, 0.01) * 1.1

    def x(value: float) -> float:
        return D_LEFT + (DRIVER_WIDTH - D_LEFT - D_RIGHT) * (value - 1) / 4

    def y(value: float) -> float:
        return D_TOP + (DRIVER_HEIGHT - D_TOP - D_BOTTOM) * (1 - value / top)

    fix = [p["label"] for p in stages if p.get("quadrant") == "fix first"]
    parts = [
        _svg_open(
            DRIVER_WIDTH,
            DRIVER_HEIGHT,
            "Where to invest: importance against performance of each stage",
            ("Fix first: " + ", ".join(fix) + ". " if fix else "No stage is in the fix-first quadrant. ")
            + "The table beside lists every figure.",
            "drivers-chart",
        )
    ]
    middle_x, middle_y = x(mean_performance), y(mean_importance)
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#fde7e5" opacity="0.6"/>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9aa5b1" stroke-dasharray="4 4"/>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9aa5b1" stroke-dasharray="4 4"/>'
            '<text x="{}" y="{}" class="quadrant">Fix first</text>'
            '<text x="{}" y="{}" text-anchor="end" class="quadrant">Protect</text>'
            '<text x="{}" y="{}" class="quadrant">Keep at parity</text>'
            '<text x="{}" y="{}" text-anchor="end" class="quadrant">Possible over-investment</text>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#5b6775"/>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#5b6775"/>'
            '<text x="{}" y="{}" text-anchor="middle">Performance: mean stage satisfaction (1-5)</text>'
            '<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">Importance (share of R²)</text>',
            D_LEFT,
            D_TOP,
            _n(middle_x - D_LEFT),
            _n(middle_y - D_TOP),
            _n(middle_x),
            _n(middle_x),
            D_TOP,
            DRIVER_HEIGHT - D_BOTTOM,
            D_LEFT,
            DRIVER_WIDTH - D_RIGHT,
            _n(middle_y),
            _n(middle_y),
            D_LEFT + 6,
            D_TOP + 14,
            DRIVER_WIDTH - D_RIGHT - 6,
            D_TOP + 14,
            D_LEFT + 6,
            _n(middle_y + 16),
            DRIVER_WIDTH - D_RIGHT - 6,
            _n(middle_y + 16),
            D_LEFT,
            DRIVER_WIDTH - D_RIGHT,
            DRIVER_HEIGHT - D_BOTTOM,
            DRIVER_HEIGHT - D_BOTTOM,
            D_LEFT,
            D_LEFT,
            D_TOP,
            DRIVER_HEIGHT - D_BOTTOM,
            _n((D_LEFT + DRIVER_WIDTH - D_RIGHT) / 2),
            DRIVER_HEIGHT - 10,
            _n((D_TOP + DRIVER_HEIGHT - D_BOTTOM) / 2),
            _n((D_TOP + DRIVER_HEIGHT - D_BOTTOM) / 2),
        )
    )
    for tick in (1, 2, 3, 4, 5):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>', _n(x(tick)), DRIVER_HEIGHT - D_BOTTOM + 14, tick
            )
        )
    for predictor in stages:
        px, py = x(predictor["performance"]), y(predictor["importance"])
        colour = "#b42318" if predictor.get("quadrant") == "fix first" else "#1f4e5f"
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5"/>'
                '<circle cx="{}" cy="{}" r="6" fill="{}"/><text x="{}" y="{}" class="driver-label">{}</text>',
                _n(px),
                _n(px),
                _n(y(predictor["ci_low"])),
                _n(y(predictor["ci_high"])),
                colour,
                _n(px),
                _n(py),
                colour,
                _n(px + 9),
                _n(py + 4),
                predictor["label"],
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


@register.simple_tag
def heat_class(rate: float | None) -> str:
    """A heat-map cell's shade from its re-identification rate (the cell also shows the rate in words)."""
    if rate is None:
        return "heat-none"
    return f"heat-{min(4, int(rate * 5))}"
