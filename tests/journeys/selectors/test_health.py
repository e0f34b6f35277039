"""Latest overall snapshots and worst segments of many journeys at once (the portfolio and framework reads)."""

import datetime as dt

import pytest
from django.utils import timezone

from journeys.choices import HealthStatus
from journeys.selectors.health import latest_overall_snapshots, worst_segments
from tests.factories import HealthSnapshotFactory, JourneyFactory

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
