"""journeys.templatetags.health_charts.trend_table_rows: the trend's data table rows, as the template loop drew them."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import translation

from journeys.templatetags.health_charts import TREND_TABLE_COLUMNS, day_formatter, score_sparkline, trend_table_rows

# The loop the tag replaces in templates/journeys/partials/health_trend.html, verbatim.
LOOP = """{% for p in h.trend %}
        <tr>
          <th scope="row">{{ p.as_of|date:"j M Y" }}</th>
          <td>{{ p.score|default_if_none:"–" }}</td>
          <td>{{ p.status }}</td>
          <td>{{ p.journey_csat|default_if_none:"–" }}</td>
          <td>{{ p.touchpoint_csat|default_if_none:"–" }}</td>
          <td>{{ p.completion_rate|default_if_none:"–" }}</td>
          <td>{{ p.on_time_rate|default_if_none:"–" }}</td>
          <td>{{ p.repeat_rate|default_if_none:"–" }}</td>
          <td>{{ p.reidentification_rate|default_if_none:"–" }}</td>
          <td>{{ p.satisfaction_decay|default_if_none:"–" }}</td>
        </tr>
        {% endfor %}"""


def _point(day: int, **values) -> dict:
    point = {"as_of": dt.date(2026, 3, day), **dict.fromkeys(TREND_TABLE_COLUMNS)}
    point.update(values)
    return point


POINTS = [
    _point(
        1,
        score=Decimal("71.25"),
        status="at_risk",
        journey_csat=4.123456789,
        touchpoint_csat=3.0,
        completion_rate=0.8,
        on_time_rate=1e-05,  # floats in exponent form take numberformat's Decimal path
        repeat_rate=-0.25,
        reidentification_rate=1234567.5,
        satisfaction_decay=0,
    ),
    _point(2),  # every figure missing, the status too
    _point(3, score=Decimal("100.00"), status="<b>&", satisfaction_decay=Decimal("-1.5E-7")),
]


@pytest.mark.parametrize("language", ["en-gb", "de"])
def test_the_rows_are_the_template_loop_s_html_byte_for_byte(language, settings):
    settings.USE_THOUSAND_SEPARATOR = language == "de"  # grouping and a comma decimal separator too
    with translation.override(language):
        expected = Template(LOOP).render(Context({"h": {"trend": POINTS}}))
        assert str(trend_table_rows(POINTS)) == expected
    assert "–" in expected
    assert "&lt;b&gt;&amp;" in expected


def test_no_points_no_rows():
    assert trend_table_rows([]) == ""


@pytest.mark.parametrize("language", ["en-gb", "de", "fr", "ru"])
def test_days_are_written_as_the_date_filter_writes_them(language):
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)]  # a leap year, every month
    days += [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(9999, 12, 31)]
    with translation.override(language):
        with_year, without_year = day_formatter(), day_formatter(year=False)
        assert [with_year(day) for day in days] == [date_filter(day, "j M Y") for day in days]
        assert [without_year(day) for day in days] == [date_filter(day, "j M") for day in days]
        assert with_year(None) == date_filter(None, "j M Y") == ""


@pytest.mark.parametrize("spread", ["wide", "flat"])
def test_the_sparkline_places_each_score_on_the_period_s_days_and_the_line_s_range(spread):
    """x: 3 + 114 px x (day - start) / days of the period; y: 3 + 26 px x (1 - (score - low) / (high - low)),
    where low and high are the scores' own range, or 20 points around its middle when narrower."""
    rng = random.Random(19)
    start, end = dt.date(2026, 9, 1), dt.date(2026, 11, 24)  # 84 days
    days = sorted(rng.sample(range(85), 60))
    scores = [rng.uniform(40, 90) if spread == "wide" else rng.uniform(70, 75) for _ in days]
    points = [(start + dt.timedelta(days=day), score) for day, score in zip(days, scores, strict=True)]
    low, high = min(scores), max(scores)
    if spread == "flat":
        middle = (low + high) / 2
        low, high = middle - 10, middle + 10

    svg = str(score_sparkline(points, start, end, "Onboarding"))

    expected = " ".join(
        f"{3 + 114 * day / 84:.1f},{3 + 26 * (1 - (score - low) / (high - low)):.1f}"
        for day, score in zip(days, scores, strict=True)
    )
    assert re.search(r'<polyline points="([^"]+)"', svg).group(1) == expected
