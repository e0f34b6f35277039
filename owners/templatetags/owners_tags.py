"""Template helpers of the owners app."""

import itertools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from owners.choices import Direction
from owners.evidence import evidence_sentence
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


WIDTH, HEIGHT = 520, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 52
_chart_ids = itertools.count(1)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _span(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        return low - 1, high + 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


@register.simple_tag
def evidence_scatter(evidence, incentive, journey) -> SafeString:
    """The periods of the evidence as a scatter: the incentive's value across, the journey's score up.

    An ``<svg role="img">`` with a title and description; each point carries its period in a
    ``<title>`` (the template also lists the periods as a table for a full text alternative).
    """
    points = list(getattr(evidence, "points", None) or [])
    if not points:
        return mark_safe("")  # noqa: S308 (constant)
    chart_id = f"scatter-{next(_chart_ids)}"
    xs = [float(point["value"]) for point in points]
    ys = [float(point["score"]) for point in points]
    x_low, x_high = _span(xs)
    y_low, y_high = _span(ys)

    def x(value: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (value - x_low) / (x_high - x_low)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - y_low) / (y_high - y_low))

    better = "left" if incentive.direction == Direction.LOWER_IS_BETTER else "right"
    parts = [
        format_html(
            '<svg class="chart scatter" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            f"{incentive.name} against the health score of {journey.name}, one point per period",
            chart_id,
            f"{len(points)} periods; across: {incentive.measure} (better for {incentive.function.name} to the "
            f"{better}); up: the journey's health score.",
        ),
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9aa5b1"/><line x1="{}" x2="{}" y1="{}" y2="{}" '
            'stroke="#9aa5b1"/>',
            LEFT,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM,
            LEFT,
            LEFT,
            TOP,
            HEIGHT - BOTTOM,
        ),
    ]
    for value, anchor in ((x_low, "start"), (x_high, "end")):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}">{}</text>',
                _n(x(value)),
                HEIGHT - BOTTOM + 16,
                anchor,
                f"{value:.3g}",
            )
        )
    for value in (y_low, y_high):
        parts.append(
            format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', LEFT - 6, _n(y(value) + 4), f"{value:.0f}")
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle">{} (better for {} to the {})</text>'
            '<text x="12" y="{}" text-anchor="middle" transform="rotate(-90 12 {})">Health score</text>',
            _n((LEFT + WIDTH - RIGHT) / 2),
            HEIGHT - 8,
            incentive.name,
            incentive.function.name,
            better,
            _n((TOP + HEIGHT - BOTTOM) / 2),
            _n((TOP + HEIGHT - BOTTOM) / 2),
        )
    )
    for point, value, score in zip(points, xs, ys, strict=True):
        parts.append(
            format_html(
                '<circle class="scatter-point" cx="{}" cy="{}" r="5" fill="#1f5aa6" fill-opacity="0.75">'
                "<title>Period ending {}: {} {}, health score {}</title></circle>",
                _n(x(value)),
                _n(y(score)),
                point["period_end"],
                incentive.name,
                f"{value:g}",
                f"{score:.1f}",
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped by format_html)


@register.simple_tag
def evidence_text(evidence, incentive, journey) -> str:
    """The sentence the evidence supports ('' when none is stored yet)."""
    if evidence is None:
        return ""
    return evidence_sentence(
        signal=evidence.signal,
        periods=evidence.periods,
        rho=evidence.rho,
        ci_low=evidence.ci_low,
        ci_high=evidence.ci_high,
        period=incentive.get_period_display().lower(),
        function=incentive.function.name,
        incentive=incentive.name,
        journey=journey.name,
        components=evidence.components if "components" not in evidence.get_deferred_fields() else (),
    )
