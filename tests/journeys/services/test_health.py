"""The health engine, component by component, on datasets small enough to compute by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.choices import Channel, HealthStatus, Outcome
from journeys.models import HealthSnapshot, StageHealth
from journeys.selectors.health import alert_rows, with_previous_score
from journeys.services.health import health_status, health_window, journey_health_compute
from tests import factories
from tests.journeys.conftest import AS_OF, build_map, moment

pytestmark = pytest.mark.django_db

IN_PROGRESS = {"outcome": Outcome.IN_PROGRESS, "satisfaction": None}


def compute(journey_map):
    return journey_health_compute(journey=journey_map.journey, as_of=AS_OF).snapshot


def test_journey_csat_alone_carries_the_score_when_nothing_else_has_data(journey_map):
    # given four journeys still running (no outcome, no interactions), three of them rated 5, 3 and 2
    for satisfaction in (5, 3, 2, None):
        journey_map.add_instance(outcome=Outcome.IN_PROGRESS, satisfaction=satisfaction)

    # when
    snapshot = compute(journey_map)

    # then the mean is 10 / 3 and its score (3.333 - 1) / 4 x 100 is the whole score
    assert snapshot.journey_csat == pytest.approx(3.3333)
    assert snapshot.score == Decimal("58.3")
    assert snapshot.status == HealthStatus.AT_RISK
    assert snapshot.sample_size == 4
    assert snapshot.completion_rate is None
    assert snapshot.touchpoint_csat is None
    assert snapshot.alerts == []


def test_touchpoint_csat_and_the_gap_compare_interactions_with_the_journey(journey_map):
    # given journeys rated 2 and 3, whose interactions are rated 5, 4 (first) and 4, unrated (second)
    journey_map.add_instance(
        outcome=Outcome.IN_PROGRESS,
        satisfaction=2,
        interactions=[{"touchpoint": "call", "satisfaction": 5}, {"touchpoint": "call", "satisfaction": 4}],
    )
    journey_map.add_instance(
        outcome=Outcome.IN_PROGRESS,
        satisfaction=3,
        interactions=[{"touchpoint": "call", "satisfaction": 4}, {"touchpoint": "call"}],
    )

    snapshot = compute(journey_map)

    # touchpoints 13 / 3, journey 2.5, gap 1.8333; decay over the first instance only: (5 - 4) / 5
    assert snapshot.touchpoint_csat == pytest.approx(4.3333)
    assert snapshot.journey_csat == 2.5
    assert snapshot.csat_gap == pytest.approx(1.8333)
    assert snapshot.satisfaction_decay == pytest.approx(0.2)
    # (30 x 37.5 + 15 x 100 + 10 x 100 + 10 x 60) / 65 = 65.0
    assert snapshot.score == Decimal("65.0")
    assert snapshot.status == HealthStatus.AT_RISK
    assert snapshot.alerts == ["touchpoint_paradox", "satisfaction_decay"]


def test_completion_rate_counts_completed_against_ended_journeys_only(journey_map):
    for outcome in [Outcome.COMPLETED] * 3 + [Outcome.ABANDONED, Outcome.IN_PROGRESS]:
        journey_map.add_instance(outcome=outcome, satisfaction=None)

    snapshot = compute(journey_map)

    assert snapshot.completion_rate == 0.75
    assert snapshot.score == Decimal("75.0")
    assert snapshot.status == HealthStatus.HEALTHY  # 75 is healthy: the threshold is inclusive
    assert snapshot.on_time_rate is None  # no target duration set


def test_on_time_rate_compares_durations_with_the_target_inclusively():
    journey_map = build_map(min_sample=2, window_days=30, target_duration=dt.timedelta(days=10))
    for duration in (dt.timedelta(days=10), dt.timedelta(days=5), dt.timedelta(days=10, seconds=1)):
        journey_map.add_instance(duration=duration, satisfaction=None)
    journey_map.add_instance(outcome=Outcome.ABANDONED, duration=dt.timedelta(days=1), satisfaction=None)

    snapshot = compute(journey_map)

    # 10 days exactly is on time, 10 days and a second is late; abandoned journeys are not counted
    assert snapshot.on_time_rate == pytest.approx(0.6667)
    assert snapshot.completion_rate == 0.75
    # (20 x 75 + 15 x 66.67) / 35 = 71.43
    assert snapshot.score == Decimal("71.4")
    assert snapshot.status == HealthStatus.AT_RISK


def test_contacts_per_instance_divides_interactions_by_all_journeys_in_the_window(journey_map):
    journey_map.add_instance(satisfaction=None, interactions=[{"touchpoint": "call"}] * 3)
    journey_map.add_instance(satisfaction=None, interactions=[{"touchpoint": "call"}])
    journey_map.add_instance(satisfaction=None)

    snapshot = compute(journey_map)

    assert snapshot.contacts_per_instance == pytest.approx(1.3333)
    # informational: the score comes from completion, repeat and re-identification, all perfect
    assert snapshot.score == Decimal("100.0")
    assert snapshot.status == HealthStatus.HEALTHY


def test_repeat_rate_is_the_share_of_interactions_where_the_customer_came_back(journey_map):
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[{"touchpoint": "call", "repeat": True}, {"touchpoint": "call"}, {"touchpoint": "call"}],
    )
    journey_map.add_instance(**IN_PROGRESS, interactions=[{"touchpoint": "call"}])

    snapshot = compute(journey_map)

    assert snapshot.repeat_rate == 0.25
    # (15 x 75 + 10 x 100) / 25 = 85.0
    assert snapshot.score == Decimal("85.0")
    assert snapshot.status == HealthStatus.HEALTHY


def test_reidentification_rate_is_the_share_of_interactions_where_the_customer_repeated_themselves(journey_map):
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[{"touchpoint": "call", "reidentified": True}, {"touchpoint": "visit", "reidentified": True}],
    )
    journey_map.add_instance(**IN_PROGRESS, interactions=[{"touchpoint": "call"}] * 3)

    snapshot = compute(journey_map)

    assert snapshot.reidentification_rate == 0.4
    # (15 x 100 + 10 x 60) / 25 = 84.0
    assert snapshot.score == Decimal("84.0")


def test_handoffs_count_channel_changes_in_time_order_then_id_order(journey_map):
    base = moment(1)
    hour = dt.timedelta(hours=1)
    # web -> phone -> phone -> web: two hand-offs
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[
            {"touchpoint": "web-form"},
            {"touchpoint": "call"},
            {"touchpoint": "call"},
            {"touchpoint": "web-form"},
        ],
        started_at=base,
    )
    # phone, phone: none
    journey_map.add_instance(**IN_PROGRESS, interactions=[{"touchpoint": "call"}] * 2, started_at=base)
    # same instant: the lower id (web) comes first, then phone: one hand-off
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[
            {"touchpoint": "web-form", "occurred_at": base + hour},
            {"touchpoint": "call", "occurred_at": base + hour},
        ],
        started_at=base,
    )
    # created out of time order: by time it is web, phone, phone (one hand-off; by id it would be two)
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[
            {"touchpoint": "call", "occurred_at": base + 3 * hour},
            {"touchpoint": "web-form", "occurred_at": base + hour},
            {"touchpoint": "call", "occurred_at": base + 2 * hour},
        ],
        started_at=base,
    )
    # the channel actually used counts, not the touchpoint's: a call answered by chat is a hand-off
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[{"touchpoint": "call"}, {"touchpoint": "call", "channel": Channel.CHAT}],
        started_at=base,
    )

    snapshot = compute(journey_map)

    assert snapshot.handoffs_per_instance == pytest.approx(5 / 5)
    assert snapshot.contacts_per_instance == pytest.approx(13 / 5)


def test_satisfaction_decay_compares_first_and_last_rated_interactions(journey_map):
    base = moment(1)
    hour = dt.timedelta(hours=1)
    # rated 5, unrated, 4, 3 in time order (created in another order): first 5, last 3
    journey_map.add_instance(
        **IN_PROGRESS,
        started_at=base,
        interactions=[
            {"touchpoint": "visit", "satisfaction": 3, "occurred_at": base + 4 * hour},
            {"touchpoint": "call", "satisfaction": 5, "occurred_at": base + hour},
            {"touchpoint": "call", "occurred_at": base + 2 * hour},
            {"touchpoint": "visit", "satisfaction": 4, "occurred_at": base + 3 * hour},
        ],
    )
    # rated 4, 4: first 4, last 4
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[{"touchpoint": "call", "satisfaction": 4}, {"touchpoint": "app", "satisfaction": 4}],
    )
    # a single rating tells nothing about a trajectory: left out
    journey_map.add_instance(**IN_PROGRESS, interactions=[{"touchpoint": "call", "satisfaction": 1}])

    snapshot = compute(journey_map)

    # F = (5 + 4) / 2 = 4.5, L = (3 + 4) / 2 = 3.5, (F - L) / F = 0.2222
    assert snapshot.satisfaction_decay == pytest.approx(0.2222)
    # score 100 x (1 - 2 x 0.2222) = 55.56; overall (15 x 100 + 10 x 100 + 10 x 55.56) / 35 = 87.30
    assert snapshot.score == Decimal("87.3")
    assert snapshot.status == HealthStatus.HEALTHY
    assert snapshot.alerts == ["satisfaction_decay"]  # touchpoints 3.5 of 5: no paradox


def test_rising_satisfaction_scores_a_full_trajectory_without_alert(journey_map):
    journey_map.add_instance(
        **IN_PROGRESS,
        interactions=[{"touchpoint": "call", "satisfaction": 2}, {"touchpoint": "app", "satisfaction": 4}],
    )
    journey_map.add_instance(**IN_PROGRESS)

    snapshot = compute(journey_map)

    assert snapshot.satisfaction_decay == -1.0
    assert snapshot.score == Decimal("100.0")
    assert snapshot.alerts == []


def test_channel_mix_shares_instances_by_the_channels_they_used(journey_map):
    journey_map.add_instance(interactions=[{"touchpoint": "web-form"}, {"touchpoint": "app"}])  # digital only
    journey_map.add_instance(interactions=[{"touchpoint": "call"}])  # assisted only
    journey_map.add_instance(interactions=[{"touchpoint": "visit"}, {"touchpoint": "call", "channel": "email"}])
    journey_map.add_instance(interactions=[{"touchpoint": "letter"}])  # 'other' only: left out
    journey_map.add_instance()  # no interaction: left out

    snapshot = compute(journey_map)

    assert snapshot.channel_mix == {
        "digital_only": 0.3333,
        "assisted_only": 0.3333,
        "cross_channel": 0.3333,
        "instances": 3,
    }
    assert snapshot.sample_size == 5


def test_weights_are_renormalised_over_the_components_that_have_data(journey_map):
    # given no target duration and no rating at all: completion 1 of 2, no repeat, no re-identification
    journey_map.add_instance(satisfaction=None, interactions=[{"touchpoint": "call"}])
    journey_map.add_instance(outcome=Outcome.ABANDONED, satisfaction=None, interactions=[{"touchpoint": "call"}])

    snapshot = compute(journey_map)

    # (20 x 50 + 15 x 100 + 10 x 100) / (20 + 15 + 10) = 77.78
    assert snapshot.journey_csat is None
    assert snapshot.satisfaction_decay is None
    assert snapshot.on_time_rate is None
    assert snapshot.score == Decimal("77.8")


def test_a_journey_without_data_has_no_score_and_insufficient_data(journey_map):
    snapshot = compute(journey_map)

    assert snapshot.sample_size == 0
    assert snapshot.score is None
    assert snapshot.status == HealthStatus.INSUFFICIENT_DATA
    assert snapshot.channel_mix["instances"] == 0


def test_a_sample_below_min_sample_keeps_its_score_but_is_insufficient_data(journey_map):
    journey_map.add_instance(satisfaction=5)

    snapshot = compute(journey_map)

    assert snapshot.sample_size == 1
    assert snapshot.score == Decimal("100.0")
    assert snapshot.status == HealthStatus.INSUFFICIENT_DATA


@pytest.mark.parametrize(
    ("score", "sample_size", "expected"),
    [
        (Decimal("75.0"), 30, HealthStatus.HEALTHY),
        (Decimal("74.9"), 30, HealthStatus.AT_RISK),
        (Decimal("50.0"), 30, HealthStatus.AT_RISK),
        (Decimal("49.9"), 30, HealthStatus.CRITICAL),
        (Decimal("99.0"), 29, HealthStatus.INSUFFICIENT_DATA),
    ],
)
def test_status_follows_the_thresholds(score, sample_size, expected):
    assert health_status(score=score, sample_size=sample_size, min_sample=30) == expected


def test_an_onboarding_like_journey_raises_the_touchpoint_paradox_and_satisfaction_decay(journey_map):
    # given journeys rated 3, 3, 3, 2, 2 whose every interaction scores 4 or 5, falling as they go on
    for satisfaction in (3, 3, 3, 2, 2):
        journey_map.add_instance(
            satisfaction=satisfaction,
            interactions=[
                {"touchpoint": "web-form", "satisfaction": 5},
                {"touchpoint": "call", "satisfaction": 5},
                {"touchpoint": "visit", "satisfaction": 4},
                {"touchpoint": "app", "satisfaction": 4},
                {"touchpoint": "call", "satisfaction": 4},
            ],
        )

    # when
    result = journey_health_compute(journey=journey_map.journey, as_of=AS_OF)

    # then touchpoints 22 / 5 = 4.4, the journey 13 / 5 = 2.6, decay (5 - 4) / 5 = 0.2
    snapshot = result.snapshot
    assert snapshot.touchpoint_csat == 4.4
    assert snapshot.journey_csat == 2.6
    assert snapshot.csat_gap == pytest.approx(1.8)
    assert snapshot.satisfaction_decay == 0.2
    assert snapshot.alerts == ["touchpoint_paradox", "satisfaction_decay"]
    assert result.new_alerts == ["touchpoint_paradox", "satisfaction_decay"]
    explanations = [row["explanation"] for row in alert_rows(snapshot)]
    assert explanations[0].startswith("Each touchpoint scores 4.4 of 5 but customers rate the whole journey 2.6")
    assert explanations[1].startswith("Satisfaction falls 20% between a customer's first and last rated interaction")


def test_the_window_excludes_its_start_and_includes_its_end(journey_map):
    start, end = health_window(as_of=AS_OF, window_days=30)
    assert end == dt.datetime(2026, 11, 20, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert start == dt.datetime(2026, 10, 21, 23, 59, 59, 999999, tzinfo=dt.UTC)
    microsecond = dt.timedelta(microseconds=1)
    for started_at, satisfaction in [(start, 1), (start + microsecond, 5), (end, 5), (end + microsecond, 1)]:
        journey_map.add_instance(started_at=started_at, satisfaction=satisfaction, outcome=Outcome.IN_PROGRESS)

    snapshot = compute(journey_map)

    assert snapshot.sample_size == 2
    assert snapshot.journey_csat == 5.0
    assert snapshot.window_start == start
    assert snapshot.window_end == end


def test_the_as_of_day_ends_at_midnight_in_the_project_time_zone(journey_map, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 23:30 UTC on the as-of day is already the next day in Paris: out; 22:30 UTC is in
    late = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    journey_map.add_instance(started_at=late, outcome=Outcome.IN_PROGRESS, satisfaction=1)
    journey_map.add_instance(started_at=late - dt.timedelta(hours=1), outcome=Outcome.IN_PROGRESS, satisfaction=5)

    snapshot = compute(journey_map)

    assert snapshot.sample_size == 1
    assert snapshot.journey_csat == 5.0


def test_segment_snapshots_exist_only_at_or_above_min_sample(journey_map):
    journey_map.add_instance(segment="smb", satisfaction=5)
    journey_map.add_instance(segment="smb", satisfaction=3)
    journey_map.add_instance(segment="vip", satisfaction=1)

    result = journey_health_compute(journey=journey_map.journey, as_of=AS_OF)

    assert [(s.segment, s.sample_size, s.journey_csat) for s in result.segment_snapshots] == [("smb", 2, 4.0)]
    assert result.snapshot.sample_size == 3
    assert result.snapshot.journey_csat == 3.0
    assert set(HealthSnapshot.objects.values_list("segment", flat=True)) == {"", "smb"}
    # segments get no stage health: the blueprint draws the overall population
    assert StageHealth.objects.filter(snapshot__segment="smb").count() == 0


def test_stage_health_counts_reach_drop_off_interactions_and_satisfaction(journey_map):
    journey_map.add_instance(
        outcome=Outcome.ABANDONED,
        interactions=[{"touchpoint": "web-form", "satisfaction": 4}, {"touchpoint": "visit", "satisfaction": 2}],
    )
    journey_map.add_instance(
        outcome=Outcome.ABANDONED,
        interactions=[{"touchpoint": "call", "satisfaction": 5}, {"touchpoint": "call"}],
    )
    journey_map.add_instance(interactions=[{"touchpoint": "web-form"}, {"touchpoint": "app", "satisfaction": 3}])

    snapshot = compute(journey_map)

    signup, setup = journey_map.stages
    rows = {
        row.stage_id: (row.reached, row.abandoned_here, row.interactions, row.csat)
        for row in snapshot.stage_health.all()
    }
    assert rows == {signup.pk: (3, 1, 4, 4.5), setup.pk: (2, 1, 2, 2.5)}


def test_recomputing_the_same_day_keeps_one_row_per_segment_with_the_same_figures(journey_map):
    journey_map.add_instance(segment="smb", satisfaction=4, interactions=[{"touchpoint": "call", "satisfaction": 5}])
    journey_map.add_instance(segment="smb", satisfaction=2, interactions=[{"touchpoint": "visit", "satisfaction": 3}])
    first = compute(journey_map)
    figures = HealthSnapshot.objects.filter(pk=first.pk).values().get()

    second = compute(journey_map)

    assert HealthSnapshot.objects.count() == 2  # overall and smb
    assert StageHealth.objects.count() == 2  # one per stage
    assert second.pk == first.pk
    again = HealthSnapshot.objects.filter(pk=first.pk).values().get()
    for name in ("computed_at", "updated_at"):
        figures.pop(name)
        again.pop(name)
    assert again == figures


def test_a_segment_that_falls_below_min_sample_loses_its_snapshot_of_the_day(journey_map):
    journey_map.add_instance(segment="smb")
    leaving = journey_map.add_instance(segment="smb")
    compute(journey_map)
    leaving.delete()

    compute(journey_map)

    assert list(HealthSnapshot.objects.values_list("segment", flat=True)) == [""]


def test_health_drop_compares_with_the_latest_earlier_snapshot(journey_map):
    # given today's data scores 50.0 (completion 1 of 2, nothing else)
    journey_map.add_instance(satisfaction=None)
    journey_map.add_instance(outcome=Outcome.ABANDONED, satisfaction=None)
    journey = journey_map.journey
    factories.HealthSnapshotFactory(journey=journey, as_of=AS_OF - dt.timedelta(days=5), score=Decimal("90.0"))
    factories.HealthSnapshotFactory(journey=journey, as_of=AS_OF - dt.timedelta(days=1), score=Decimal("60.0"))
    factories.HealthSnapshotFactory(journey=journey, as_of=AS_OF + dt.timedelta(days=1), score=Decimal("99.0"))

    # when: 60.0 -> 50.0 is a drop of exactly 10 points
    snapshot = compute(journey_map)

    # then
    assert snapshot.score == Decimal("50.0")
    assert snapshot.alerts == ["health_drop"]
    annotated = with_previous_score(HealthSnapshot.objects.filter(pk=snapshot.pk)).get()
    assert alert_rows(annotated)[0]["explanation"].startswith("The health score fell 10.0 points, from 60.0 on")


def test_a_drop_of_less_than_ten_points_is_no_alert(journey_map):
    journey_map.add_instance(satisfaction=None)
    journey_map.add_instance(outcome=Outcome.ABANDONED, satisfaction=None)
    factories.HealthSnapshotFactory(
        journey=journey_map.journey, as_of=AS_OF - dt.timedelta(days=1), score=Decimal("59.9")
    )

    assert compute(journey_map).alerts == []


def test_new_alerts_leave_out_those_already_raised_the_day_before(journey_map):
    journey_map.add_instance(satisfaction=None)
    journey_map.add_instance(outcome=Outcome.ABANDONED, satisfaction=None)
    factories.HealthSnapshotFactory(
        journey=journey_map.journey, as_of=AS_OF - dt.timedelta(days=1), score=Decimal("90.0"), alerts=["health_drop"]
    )

    result = journey_health_compute(journey=journey_map.journey, as_of=AS_OF)

    assert result.snapshot.alerts == ["health_drop"]
    assert result.new_alerts == []


def test_the_query_count_does_not_grow_with_segments_stages_or_rows():
    def queries_for(segments: int) -> int:
        journey_map = build_map(min_sample=1)
        for index in range(segments):
            for _ in range(3):
                journey_map.add_instance(segment=f"s{index}", interactions=[{"touchpoint": "call"}] * 2)
        with CaptureQueriesContext(connection) as context:
            journey_health_compute(journey=journey_map.journey, as_of=AS_OF)
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(6)
