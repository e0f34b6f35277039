"""Template helpers of the improvements pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from improvements.impact import format_delta, format_value, lower_is_better
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
def expected_gain_display(initiative):
    """The expected gain in its component's unit: "+0.20", "−5.0 percentage points"."""
    if initiative.expected_gain is None:
        return "–"
    return format_delta(initiative.target_component, initiative.expected_gain)


@register.filter
def journey_url(journey):
    """The journey page."""
    return journey.get_absolute_url()


NUMBER_LINE_WIDTH, NUMBER_LINE_HEIGHT = 560, 100
_AXIS_Y, _PAD = 56, 28


@register.simple_tag
def impact_number_line(impact) -> SafeString:
    """The effect with its 95% interval on a number line around 0 (no change), the better side marked.

    An ``<svg role="img">`` drawn here, with a title and a description in words; no script.
    """
    if impact is None:
        return mark_safe("")  # noqa: S308 - a constant
    points = [impact.ci_low, impact.ci_high, impact.effect, 0.0]
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    low, high = low - span * 0.15, high + span * 0.15

    def x(value: float) -> float:
        return _PAD + (NUMBER_LINE_WIDTH - 2 * _PAD) * (value - low) / (high - low)

    colour = {"improved": "#1a7f37", "worsened": "#b42318", "inconclusive": "#6b7280"}[impact.verdict]
    better_right = not lower_is_better(impact.component)
    zero = x(0.0)
    better_from, better_to = (zero, NUMBER_LINE_WIDTH - _PAD) if better_right else (_PAD, zero)
    arrow = "better →" if better_right else "← better"
    arrow_x = (better_from + better_to) / 2
    interval = f"{impact.delta(impact.ci_low)} to {impact.delta(impact.ci_high)}"
    title = f"Effect {impact.delta(impact.effect)}, 95% interval {interval}"
    side = "right" if better_right else "left"
    desc = f"{impact.headline}. The better side is to the {side} of no change (0)."

    def n(value: float) -> str:
        return f"{value:.1f}"

    return format_html(
        '<svg class="number-line" role="img" aria-labelledby="nl-title nl-desc" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMidYMid meet">'
        '<title id="nl-title">{title}</title><desc id="nl-desc">{desc}</desc>'
        '<rect x="{bf}" y="{top}" width="{bw}" height="40" fill="#e8f5e9"></rect>'
        '<text x="{ax}" y="{arrow_y}" text-anchor="middle" font-size="12" fill="#1a7f37">{arrow}</text>'
        '<line x1="{pad}" y1="{y}" x2="{right}" y2="{y}" stroke="#374151" stroke-width="1"></line>'
        '<line x1="{zero}" y1="{top}" x2="{zero}" y2="{zero_bottom}" stroke="#111827" stroke-width="1.5" '
        'stroke-dasharray="3 3"></line>'
        '<text x="{zero}" y="{label_y}" text-anchor="middle" font-size="11" fill="#111827">0 (no change)</text>'
        '<line x1="{lo}" y1="{y}" x2="{hi}" y2="{y}" stroke="{colour}" stroke-width="6" '
        'stroke-linecap="round"><title>95% interval</title></line>'
        '<circle cx="{effect}" cy="{y}" r="7" fill="#ffffff" stroke="{colour}" stroke-width="3">'
        "<title>Effect {effect_text}</title></circle>"
        '<text x="{lo}" y="{tick_y}" text-anchor="middle" font-size="11" fill="#374151">{low_text}</text>'
        '<text x="{hi}" y="{tick_y}" text-anchor="middle" font-size="11" fill="#374151">{high_text}</text>'
        '<text x="{effect}" y="{effect_y}" text-anchor="middle" font-size="12" font-weight="bold" '
        'fill="{colour}">{effect_text}</text>'
        "</svg>",
        w=NUMBER_LINE_WIDTH,
        h=NUMBER_LINE_HEIGHT,
        title=title,
        desc=desc,
        bf=n(better_from),
        bw=n(max(better_to - better_from, 0)),
        top=_AXIS_Y - 20,
        ax=n(arrow_x),
        arrow_y=_AXIS_Y - 24,
        arrow=arrow,
        pad=_PAD,
        right=NUMBER_LINE_WIDTH - _PAD,
        y=_AXIS_Y,
        zero=n(zero),
        zero_bottom=_AXIS_Y + 20,
        label_y=_AXIS_Y + 34,
        lo=n(x(impact.ci_low)),
        hi=n(x(impact.ci_high)),
        colour=colour,
        effect=n(x(impact.effect)),
        effect_text=impact.delta(impact.effect),
        low_text=impact.delta(impact.ci_low),
        high_text=impact.delta(impact.ci_high),
        tick_y=_AXIS_Y + 18,
        effect_y=_AXIS_Y - 12,
    )
