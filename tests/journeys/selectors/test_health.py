"""Latest overall snapshots and worst segments of many journeys at once (the portfolio and framework reads)."""

import datetime as dt

import pytest
from django.utils import timezone

from journeys.choices import HealthStatus
from journeys.selectors.health import (
    attach_stage_health,
    latest_overall_snapshots,
    snapshot_list,
    stage_health_in_order,
    worst_segments,
)
from tests.factories import HealthSnapshotFactory, JourneyFactory, StageFactory, StageHealthFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _snapshot(journey, *, days_ago=0, segment="", score=70, status=HealthStatus.AT_RISK):
    return HealthSnapshotFactory(
        journey=journey, segment=segment, as_of=TODAY - dt.timedelta(days=days_ago), score=score, status=status
    )


def test_the_latest_overall_snapshot_of_each_journey_carries_its_previous_score():
    fresh, lagging, never = JourneyFactory(), JourneyFactory(), JourneyFactory()
    _snapshot(fresh, days_ago=2, score=60)
    _snapshot(fresh, days_ago=1, score=65)
    newest = _snapshot(fresh, score=72)
    _snapshot(fresh, segment="business", score=10)  # a segment is never the overall snapshot
    lagging_latest = _snapshot(lagging, days_ago=3, score=55)

    latest = latest_overall_snapshots([fresh.pk, lagging.pk, never.pk])

    assert set(latest) == {fresh.pk, lagging.pk}
    assert latest[fresh.pk].pk == newest.pk
    assert (float(latest[fresh.pk].previous_score), latest[fresh.pk].previous_as_of) == (
        65.0,
        TODAY - dt.timedelta(days=1),
    )
    assert latest[lagging.pk].pk == lagging_latest.pk
    assert latest[lagging.pk].previous_score is None


def test_the_worst_segment_is_taken_from_each_journey_s_own_latest_day(django_assert_num_queries):
    # given: journey A was last computed today, journey B three days ago; each has segment rows on both days
    a, b = JourneyFactory(), JourneyFactory()
    _snapshot(a)
    a_worst = _snapshot(a, segment="movers", score=30, status=HealthStatus.CRITICAL)
    _snapshot(a, segment="business", score=80, status=HealthStatus.HEALTHY)
    _snapshot(a, segment="older", days_ago=3, score=1, status=HealthStatus.CRITICAL)  # not A's latest day
    _snapshot(b, days_ago=3)
    b_worst = _snapshot(b, segment="business", days_ago=3, score=50)
    _snapshot(b, segment="movers", days_ago=3, score=90, status=HealthStatus.HEALTHY)
    _snapshot(b, segment="today only", score=5, status=HealthStatus.CRITICAL)  # newer than B's overall snapshot
    latest = latest_overall_snapshots([a.pk, b.pk])

    # when: the days come from the latest snapshots already read, one query
    with django_assert_num_queries(1):
        worst = worst_segments([a.pk, b.pk], latest=latest)

    # then: the same answer as reading the days itself
    assert {journey_id: snapshot.pk for journey_id, snapshot in worst.items()} == {a.pk: a_worst.pk, b.pk: b_worst.pk}
    assert {journey_id: snapshot.pk for journey_id, snapshot in worst_segments([a.pk, b.pk]).items()} == {
        a.pk: a_worst.pk,
        b.pk: b_worst.pk,
    }
    assert worst_segments([a.pk], latest=latest).keys() == {a.pk}


def test_a_page_s_stage_health_is_attached_in_one_query_in_stage_order_with_the_models_values(
    django_assert_num_queries,
):
    # given two snapshots whose stages were created out of position order, and one without stage health
    journey = JourneyFactory()
    later = StageFactory(journey=journey, name="Use", position=2)
    first = StageFactory(journey=journey, name="Join", position=1)
    last = StageFactory(journey=journey, name="Leave", position=3)
    today = timezone.localdate()
    snapshots = [HealthSnapshotFactory(journey=journey, as_of=today - dt.timedelta(days=days)) for days in (0, 1, 2)]
    for snapshot in snapshots[:2]:
        for stage, csat in ((later, None), (last, 3.5), (first, 4.25)):
            StageHealthFactory(snapshot=snapshot, stage=stage, reached=7, abandoned_here=2, interactions=9, csat=csat)
    page = list(snapshot_list().filter(pk__in=[s.pk for s in snapshots]).order_by("-as_of"))

    # when
    with django_assert_num_queries(1):
        attach_stage_health(page)

    # then each snapshot holds the rows its models hold, by position, and the third none
    for snapshot in page:
        models = sorted(snapshot.stage_health.all(), key=lambda row: (row.stage.position, row.stage_id))
        attached = stage_health_in_order(snapshot)
        assert [
            (r.stage_id, r.stage.name, r.stage.position, r.reached, r.abandoned_here, r.interactions, r.csat)
            for r in attached
        ] == [
            (m.stage_id, m.stage.name, m.stage.position, m.reached, m.abandoned_here, m.interactions, m.csat)
            for m in models
        ]
    assert [row.stage.name for row in page[0].stage_health_rows] == ["Join", "Use", "Leave"]
    assert page[2].stage_health_rows == []
    with django_assert_num_queries(0):
        attach_stage_health([])
