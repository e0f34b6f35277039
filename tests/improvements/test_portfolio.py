"""The portfolio at ``/``: rows, worst segment, sparkline, filters, sorting, my work, query count."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from improvements.choices import InitiativeStatus, IssueStatus
from journeys.choices import HealthStatus, JourneyStatus, Tier
from tests import factories

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _snapshot(journey, *, score, status, days_ago=0, segment="", **values):
    return factories.HealthSnapshotFactory(
        journey=journey,
        segment=segment,
        as_of=_today() - dt.timedelta(days=days_ago),
        score=score,
        status=status,
        **values,
    )


def _row_html(response, slug: str) -> str:
    match = re.search(rf'<tr id="journey-{re.escape(slug)}">(.*?)</tr>', response.text, re.S)
    assert match, f"no portfolio row for {slug}"
    return match.group(1)


def _shown_slugs(response) -> list[str]:
    return re.findall(r'<tr id="journey-([\w-]+)">', response.text)


def _get(client, user, query: str = ""):
    client.force_login(user)
    response = client.get(f"/{query}")
    assert response.status_code == 200
    return response


# --- what every row shows --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer_user", "owner_user", "team_user", "manager_user", "admin_user"])
def test_every_role_sees_each_active_journey_with_its_owner_and_health(client, request, journey, role):
    # given
    user = request.getfixturevalue(role)
    if role != "owner_user":
        request.getfixturevalue("owner_user")
    _snapshot(journey, score=64.5, status=HealthStatus.AT_RISK)
    factories.JourneyFactory(name="Drafted journey", slug="drafted", status=JourneyStatus.DRAFT)
    factories.JourneyFactory(name="Retired journey", slug="retired", status=JourneyStatus.RETIRED)

    # when
    response = _get(client, user)

    # then
    assert _shown_slugs(response) == ["onboarding"]
    row = _row_html(response, "onboarding")
    assert "Owner Person" in row
    assert "64.5" in row
    assert 'class="status status-at_risk">At risk<' in row
    assert "Journey portfolio" in response.text


def test_a_journey_without_an_owner_shows_the_gap(client, viewer_user, journey):
    response = _get(client, viewer_user)

    row = _row_html(response, "onboarding")
    assert '<span class="status status-critical">No owner</span>' in row
    assert "Not computed" in row  # no snapshot yet
    assert "Ownership gaps" in response.text


def test_the_latest_overall_snapshot_gives_the_score(client, viewer_user, journey):
    _snapshot(journey, score=81.0, status=HealthStatus.HEALTHY, days_ago=3)
    _snapshot(journey, score=47.2, status=HealthStatus.CRITICAL, days_ago=1)

    row = _row_html(_get(client, viewer_user), "onboarding")

    assert "47.2" in row
    assert "Critical" in row
    assert "81.0" not in row.split("trend-cell")[0]


def test_the_worst_segment_of_the_latest_day_is_shown_beside_a_healthy_overall_score(client, viewer_user, journey):
    # given: a healthy overall score hiding a critical segment on the same day
    _snapshot(journey, score=80.0, status=HealthStatus.HEALTHY)
    _snapshot(journey, score=41.5, status=HealthStatus.CRITICAL, segment="first-time subscribers")
    _snapshot(journey, score=88.0, status=HealthStatus.HEALTHY, segment="returning subscribers")
    # an older, even worse segment snapshot is not the current picture
    _snapshot(journey, score=10.0, status=HealthStatus.CRITICAL, segment="movers", days_ago=5)

    # when
    response = _get(client, viewer_user)

    # then
    row = _row_html(response, "onboarding")
    worst_cell = row.split("</td>")[2]
    assert "status-critical" in worst_cell
    assert "first-time subscribers · 41.5" in worst_cell
    assert "worse than overall" in worst_cell
    assert "movers" not in row
    assert response.context["rows"][0].worst_segment.segment == "first-time subscribers"


def test_without_segment_snapshots_the_row_says_no_segment_had_enough_data(client, viewer_user, journey):
    _snapshot(journey, score=80.0, status=HealthStatus.HEALTHY)

    row = _row_html(_get(client, viewer_user), "onboarding")

    assert "no segment with enough data" in row


def test_the_sparkline_draws_twelve_weeks_of_scores_with_a_text_alternative(client, viewer_user, journey):
    # given
    _snapshot(journey, score=30.0, status=HealthStatus.CRITICAL, days_ago=100)  # older than 12 weeks
    _snapshot(journey, score=60.0, status=HealthStatus.AT_RISK, days_ago=70)
    _snapshot(journey, score=65.0, status=HealthStatus.AT_RISK, days_ago=35)
    _snapshot(journey, score=72.5, status=HealthStatus.AT_RISK, days_ago=0)

    # when
    row = _row_html(_get(client, viewer_user), "onboarding")

    # then
    svg = re.search(r'<svg class="sparkline".*?</svg>', row, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "Health score of Onboarding over 12 weeks" in svg
    first_day = (_today() - dt.timedelta(days=70)).strftime("%d %b %Y")
    assert f"From 60.0 on {first_day} to 72.5 on {_today():%d %b %Y}; lowest 60.0, highest 72.5." in svg
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == 3  # the 100-day-old snapshot is left out
    assert "60.0 → 72.5" in row


def test_the_trend_reads_each_score_as_the_float_of_its_decimal(journey):
    """The trend's scores come from the database as floats: the same as converting the stored decimal."""
    from decimal import Decimal

    from improvements.portfolio import _trends
    from journeys.models import HealthSnapshot

    scores = ["0.1", "33.3", "66.7", "72.5", "99.9", "100.0", "12.3", "45.6"]
    for days_ago, score in enumerate(scores):
        _snapshot(journey, score=Decimal(score), status=HealthStatus.AT_RISK, days_ago=days_ago)
    _snapshot(journey, score=None, status=HealthStatus.INSUFFICIENT_DATA, days_ago=len(scores))  # no point
    other = factories.JourneyFactory(slug="other")
    _snapshot(other, score=Decimal("50.5"), status=HealthStatus.AT_RISK, days_ago=1)

    trends = _trends([journey.pk, other.pk], today=_today())

    stored = HealthSnapshot.objects.filter(journey=journey, score__isnull=False).order_by("as_of")
    assert trends[journey.pk] == [(snapshot.as_of, float(snapshot.score)) for snapshot in stored]
    assert [score for _day, score in trends[journey.pk]] == [float(score) for score in reversed(scores)]
    assert all(type(score) is float for _day, score in trends[journey.pk])
    assert trends[other.pk] == [(_today() - dt.timedelta(days=1), 50.5)]


def test_a_journey_without_scores_has_no_sparkline_but_says_so(client, viewer_user, journey):
    row = _row_html(_get(client, viewer_user), "onboarding")

    assert "<svg" not in row
    assert "no score yet" in row


def test_alerts_show_short_explained_labels(client, viewer_user, journey):
    _snapshot(
        journey,
        score=60.0,
        status=HealthStatus.AT_RISK,
        touchpoint_csat=4.3,
        journey_csat=2.6,
        satisfaction_decay=0.4,
        alerts=["touchpoint_paradox", "satisfaction_decay"],
    )

    row = _row_html(_get(client, viewer_user), "onboarding")

    assert "Touchpoint paradox" in row
    assert "touchpoints score 4.3/5, the whole journey 2.6/5" in row
    assert "Satisfaction decay" in row
    assert "satisfaction falls 40% from first contact to last" in row


def test_open_issues_are_counted_by_severity_from_critical_to_low(client, viewer_user, journey):
    factories.IssueFactory.create_batch(2, journey=journey, severity=4)
    factories.IssueFactory(journey=journey, severity=1, status=IssueStatus.INVESTIGATING)
    factories.IssueFactory(journey=journey, severity=4, status=IssueStatus.CLOSED)
    factories.IssueFactory(journey=journey, severity=3, status=IssueStatus.RESOLVED)

    response = _get(client, viewer_user)

    row = _row_html(response, "onboarding")
    assert "3 open" in row
    counts = re.findall(r'<ul class="plain sev-counts".*?</ul>', row, re.S)[0]
    assert re.findall(r"<li[^>]*>(.*?)</li>", counts) == ["2 critical", "0 high", "0 medium", "1 low"]


def test_only_initiatives_in_flight_are_listed(client, viewer_user, journey):
    for status in InitiativeStatus:
        factories.InitiativeFactory(journey=journey, title=f"Initiative {status.label}", status=status)

    row = _row_html(_get(client, viewer_user), "onboarding")

    for shown in ("Approved", "In progress", "Delivered"):
        assert f"Initiative {shown}" in row
    for hidden in ("Proposed", "Measured", "Cancelled"):
        assert f"Initiative {hidden}" not in row


def test_ownership_gaps_are_listed_per_journey_and_summarised(client, viewer_user, journey):
    function = factories.FunctionFactory(name="Billing", slug="billing")
    factories.ResponsibilityFactory(touchpoint__stage__journey=journey, function=function)
    journey.map_reviewed_on = timezone.localdate() - dt.timedelta(days=91)
    journey.save()

    response = _get(client, viewer_user)

    row = _row_html(response, "onboarding")
    assert "No owner" in row
    assert "Functions not on the team" in row
    assert "Map not reviewed for 90 days" in row
    summary = response.text.split('id="gaps-title"')[1]
    assert "Functions not on the team" in summary
    assert "Onboarding" in summary


def test_a_portfolio_without_active_journeys_says_what_to_do(client, manager_user, viewer_user):
    assert "Create the first journey" in _get(client, manager_user).text
    assert "ask one to add the first" in _get(client, viewer_user).text


# --- filters and sorting ---------------------------------------------------------------------------


@pytest.fixture
def portfolio(db):
    """Four active journeys with different tiers, owners, functions, health and alerts."""
    dana = factories.PersonFactory(name="Dana")
    lee = factories.PersonFactory(name="Lee")
    billing = factories.FunctionFactory(name="Billing", slug="billing")
    journeys = {
        "alpha": factories.JourneyFactory(name="Alpha", slug="alpha", tier=Tier.LEADERSHIP),
        "bravo": factories.JourneyFactory(name="Bravo", slug="bravo", tier=Tier.PARITY),
        "charlie": factories.JourneyFactory(name="Charlie", slug="charlie", tier=Tier.PARITY),
        "delta": factories.JourneyFactory(name="Delta", slug="delta", tier=Tier.LEADERSHIP),
    }
    factories.OwnershipFactory(journey=journeys["alpha"], person=dana)
    factories.OwnershipFactory(journey=journeys["bravo"], person=dana)
    factories.OwnershipFactory(journey=journeys["charlie"], person=lee)
    factories.ResponsibilityFactory(touchpoint__stage__journey=journeys["bravo"], function=billing)
    _snapshot(journeys["alpha"], score=82.0, status=HealthStatus.HEALTHY)
    _snapshot(journeys["bravo"], score=41.0, status=HealthStatus.CRITICAL, alerts=["health_drop"])
    _snapshot(journeys["charlie"], score=63.0, status=HealthStatus.AT_RISK)
    return {"dana": dana, "lee": lee, **journeys}


def test_the_default_order_is_worst_health_first_with_uncomputed_journeys_last(client, viewer_user, portfolio):
    response = _get(client, viewer_user)

    assert _shown_slugs(response) == ["bravo", "charlie", "alpha", "delta"]
    assert "sorted by health, worst first" in response.text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("worst", ["bravo", "charlie", "alpha", "delta"]),
        ("best", ["alpha", "charlie", "bravo", "delta"]),
        ("name", ["alpha", "bravo", "charlie", "delta"]),
    ],
)
def test_the_portfolio_sorts_by_health_either_way_or_by_name(client, viewer_user, portfolio, sort, expected):
    assert _shown_slugs(_get(client, viewer_user, f"?sort={sort}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?tier=leadership", ["alpha", "delta"]),
        ("?status=at_risk", ["charlie"]),
        ("?status=critical", ["bravo"]),
        ("?owner={dana}", ["bravo", "alpha"]),
        ("?owner={lee}", ["charlie"]),
        ("?owner=none", ["delta"]),
        ("?function=billing", ["bravo"]),
        ("?alert=health_drop", ["bravo"]),
        ("?tier=parity&owner={dana}", ["bravo"]),
        ("?tier=leadership&sort=name", ["alpha", "delta"]),
    ],
)
def test_filters_keep_the_matching_journeys(client, viewer_user, portfolio, query, expected):
    query = query.format(dana=portfolio["dana"].pk, lee=portfolio["lee"].pk)

    response = _get(client, viewer_user, query)

    assert _shown_slugs(response) == expected
    assert f"{len(expected)} of 4 active journeys match the filters" in response.text


def test_filters_matching_nothing_offer_to_clear_them(client, viewer_user, portfolio):
    response = _get(client, viewer_user, "?alert=satisfaction_decay")

    assert _shown_slugs(response) == []
    assert "No journey matches these filters." in response.text
    assert "Clear the filters" in response.text


def test_an_unknown_filter_value_is_reported_and_left_out(client, viewer_user, portfolio):
    response = _get(client, viewer_user, "?tier=platinum&status=critical")

    assert _shown_slugs(response) == ["bravo"]
    assert "Select a valid choice. platinum is not one of the available choices." in response.text


def test_the_filter_form_labels_every_control(client, viewer_user, portfolio):
    html = _get(client, viewer_user).text

    for name, label in [
        ("tier", "Tier"),
        ("status", "Health status"),
        ("owner", "Owner"),
        ("function", "Function involved"),
        ("alert", "Alert"),
        ("sort", "Sort by"),
    ]:
        assert f'<label for="id_{name}">{label}</label>' in html
        assert f'id="id_{name}"' in html


# --- my work ---------------------------------------------------------------------------------------


def _my_work(response) -> str:
    return response.text.split('id="my-work-title"')[1].split("</section>")[0]


def test_my_work_of_an_owner_lists_their_journeys_issues_initiatives_and_alerts(client, owner_user, journey):
    # given
    person = owner_user.person
    _snapshot(
        journey,
        score=55.0,
        status=HealthStatus.AT_RISK,
        touchpoint_csat=4.2,
        journey_csat=2.7,
        alerts=["touchpoint_paradox"],
    )
    factories.IssueFactory(journey=journey, title="Assigned to me", assignee=person, severity=4)
    factories.IssueFactory(journey=journey, title="Reported by me", reported_by=person)
    factories.IssueFactory(journey=journey, title="Closed one", assignee=person, status=IssueStatus.CLOSED)
    factories.IssueFactory(journey=journey, title="Somebody else's")
    factories.InitiativeFactory(journey=journey, title="My initiative", lead=person, status=InitiativeStatus.APPROVED)
    factories.InitiativeFactory(journey=journey, title="Finished", lead=person, status=InitiativeStatus.MEASURED)

    # when
    mine = _my_work(_get(client, owner_user))

    # then
    assert "Signed in as" in mine
    assert "Owner Person" in mine
    owned = mine.split("Journeys I own")[1].split("Teams I sit on")[0]
    assert "Onboarding" in owned
    assert "At risk" in owned
    assert "You sit on no journey team." in mine
    assert "Assigned to me" in mine
    assert "assigned to you" in mine
    assert "Reported by me" in mine
    assert "reported by you" in mine
    assert "Closed one" not in mine
    assert "Somebody else" not in mine
    assert "My initiative" in mine
    assert "Finished" not in mine
    alerts = mine.split("New alerts on my journeys")[1]
    assert "Touchpoint paradox" in alerts
    assert "Onboarding" in alerts


def test_my_work_of_a_teammate_lists_their_seat_and_the_alerts_of_that_journey(client, team_user, journey):
    _snapshot(journey, score=55.0, status=HealthStatus.AT_RISK, alerts=["health_drop"])
    other = factories.JourneyFactory(name="Unrelated", slug="unrelated")
    _snapshot(other, score=40.0, status=HealthStatus.CRITICAL, alerts=["satisfaction_decay"], satisfaction_decay=0.3)

    mine = _my_work(_get(client, team_user))

    assert "You own no journey." in mine
    seats = mine.split("Teams I sit on")[1].split("My open issues")[0]
    assert "Onboarding" in seats
    assert "as team member" in seats
    alerts = mine.split("New alerts on my journeys")[1]
    assert "Health drop" in alerts
    assert "Satisfaction decay" not in alerts
    assert "Unrelated" not in alerts


def test_my_work_of_a_manager_without_seats_explains_what_a_manager_does_here(client, manager_user, journey):
    mine = _my_work(_get(client, manager_user))

    assert "You hold no seat on a journey: as a manager you watch the portfolio below" in mine
    assert "You own no journey." in mine
    assert "You lead no initiative." in mine


def test_my_work_of_a_login_without_a_person_says_so_and_what_to_do(client, admin_user, journey):
    mine = _my_work(_get(client, admin_user))

    assert "Your login is not linked to a person in the directory." in mine
    assert "People page" in mine
    assert "Journeys I own" not in mine


def test_my_work_of_a_viewer_without_seats_says_how_work_arrives(client, viewer_user, journey):
    mine = _my_work(_get(client, viewer_user))

    assert "You hold no seat on a journey yet: a journey's owner adds you to its team" in mine


# --- query count -----------------------------------------------------------------------------------


def _populate(count: int, *, person, start: int = 0) -> None:
    """Journeys with owners (some missing), seats, responsibilities, reviews, snapshots, issues, initiatives."""
    function = factories.FunctionFactory(name="Billing", slug="billing")
    incentive = function.incentives.first() or factories.IncentiveFactory(function=function)
    for index in range(start, start + count):
        journey = factories.JourneyFactory(name=f"Journey {index:02}", slug=f"journey-{index:02}")
        if index % 3:
            factories.OwnershipFactory(journey=journey, person=person if index % 3 == 1 else factories.PersonFactory())
        factories.TeamMembershipFactory(journey=journey, person=person if index % 3 == 0 else factories.PersonFactory())
        factories.ResponsibilityFactory(touchpoint__stage__journey=journey, function=function)
        factories.IncentiveReviewFactory(incentive=incentive, journey=journey)
        for days_ago in (0, 7, 14):
            _snapshot(journey, score=50 + index, status=HealthStatus.AT_RISK, days_ago=days_ago, alerts=["health_drop"])
        _snapshot(journey, score=30, status=HealthStatus.CRITICAL, segment="first-time")
        factories.IssueFactory(journey=journey, severity=4, assignee=person)
        factories.IssueFactory(journey=journey, severity=2, reported_by=person)
        factories.InitiativeFactory(journey=journey, status=InitiativeStatus.IN_PROGRESS, lead=person)
        factories.InitiativeFactory(journey=journey, status=InitiativeStatus.APPROVED)


def _count_queries(client, query: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/{query}")
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["rows"])


@pytest.mark.parametrize("query", ["", "?sort=name&tier=parity&status=at_risk&alert=health_drop&function=billing"])
def test_the_portfolio_costs_the_same_number_of_queries_for_2_and_12_journeys(client, owner_user, query):
    # given: journeys the owner owns, sits on and works on (so "my work" is filled too)
    client.force_login(owner_user)
    _populate(2, person=owner_user.person)
    with_two, shown_of_two = _count_queries(client, query)

    # when
    _populate(10, person=owner_user.person, start=2)
    with_twelve, shown_of_twelve = _count_queries(client, query)

    # then
    assert shown_of_twelve > shown_of_two
    assert with_twelve == with_two
    assert with_two <= 25, with_two
