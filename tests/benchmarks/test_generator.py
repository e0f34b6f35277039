"""The reference data generator: row counts and shapes at a tiny scale (not timed)."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Min

from benchmarks import generator
from improvements.models import Initiative, Issue
from journeys.choices import ASSISTED_CHANNELS, DIGITAL_CHANNELS
from journeys.models import HealthSnapshot, Interaction, Journey, JourneyInstance, Stage, StageHealth, Touchpoint
from owners.models import Function, Ownership, Person, Responsibility, TeamMembership

from .conftest import NOW, TINY_ISSUES, TINY_JOURNEYS, TINY_SNAPSHOT_DAYS

pytestmark = pytest.mark.django_db


def test_the_generator_loads_the_expected_number_of_instances_and_about_six_interactions_each(tiny_reference_data):
    # then
    assert tiny_reference_data.counts["instances"] == 500
    assert JourneyInstance.objects.count() == 500
    assert Interaction.objects.count() == tiny_reference_data.counts["interactions"]
    assert 5.0 <= Interaction.objects.count() / 500 <= 7.0


def test_every_journey_has_four_to_six_stages_and_eight_to_fifteen_touchpoints_with_moments_of_truth(
    tiny_reference_data,
):
    # when
    journeys = Journey.objects.annotate(
        stage_count=Count("stages", distinct=True), touchpoint_count=Count("touchpoints", distinct=True)
    )

    # then
    assert journeys.count() == TINY_JOURNEYS
    for journey in journeys:
        assert 4 <= journey.stage_count <= 6
        assert 8 <= journey.touchpoint_count <= 15
        moments = Touchpoint.objects.filter(journey=journey, is_moment_of_truth=True).count()
        assert 1 <= moments <= 3
        channels = set(Touchpoint.objects.filter(journey=journey).values_list("channel", flat=True))
        assert channels & set(DIGITAL_CHANNELS)
        assert channels & set(ASSISTED_CHANNELS)
    assert Stage.objects.filter(touchpoints__isnull=True).count() == 0


def test_instances_start_over_the_last_180_days_and_interactions_happen_after_the_start(tiny_reference_data):
    # when
    span = JourneyInstance.objects.aggregate(first=Min("started_at"), last=Max("started_at"))
    too_early = Interaction.objects.filter(occurred_at__lt=F("instance__started_at")).count()

    # then
    assert span["first"] >= NOW - dt.timedelta(days=180)
    assert span["last"] <= NOW
    assert span["last"] - span["first"] > dt.timedelta(days=170)
    assert too_early == 0


def test_outcomes_mix_completed_abandoned_and_in_progress_with_ends_only_where_they_belong(tiny_reference_data):
    # when
    outcomes = Counter(JourneyInstance.objects.values_list("outcome", flat=True))

    # then
    assert outcomes["completed"] > outcomes["abandoned"] > 0
    assert outcomes["in_progress"] > 0
    assert not JourneyInstance.objects.filter(outcome="in_progress", ended_at__isnull=False).exists()
    assert not JourneyInstance.objects.filter(outcome="completed", ended_at__isnull=True).exists()


def test_segments_are_few_per_journey_and_skewed_towards_the_first(tiny_reference_data):
    for journey in Journey.objects.all():
        # when
        counts = Counter(
            JourneyInstance.objects.filter(journey=journey).exclude(segment="").values_list("segment", flat=True)
        )

        # then
        assert 1 <= len(counts) <= 5
    biggest = JourneyInstance.objects.values("journey").annotate(n=Count("id")).order_by("-n").first()["journey"]
    shares = Counter(
        JourneyInstance.objects.filter(journey=biggest).exclude(segment="").values_list("segment", flat=True)
    ).most_common()
    assert shares[0][1] > 2 * shares[-1][1]


def test_customers_are_digital_only_assisted_only_or_cross_channel(tiny_reference_data):
    # given
    patterns = Counter()
    channels_by_instance: dict[int, set[str]] = {}
    for instance_id, channel in Interaction.objects.values_list("instance_id", "channel"):
        channels_by_instance.setdefault(instance_id, set()).add(channel)

    # when
    for channels in channels_by_instance.values():
        digital = bool(channels & set(DIGITAL_CHANNELS))
        assisted = bool(channels & set(ASSISTED_CHANNELS))
        patterns["cross" if digital and assisted else "digital" if digital else "assisted" if assisted else "none"] += 1

    # then
    assert patterns["digital"] > 0
    assert patterns["assisted"] > 0
    assert patterns["cross"] > 0


def test_interactions_and_instances_carry_satisfaction_scores_from_one_to_five_with_gaps(tiny_reference_data):
    rated = Interaction.objects.filter(satisfaction__isnull=False)
    assert 0.4 < rated.count() / Interaction.objects.count() < 0.8
    assert set(rated.values_list("satisfaction", flat=True)) <= {1, 2, 3, 4, 5}
    assert JourneyInstance.objects.filter(satisfaction__isnull=False).exists()
    assert JourneyInstance.objects.filter(satisfaction__isnull=True).exists()


def test_the_organisation_around_the_data_fills_every_list(tiny_reference_data):
    assert Function.objects.count() == 12
    assert Person.objects.count() == 240
    assert Issue.objects.count() == TINY_JOURNEYS * TINY_ISSUES
    assert Initiative.objects.count() == TINY_JOURNEYS * 6
    assert TeamMembership.objects.count() >= TINY_JOURNEYS * 4
    assert Responsibility.objects.count() >= Touchpoint.objects.count()
    assert Ownership.objects.filter(ended_on__isnull=True).count() <= TINY_JOURNEYS
    segments_with_overall = sum(
        1 + len(set(JourneyInstance.objects.filter(journey=j).exclude(segment="").values_list("segment", flat=True)))
        for j in Journey.objects.all()
    )
    assert HealthSnapshot.objects.count() >= TINY_JOURNEYS * TINY_SNAPSHOT_DAYS
    assert HealthSnapshot.objects.count() <= segments_with_overall * TINY_SNAPSHOT_DAYS + TINY_JOURNEYS
    assert StageHealth.objects.count() == Stage.objects.count() * TINY_SNAPSHOT_DAYS
    assert not HealthSnapshot.objects.filter(as_of__gte=NOW.date()).exists()


def test_sequences_continue_after_the_loaded_ids_so_the_application_can_insert(tiny_reference_data):
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journeys_journeyinstance (created_at, updated_at, external_id, customer_ref, segment, "
            "started_at, outcome, journey_id) SELECT now(), now(), 'new-one', '', '', now(), 'in_progress', id "
            "FROM journeys_journey ORDER BY id LIMIT 1 RETURNING id"
        )
        new_id = cursor.fetchone()[0]

    # then
    assert new_id > JourneyInstance.objects.exclude(external_id="new-one").aggregate(top=Max("id"))["top"]


def test_a_day_generates_the_same_rows_for_the_same_seed():
    # given
    plan = generator.LoadPlan(scale=0.001, seed=3, now=NOW, total_instances=1000)
    plan.journeys = [
        generator.JourneyProfile(
            id=1,
            slug="one",
            target_seconds=10 * 86400,
            touchpoints=[(10, 0, "web"), (11, 1, "phone"), (12, 2, "field")],
            stage_count=3,
            segments=["", "Residential"],
            segment_cumulative=[0.1, 1.0],
            segment_behaviour=[(4.0, 0.2, 0.3, 0.1), (4.2, 0.5, 0.5, 0.1)],
            pattern_cumulative=(0.4, 0.7),
        )
    ]
    plan.journey_cumulative = [1.0]
    generator._set_plan(plan)

    # when
    first = generator.generate_day(100)
    second = generator.generate_day(100)
    other_day = generator.generate_day(101)

    # then
    assert first == second
    assert first[0] == generator.day_bounds(plan, 100)[1] > 0
    assert first[1] != other_day[1]
    assert first[1].count("\n") == first[0]
    assert first[3].count("\n") == first[2]
