"""The emotion curve of a persona, drawn as inline SVG by our own code (as ``health_charts`` draws the trend).

Stages run left to right; the y axis is satisfaction from 1 to 5. The overall curve (all customers) is
grey, the persona's curve coloured; the journey's target is a dashed line. A point resting on fewer
ratings than the journey's minimum sample is drawn hollow (shown, not judged); a dip is a filled red
point. Every point is labelled with its number of ratings, and the template adds the figures as a table.
"""

import itertools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from journeys.selectors.personas import Curve

from .health_charts import Series, legend

register = template.Library()

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 42, 16, 16, 44
LOW, HIGH = 1.0, 5.0
OVERALL_COLOUR = "#9aa5b1"
PERSONA_COLOUR = "#1f4e5f"
DIP_COLOUR = "#b42318"
_ids = itertools.count(1)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + inner / 2
    return LEFT + inner * (index + 0.5) / count


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - LOW) / (HIGH - LOW))


def _line(curve: Curve, colour: str, width: float, dash: str) -> list[SafeString]:
    """The curve's polyline, broken where a stage has no rating, and its points."""
    count = len(curve.points)
    parts, run = [], []
    for index, point in enumerate(curve.points):
        if point.mean is None:
            if len(run) > 1:
                parts.append(_polyline(run, colour, width, dash))
            run = []
            continue
        run.append((_x(index, count), _y(point.mean)))
    if len(run) > 1:
        parts.append(_polyline(run, colour, width, dash))
    return parts


def _polyline(run, colour: str, width: float, dash: str) -> SafeString:
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" '
        'stroke-linejoin="round"/>',
        " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
        colour,
        width,
        dash or "none",
    )


def _points(curve: Curve, colour: str, *, labelled: bool, other: Curve | None = None) -> list[SafeString]:
    """The curve's points; a labelled curve marks its dips and writes each point's mean and ratings beside it,
    on the side away from ``other`` (above where it lies higher, below where lower)."""
    count = len(curve.points)
    parts = []
    for index, point in enumerate(curve.points):
        if point.mean is None:
            continue
        x, y = _x(index, count), _y(point.mean)
        dip = labelled and point.below_target
        fill = DIP_COLOUR if dip else (colour if point.enough else "#ffffff")
        stroke = DIP_COLOUR if dip else colour
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="1.5">'
                "<title>{}: {} of 5, {} rating{}</title></circle>",
                _n(x),
                _n(y),
                4 if labelled else 3,
                fill,
                stroke,
                point.stage_name,
                f"{point.mean:.2f}",
                point.ratings,
                "" if point.ratings == 1 else "s",
            )
        )
        if labelled:
            beside = other.points[index].mean if other is not None else None
            above = beside is None or point.mean >= beside
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="sample">{}</text>',
                    _n(x),
                    _n(y - 10 if above else y + 19),
                    f"{point.mean:.1f} · n={point.ratings}",
                )
            )
    return parts


@register.simple_tag
def emotion_curve_chart(overall: Curve, persona: Curve) -> SafeString:
    """The persona's curve beside the overall one, with the target line and each point's ratings."""
    stages = [point.stage_name for point in persona.points]
    if not stages:
        return mark_safe("")  # noqa: S308 (constant)
    chart_id = f"emotion-{next(_ids)}"
    dips = persona.dip_sentences()
    description = (
        f"{persona.label} across {len(stages)} stages against all customers; target {persona.target:.1f} of 5. "
        + (f"Below the target: {'; '.join(dips)}." if dips else "No stage with enough ratings falls below the target.")
    )
    parts = [
        format_html(
            '<svg class="chart emotion-curve" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            f"Emotion curve of {persona.label}: mean interaction satisfaction per stage (1 to 5)",
            chart_id,
            description,
        )
    ]
    for tick in (1, 2, 3, 4, 5):
        y = _y(tick)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e3e7eb"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                LEFT - 6,
                _n(y + 4),
                tick,
            )
        )
    target_y = _y(persona.target)
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="5 4" class="target"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}">target {}</text>',
            LEFT,
            WIDTH - RIGHT,
            _n(target_y),
            _n(target_y),
            DIP_COLOUR,
            WIDTH - RIGHT - 2,
            _n(target_y - 4),
            DIP_COLOUR,
            f"{persona.target:.1f}",
        )
    )
    parts += _line(overall, OVERALL_COLOUR, 2, "6 3")
    parts += _points(overall, OVERALL_COLOUR, labelled=False)
    parts += _line(persona, PERSONA_COLOUR, 3, "")
    parts += _points(persona, PERSONA_COLOUR, labelled=True, other=overall)
    for index, name in enumerate(stages):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(_x(index, len(stages))),
                HEIGHT - BOTTOM + 18,
                name if len(name) <= 16 else name[:15] + "…",
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    key = [
        Series(persona.label, [], PERSONA_COLOUR),
        Series("All customers", [], OVERALL_COLOUR),
        Series("Below target (enough ratings)", [], DIP_COLOUR),
    ]
    return mark_safe("".join(parts)) + legend(key)  # noqa: S308 (every part above is escaped by format_html)
