"""improvements.templatetags.portfolio_table: the portfolio's rows, byte for byte as the template loop drew them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from improvements.choices import InitiativeStatus, IssueStatus
from improvements.portfolio import grouped_rows, portfolio_rows
from improvements.templatetags.portfolio_table import portfolio_table_rows
from journeys.choices import HealthStatus, Tier
from tests import factories

pytestmark = pytest.mark.django_db

# The loop the tag replaces in templates/improvements/portfolio.html, verbatim.
LOOP = """{% load health_charts %}{% for row in rows %}
      {% if row.starts_group %}<tr class="group-heading" id="group-{{ row.starts_group.top.slug }}"><th scope="rowgroup" colspan="9">{{ row.starts_group.top.name }} <span class="muted small">{{ row.starts_group.rows|length }} active journey{{ row.starts_group.rows|length|pluralize }} in this part of the <a href="{% url 'journeys:framework' %}">framework</a></span></th></tr>{% endif %}
      <tr id="journey-{{ row.journey.slug }}">
        <th scope="row" class="journey-cell"><a href="{{ row.journey.get_absolute_url }}">{{ row.journey.name }}</a><span class="muted small block">{{ row.journey.get_tier_display }}</span></th>
        <td>{% if row.owner %}<a href="{{ row.owner.get_absolute_url }}">{{ row.owner.name }}</a>{% else %}<span class="status status-critical">No owner</span>{% endif %}</td>
        <td class="health-cell">
          {% if row.snapshot %}
          <span class="score">{% if row.score is not None %}{{ row.score }}{% else %}–{% endif %}</span>
          <span class="status status-{{ row.status }}">{{ row.status_label }}</span>
          <span class="muted small block">as of {{ row.snapshot.as_of|date:"j M" }}</span>
          {% else %}
          <span class="status status-insufficient_data">Not computed</span>
          <span class="muted small block">no health yet</span>
          {% endif %}
        </td>
        <td>
          {% if row.worst_segment %}
          <span class="status status-{{ row.worst_segment.status }}">{{ row.worst_segment_label }}</span>
          <span class="small block">{{ row.worst_segment.segment }}{% if row.worst_segment.score is not None %} · {{ row.worst_segment.score }}{% endif %}</span>
          {% if row.segment_worse_than_overall %}<span class="small block warn-text">worse than overall</span>{% endif %}
          {% else %}
          <span class="muted small">no segment with enough data</span>
          {% endif %}
        </td>
        <td class="trend-cell">{% score_sparkline row.trend trend_start trend_end row.journey.name %}
          {% if row.trend|length > 1 %}{% with first=row.trend|first last=row.trend|last %}<span class="small block muted">{{ first.1|floatformat:1 }} → {{ last.1|floatformat:1 }}</span>{% endwith %}{% endif %}
        </td>
        <td>
          {% if row.alerts %}
          <ul class="plain compact">{% for alert in row.alerts %}<li><strong class="alert-label">{{ alert.label }}</strong>{% if alert.explanation %}<span class="small block muted">{{ alert.explanation }}</span>{% endif %}</li>{% endfor %}</ul>
          {% else %}<span class="muted small">none</span>{% endif %}
        </td>
        <td>
          {% if row.open_issue_total %}
          <a href="{% url 'improvements:issue-list' %}?journey={{ row.journey.slug|urlencode }}&amp;open=true">{{ row.open_issue_total }} open</a>
          {% else %}<span class="muted small">none open</span>{% endif %}
          {% if row.overdue_issue_total %}<a class="sev sev-4 overdue-badge block" href="{% url 'improvements:issue-list' %}?journey={{ row.journey.slug|urlencode }}&amp;overdue=true">{{ row.overdue_issue_total }} overdue</a>{% endif %}
          <ul class="plain sev-counts" aria-label="Open issues by severity">{% for entry in row.issue_counts %}<li class="{% if entry.count %}sev sev-{{ entry.severity }}{% else %}muted{% endif %}">{{ entry.count }} {{ entry.label|lower }}</li>{% endfor %}</ul>
        </td>
        <td>
          {% if row.initiatives %}
          <ul class="plain compact">{% for initiative in row.initiatives %}<li><a href="{{ initiative.get_absolute_url }}">{{ initiative.title }}</a> <span class="status status-{{ initiative.status }}">{{ initiative.get_status_display }}</span></li>{% endfor %}</ul>
          {% else %}<span class="muted small">none in flight</span>{% endif %}
        </td>
        <td>
          {% if row.gap_labels %}
          <ul class="plain compact">{% for gap in row.gap_labels %}<li class="gap gap-{{ gap.code }}">{{ gap.label }}</li>{% endfor %}</ul>
          {% else %}<span class="status status-healthy">No gaps</span>{% endif %}
        </td>
      </tr>
    {% endfor %}"""  # noqa: E501 (the template's own lines)


def _world(today: dt.date):
    """Journeys that take every branch of a row: owner or none, health or none, a score or none, a worst
    segment with and without a score, worse than overall or not, trends of 0, 1 and 3 points, alerts with
    and without an explanation, open and overdue issues, initiatives in flight, gaps, text to escape."""
    top = factories.JourneyFactory(name="Become a <customer> & stay", slug="become", tier=Tier.LEADERSHIP)
    onboarding = factories.JourneyFactory(name='Onboarding "fast" & <b>easy</b>', slug="onboarding", parent=top)
    factories.OwnershipFactory(journey=onboarding, person__name="Ana & Bo <Silva>")
    for days_ago, score in ((20, Decimal("80.55")), (10, Decimal("64.05")), (0, Decimal("72.50"))):
        factories.HealthSnapshotFactory(
            journey=onboarding,
            as_of=today - dt.timedelta(days=days_ago),
            score=score,
            status=HealthStatus.AT_RISK,
            touchpoint_csat=4.3,
            journey_csat=2.6,
            satisfaction_decay=0.4,
            alerts=["touchpoint_paradox", "satisfaction_decay", "made_up_code"],
        )
    factories.HealthSnapshotFactory(
        journey=onboarding, segment="Enterprise <i>", score=Decimal("41.20"), status=HealthStatus.CRITICAL
    )
    factories.IssueFactory.create_batch(2, journey=onboarding, severity=4)
    factories.IssueFactory(journey=onboarding, severity=1, due_date=today - dt.timedelta(days=3))
    factories.IssueFactory(journey=onboarding, severity=3, status=IssueStatus.RESOLVED)
    factories.InitiativeFactory(journey=onboarding, title="Call back <first> & fix", status=InitiativeStatus.APPROVED)
    factories.InitiativeFactory(journey=onboarding, title="One letter", status=InitiativeStatus.IN_PROGRESS)

    insufficient = factories.JourneyFactory(name="Shop & buy", slug="shop-and-buy", parent=top)
    factories.OwnershipFactory(journey=insufficient)
    factories.HealthSnapshotFactory(journey=insufficient, score=None, status=HealthStatus.INSUFFICIENT_DATA)
    factories.HealthSnapshotFactory(
        journey=insufficient, segment="SMB", score=None, status=HealthStatus.INSUFFICIENT_DATA
    )

    single = factories.JourneyFactory(name="Repair", slug="repair_2", tier=Tier.PARITY)
    factories.HealthSnapshotFactory(journey=single, score=Decimal("90.00"), status=HealthStatus.HEALTHY)
    factories.HealthSnapshotFactory(journey=single, segment="Home", score=Decimal("88.00"), status=HealthStatus.HEALTHY)
    factories.IssueFactory(journey=single, severity=2)

    factories.JourneyFactory(name="Move house", slug="move-house")  # nothing at all: no owner, no health


def _normalised(html: str) -> str:
    return re.sub(r"chart-\d+", "chart-N", html)  # each sparkline takes the next id of the process


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("language", ["en-gb", "de"])
def test_the_rows_are_the_template_loop_s_html_byte_for_byte(language, grouped, settings):
    settings.USE_THOUSAND_SEPARATOR = language == "de"  # grouping and a comma decimal separator too
    today = timezone.localdate()
    _world(today)
    rows = portfolio_rows(today=today)
    if grouped:
        rows = grouped_rows(rows)
    start, end = today - dt.timedelta(weeks=12), today
    with translation.override(language):
        expected = Template(LOOP).render(Context({"rows": rows, "trend_start": start, "trend_end": end}))
        drawn = str(portfolio_table_rows(rows, start, end))
    assert _normalised(drawn) == _normalised(expected)
    # the cases are there: escaped text, both kinds of cell, a group heading when grouped
    assert "Onboarding &quot;fast&quot; &amp; &lt;b&gt;easy&lt;/b&gt;" in expected
    assert "Ana &amp; Bo &lt;Silva&gt;" in expected
    for case in ("No owner", "Not computed", "worse than overall", "overdue</a>", "Made up code", "none in flight"):
        assert case in expected
    assert ('class="group-heading"' in expected) is grouped
    assert ('<span class="score">72,5<' if language == "de" else '<span class="score">72.5<') in expected


def test_no_rows_no_html():
    today = timezone.localdate()
    assert portfolio_table_rows([], today, today) == ""
