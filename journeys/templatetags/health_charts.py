"""Inline SVG charts of journey health, drawn by our own code (no chart library, no JavaScript).

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` referenced by
``aria-labelledby``; the templates add the data as a table in ``<details>`` for a full text
alternative. Colours always come with a legend in words.
"""

import datetime as dt
import decimal
import html
import itertools
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import numberformat
from django.utils.dates import MONTHS_3
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from journeys.health_components import AT_RISK_FROM, HEALTHY_FROM, component_score

register = template.Library()

TREND_TABLE_COLUMNS = (
    "score",
    "status",
    "journey_csat",
    "touchpoint_csat",
    "completion_rate",
    "on_time_rate",
    "repeat_rate",
    "reidentification_rate",
    "satisfaction_decay",
)

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 42, 12, 12, 28
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: list  # one per date, None where there is no value
    colour: str
    width: float = 1.5
    dash: str = ""


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(index: int, dates: list[dt.date]) -> float:
    span = (dates[-1] - dates[0]).days or 1
    return LEFT + (WIDTH - LEFT - RIGHT) * (dates[index] - dates[0]).days / span


def _y(value: float, low: float, high: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive points without gaps: a missing value breaks the line rather than bridging it."""
    runs, current = [], []
    for point in points:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def line_chart(
    *,
    title: str,
    description: str,
    dates: list[dt.date],
    series: list[Series],
    low: float,
    high: float,
    ticks: list[float],
    bands: list[tuple[float, str]] = (),
    fill_between: tuple[int, int] | None = None,
) -> SafeString:
    """A line chart of values over dates, with y ticks, optional threshold bands and a gap fill."""
    if not dates:
        return mark_safe("")  # noqa: S308 (constant)
    chart_id = f"chart-{next(_ids)}"
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
        )
    ]
    for tick in ticks:
        y = _y(tick, low, high)
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
                f"{tick:g}",
            )
        )
    for value, label in bands:
        y = _y(value, low, high)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9aa5b1" stroke-dasharray="4 4"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                WIDTH - RIGHT - 2,
                _n(y - 3),
                label,
            )
        )
    if fill_between is not None:
        upper, lower = series[fill_between[0]], series[fill_between[1]]
        pairs = [
            (index, a, b)
            for index, (a, b) in enumerate(zip(upper.values, lower.values, strict=True))
            if a is not None and b is not None
        ]
        if len(pairs) > 1:
            top = [f"{_x(i, dates):.1f},{_y(a, low, high):.1f}" for i, a, _ in pairs]
            bottom = [f"{_x(i, dates):.1f},{_y(b, low, high):.1f}" for i, _, b in reversed(pairs)]
            parts.append(
                format_html(
                    '<polygon points="{}" fill="#b42318" fill-opacity="0.10" stroke="none"/>', " ".join(top + bottom)
                )
            )
    for line in series:
        points = [
            (_x(index, dates), _y(value, low, high)) if value is not None else None
            for index, value in enumerate(line.values)
        ]
        for run in _runs(points):
            if len(run) == 1:
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="2.5" fill="{}"/>', _n(run[0][0]), _n(run[0][1]), line.colour
                    )
                )
                continue
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" '
                    'stroke-linejoin="round"/>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
                    line.colour,
                    line.width,
                    line.dash or "none",
                )
            )
    label_indexes = sorted({0, len(dates) // 2, len(dates) - 1})
    for index in label_indexes:
        anchor = "start" if index == 0 else "end" if index == len(dates) - 1 else "middle"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}">{}</text>',
                _n(_x(index, dates)),
                HEIGHT - 8,
                anchor,
                dates[index].strftime("%d %b %Y"),
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped by format_html)


def legend(series: list[Series]) -> SafeString:
    items = [
        format_html(
            '<span><span class="swatch" style="background:{}" aria-hidden="true"></span>{}</span>',
            line.colour,
            line.label,
        )
        for line in series
    ]
    return format_html('<div class="legend">{}</div>', mark_safe("".join(items)))  # noqa: S308


# Score and the weighted components, each as its 0-100 score so they share one axis.
TREND_SERIES = (
    ("score", "Health score", "#1f4e5f", 3.0, ""),
    ("journey_csat", "Journey satisfaction", "#b42318", 1.5, ""),
    ("completion_rate", "Completion", "#2f7a8f", 1.5, "6 3"),
    ("on_time_rate", "On time", "#7a5200", 1.5, "2 3"),
    ("repeat_rate", "Repeat contacts", "#6941c6", 1.5, "6 3"),
    ("reidentification_rate", "Re-identification", "#667085", 1.5, "2 3"),
    ("satisfaction_decay", "Satisfaction trajectory", "#c4320a", 1.5, "8 3 2 3"),
)


@register.simple_tag
def health_trend_chart(points: list[dict]) -> SafeString:
    """The score and the weighted components' scores (0-100) over the daily snapshots."""
    dates = [point["as_of"] for point in points]
    series = []
    for name, label, colour, width, dash in TREND_SERIES:
        if name == "score":
            values = [float(point["score"]) if point["score"] is not None else None for point in points]
        else:
            values = [component_score(name, point[name]) for point in points]
        if any(value is not None for value in values):
            series.append(Series(label, values, colour, width, dash))
    latest = next((point for point in reversed(points) if point["score"] is not None), None)
    description = (
        (
            f"{len(points)} daily snapshots from {dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}; "
            f"latest score {latest['score']}."
            if latest
            else "No score yet."
        )
        if dates
        else ""
    )
    chart = line_chart(
        title="Health score and component scores over time (0 to 100)",
        description=description,
        dates=dates,
        series=series,
        low=0,
        high=100,
        ticks=[0, 25, 50, 75, 100],
        bands=[(HEALTHY_FROM, f"healthy from {HEALTHY_FROM}"), (AT_RISK_FROM, f"at risk from {AT_RISK_FROM}")],
    )
    return chart + legend(series) if dates else chart


@register.simple_tag
def satisfaction_paradox_chart(points: list[dict]) -> SafeString:
    """Touchpoint satisfaction against journey satisfaction (1-5): the gap between them shaded."""
    dates = [point["as_of"] for point in points]
    series = [
        Series("Touchpoint satisfaction", [point["touchpoint_csat"] for point in points], "#2f7a8f", 2.5),
        Series("Journey satisfaction", [point["journey_csat"] for point in points], "#b42318", 2.5),
    ]
    latest = next(
        (
            point
            for point in reversed(points)
            if point["touchpoint_csat"] is not None and point["journey_csat"] is not None
        ),
        None,
    )
    description = (
        f"On {latest['as_of']:%d %b %Y} touchpoints scored {latest['touchpoint_csat']:.2f} of 5 "
        f"and the journey {latest['journey_csat']:.2f}."
        if latest
        else "Not enough ratings to compare touchpoints and the journey."
    )
    chart = line_chart(
        title="Touchpoint satisfaction versus journey satisfaction over time (1 to 5)",
        description=description,
        dates=dates,
        series=series,
        low=1,
        high=5,
        ticks=[1, 2, 3, 4, 5],
        fill_between=(0, 1),
    )
    return chart + legend(series) if dates else chart


MIX_PARTS = (
    ("digital_only", "Digital only", "#2f7a8f"),
    ("cross_channel", "Cross-channel", "#9a5b00"),
    ("assisted_only", "Assisted or offline only", "#1f4e5f"),
)


@register.simple_tag
def channel_mix_bar(mix: dict) -> SafeString:
    """A 100% stacked bar of the channel mix, each part labelled with its share."""
    if not mix or not mix.get("instances"):
        return mark_safe("")  # noqa: S308 (constant)
    chart_id = f"chart-{next(_ids)}"
    width, height = 640, 34
    text = "; ".join(f"{label} {100 * (mix.get(key) or 0):.0f}%" for key, label, _ in MIX_PARTS)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">Channel mix of {} journeys</title>'
            '<desc id="{}-desc">{}</desc>',
            width,
            height,
            chart_id,
            chart_id,
            chart_id,
            mix["instances"],
            chart_id,
            text,
        )
    ]
    x = 0.0
    for key, label, colour in MIX_PARTS:
        share = mix.get(key) or 0
        part_width = width * share
        if part_width <= 0:
            continue
        parts.append(
            format_html(
                '<rect x="{}" y="0" width="{}" height="{}" fill="{}"><title>{}: {}%</title></rect>',
                _n(x),
                _n(part_width),
                height,
                colour,
                label,
                f"{100 * share:.0f}",
            )
        )
        if part_width > 70:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" fill="#fff" style="fill:#fff;font-size:13px">{} {}%</text>',
                    _n(x + 6),
                    height / 2 + 5,
                    label,
                    f"{100 * share:.0f}",
                )
            )
        x += part_width
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    series = [Series(f"{label} {100 * (mix.get(key) or 0):.0f}%", [], colour) for key, label, colour in MIX_PARTS]
    return mark_safe("".join(parts)) + legend(series)  # noqa: S308 (parts escaped by format_html)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3
SPARK_MIN_SPAN = 20


@register.simple_tag
def score_sparkline(points: list, start: dt.date, end: dt.date, name: str = "") -> SafeString:
    """A small line of the health score from ``start`` to ``end``, ``points`` = [(date, score)].

    Every sparkline of a page shares the time axis (the days of the period); the vertical axis fits
    the line's own range, at least 20 points tall so that noise stays flat, and a dotted line marks
    "healthy from 75" when it falls inside. The title and description say the figures.
    """
    if not points:
        return format_html('<span class="muted small">{}</span>', "no score yet")
    chart_id = f"chart-{next(_ids)}"
    span = (end - start).days or 1
    inner_height = SPARK_HEIGHT - 2 * SPARK_PAD

    def x(day: dt.date) -> float:
        return SPARK_PAD + (SPARK_WIDTH - 2 * SPARK_PAD) * (day - start).days / span

    scores = [score for _, score in points]
    low, high = min(scores), max(scores)
    if high - low < SPARK_MIN_SPAN:
        middle = (high + low) / 2
        low, high = middle - SPARK_MIN_SPAN / 2, middle + SPARK_MIN_SPAN / 2
        if low < 0:
            low, high = 0, SPARK_MIN_SPAN
        elif high > 100:
            low, high = 100 - SPARK_MIN_SPAN, 100

    def y(score: float) -> float:
        return SPARK_PAD + inner_height * (1 - (score - low) / (high - low))

    (first_day, first), (last_day, last) = points[0], points[-1]
    description = (
        f"From {first:.1f} on {first_day:%d %b %Y} to {last:.1f} on {last_day:%d %b %Y}; "
        f"lowest {min(scores):.1f}, highest {max(scores):.1f}."
    )
    title = f"Health score of {name} over 12 weeks" if name else "Health score over 12 weeks"
    # x() and y() written out: two calls a point were a fifth of the portfolio's 50 sparklines. The same
    # operations in the same order, so the same floats.
    width, spread, first_ordinal = SPARK_WIDTH - 2 * SPARK_PAD, high - low, start.toordinal()
    coordinates = " ".join(
        f"{SPARK_PAD + width * (day.toordinal() - first_ordinal) / span:.1f},"
        f"{SPARK_PAD + inner_height * (1 - (score - low) / spread):.1f}"
        for day, score in points
    )
    line = (
        format_html(
            '<polyline points="{}" fill="none" stroke="#1f4e5f" stroke-width="1.8" stroke-linejoin="round"/>',
            coordinates,
        )
        if len(points) > 1
        else mark_safe("")  # noqa: S308 (constant)
    )
    threshold = (
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9aa5b1" stroke-dasharray="2 2"/>',
            SPARK_PAD,
            SPARK_WIDTH - SPARK_PAD,
            _n(y(HEALTHY_FROM)),
            _n(y(HEALTHY_FROM)),
        )
        if low <= HEALTHY_FROM <= high
        else mark_safe("")  # noqa: S308 (constant)
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '{}{}<circle cx="{}" cy="{}" r="2.4" fill="#1f4e5f"/></svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        threshold,
        line,
        _n(x(last_day)),
        _n(y(last)),
    )


def _number_format():
    """``django.utils.formats.number_format`` with the locale's separators looked up once, not per number.

    Without grouping (``USE_THOUSAND_SEPARATOR`` off, the default), an int and a float that ``str()``
    writes without an exponent take ``numberformat.format``'s own result directly: the int as it is,
    the float's ``str()`` with the locale's decimal separator. Everything else goes through it.
    """
    lang = get_language()
    decimal_sep = get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
    grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
    thousand_sep = get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)

    def number_format(value):
        return numberformat.format(value, decimal_sep, None, grouping, thousand_sep, use_l10n=True)

    if settings.USE_THOUSAND_SEPARATOR and grouping != 0:
        return number_format

    def ungrouped(value):
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is float:
            text = str(value)
            if "e" not in text:
                return text if decimal_sep == "." else text.replace(".", decimal_sep)
        return number_format(value)

    return ungrouped


def value_renderer():
    """A function value -> the HTML the template engine gives ``{{ value }}`` (localised, then escaped unless
    already safe), with the locale's number formats looked up once, not per value: for tags drawing many."""
    number_format = _number_format()

    def render(value) -> str:
        kind = type(value)
        if kind is str:
            return html.escape(value)  # conditional_escape's result for a plain str, without its lazy-text wrapper
        if kind is int or kind is float or kind is decimal.Decimal:
            return html.escape(str(number_format(value)))  # digits, signs and the locale's separators
        return conditional_escape(localize(value))

    return render


def day_formatter(*, year: bool = True):
    """``date_filter(day, "j M Y")`` (or ``"j M"``) for many days of a page, with the active language's
    month abbreviations looked up once: Django's formatter parses the format and translates the month for
    every day (25 µs; 180 days in the trend table). For dates: a template converts an aware datetime to
    local time before the filter sees it, this does not. None gives "" as the filter does."""
    months = {number: MONTHS_3[number].title() for number in MONTHS_3}  # as DateFormat.M writes them

    def with_year(day) -> str:
        return "" if day is None else f"{day.day} {months[day.month]} {day.year:04d}"

    def without_year(day) -> str:
        return "" if day is None else f"{day.day} {months[day.month]}"

    return with_year if year else without_year


def _cell(value, name: str, render) -> str:
    """A value as ``{{ value|default_if_none:"–" }}`` renders it (the status as ``{{ value }}``)."""
    if value is None and name != "status":
        return "\u2013"
    return render(value)


@register.simple_tag
def trend_table_rows(points: list[dict]) -> SafeString:
    """The rows of the trend's data table, the same HTML as a template loop over the points gives.

    Built here because the loop was most of the journey page's rendering: 180 days x 10 cells,
    each through the template engine's variable lookup and the locale's formats.
    """
    render = value_renderer()
    day_of = day_formatter()
    rows = []
    for point in points:
        cells = "".join(f"\n          <td>{_cell(point[name], name, render)}</td>" for name in TREND_TABLE_COLUMNS)
        day = html.escape(day_of(point["as_of"]))
        rows.append(f'\n        <tr>\n          <th scope="row">{day}</th>{cells}\n        </tr>\n        ')
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
