"""Initiative impact with inference (design section 14): checked against hand-worked and independent figures."""

import datetime as dt
import math
import random

import numpy as np
import pytest
from django.db.models import Q

from improvements import measurement
from journeys.models import Interaction
from journeys.services.health import journey_health_compute
from tests import factories

from .helpers import add_instances, ratings

pytestmark = pytest.mark.django_db

START = dt.date(2026, 9, 1)  # work starts: before = 2 Aug .. 31 Aug
DELIVERED = dt.date(2026, 9, 20)  # after = 21 Sep .. 20 Oct
DAYS = 30
BEFORE, AFTER = measurement.periods_of(start_date=START, delivered_on=DELIVERED, days=DAYS)


def groups(journey, *, comparison=None) -> measurement.Groups:
    return measurement.Groups(
        target=Q(journey=journey, segment="") if comparison else Q(journey=journey),
        comparison=comparison,
        has_target_duration=False,
    )


def test_a_known_effect_of_half_a_point_gets_an_interval_that_holds_it_and_excludes_zero(journey):
    # given: 300 journeys each side, rated 3.0 on average before and 3.5 after
    add_instances(journey, BEFORE, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}))
    add_instances(journey, AFTER, ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55}))

    # when
    result = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=7
    )

    # then
    assert (result.before, result.after) == (pytest.approx(3.0), pytest.approx(3.5))
    assert (result.before_n, result.after_n) == (300, 300)
    assert result.effect == pytest.approx(0.5)
    assert result.ci_low < 0.5 < result.ci_high
    assert result.ci_low > 0
    assert result.verdict == "improved"


def test_the_interval_matches_the_normal_approximation_of_an_independent_computation(journey):
    before = ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30})
    after = ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55})
    add_instances(journey, BEFORE, before)
    add_instances(journey, AFTER, after)

    result = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=11
    )

    # then: the half-width of a 95% bootstrap interval of a difference of means is close to 1.96 standard errors
    standard_error = math.sqrt(np.var(before, ddof=1) / len(before) + np.var(after, ddof=1) / len(after))
    half_width = (result.ci_high - result.ci_low) / 2
    assert half_width == pytest.approx(1.96 * standard_error, rel=0.1)


def test_identical_before_and_after_data_is_inconclusive_with_zero_inside_the_interval(journey):
    same = ratings({1: 10, 2: 20, 3: 40, 4: 20, 5: 10})
    add_instances(journey, BEFORE, same)
    add_instances(journey, AFTER, same)

    result = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=3
    )

    assert result.effect == pytest.approx(0.0)
    assert result.ci_low < 0 < result.ci_high
    assert result.verdict == "inconclusive"


def test_a_seasonal_rise_shared_by_target_and_comparison_is_removed_by_the_difference_in_differences(journey):
    # given: both groups rise by half a point (the season); the initiative itself did nothing
    add_instances(journey, BEFORE, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}))
    add_instances(journey, AFTER, ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55}))
    add_instances(journey, BEFORE, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}), segment="business")
    add_instances(journey, AFTER, ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55}), segment="business")
    comparison = Q(journey=journey, segment="business")

    # when
    alone = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=5
    )
    target_only = measurement.measure_impact(
        measure="journey_csat",
        groups=measurement.Groups(target=Q(journey=journey, segment=""), comparison=None, has_target_duration=False),
        before=BEFORE,
        after=AFTER,
        seed=5,
    )
    compared = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey, comparison=comparison), before=BEFORE, after=AFTER, seed=5
    )

    # then: without a comparison the season reads as success; with one it is removed
    assert alone.verdict == target_only.verdict == "improved"
    assert target_only.effect == pytest.approx(0.5)
    assert compared.comparison_change == pytest.approx(0.5)
    assert compared.effect == pytest.approx(0.0)
    assert compared.ci_low < 0 < compared.ci_high
    assert compared.verdict == "inconclusive"
    assert (compared.comparison_before_n, compared.comparison_after_n) == (300, 300)


def test_the_bootstrap_is_identical_on_a_rerun_and_does_not_depend_on_the_order_rows_were_stored(journey):
    before = ratings({1: 12, 2: 20, 3: 33, 4: 25, 5: 10})
    after = ratings({1: 8, 2: 15, 3: 30, 4: 32, 5: 15})
    add_instances(journey, BEFORE, before)
    add_instances(journey, AFTER, after)
    other = factories.JourneyFactory(slug="reversed")
    add_instances(other, AFTER, list(reversed(after)))
    add_instances(other, BEFORE, list(reversed(before)))

    first = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=42
    )
    rerun = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=42
    )
    reordered = measurement.measure_impact(
        measure="journey_csat", groups=groups(other), before=BEFORE, after=AFTER, seed=42
    )

    figures = (first.effect, first.ci_low, first.ci_high, first.mde)
    assert (rerun.effect, rerun.ci_low, rerun.ci_high, rerun.mde) == figures
    assert (reordered.effect, reordered.ci_low, reordered.ci_high, reordered.mde) == figures


def test_the_database_answer_is_the_independent_tuples_so_postgresql_and_sqlite_resample_alike(journey):
    # The resampling reads nothing but the distinct tuples and their counts: if each database returns
    # exactly the tuples counted here in Python, both give the same interval (this test runs on both).
    before = ratings({1: 12, 2: 20, 3: 33, 4: 25, 5: 10}) + [None] * 7
    add_instances(journey, BEFORE, before)
    start, end = measurement._bounds(BEFORE)

    sample = measurement.read_sample(where=Q(journey=journey), start=start, end=end, measure="journey_csat")

    expected = sorted({(0 if v is None else 1, v or 0): before.count(v) for v in before}.items())
    assert [tuple(row) for row in sample.values.tolist()] == [key for key, _ in expected]
    assert sample.counts.tolist() == [count for _, count in expected]
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    by_hand = measurement.Sample(
        sample.fields, np.array([key for key, _ in expected]), np.array([count for _, count in expected])
    )
    assert np.array_equal(
        measurement.resampled_totals(sample, rng_a)["instance_satisfaction"],
        measurement.resampled_totals(by_hand, rng_b)["instance_satisfaction"],
    )


def test_the_minimum_detectable_effect_matches_the_normal_approximation_computed_by_hand(journey):
    # given: before the start, four ratings 3, 4, 5, 4: mean 4, squared deviations sum to 2
    add_instances(journey, BEFORE, [3, 4, 5, 4])

    mde = measurement.minimum_detectable_effect(measure="journey_csat", groups=groups(journey), before=BEFORE)

    # then: variance of the mean = 2 / (n - 1) / n = 1/6; effect variance = 2 x 1/6 (after assumed alike)
    assert mde == pytest.approx(2.8 * math.sqrt(2 * (2 / 3 / 4)), rel=1e-6)  # 1.6166


def test_the_minimum_detectable_effect_adds_the_comparisons_error(journey):
    add_instances(journey, BEFORE, [3, 4, 5, 4])
    add_instances(journey, BEFORE, [2, 4], segment="business")  # mean 3, variance of the mean 2 / 1 / 2 = 1

    mde = measurement.minimum_detectable_effect(
        measure="journey_csat",
        groups=groups(journey, comparison=Q(journey=journey, segment="business")),
        before=BEFORE,
    )

    assert mde == pytest.approx(2.8 * math.sqrt(2 * (1 / 6) + 2 * 1), rel=1e-6)  # 4.2771


def test_the_minimum_detectable_effect_of_a_rate_is_the_binomial_one(journey):
    # 7 completed and 3 abandoned: p = 0.7, variance of p = p (1 - p) / (n - 1) = 0.21 / 9
    add_instances(journey, BEFORE, [4] * 7)
    add_instances(journey, BEFORE, [4] * 3, outcome="abandoned")

    mde = measurement.minimum_detectable_effect(measure="completion_rate", groups=groups(journey), before=BEFORE)

    assert mde == pytest.approx(2.8 * math.sqrt(2 * 0.21 / 9), rel=1e-6)  # 0.6049


@pytest.mark.parametrize(
    "measure",
    [
        "journey_csat",
        "touchpoint_csat",
        "repeat_rate",
        "reidentification_rate",
        "handoffs_per_instance",
        "satisfaction_decay",
        "contacts_per_instance",
        "completion_rate",
        "score",
    ],
)
def test_a_period_reads_the_same_value_as_the_health_engine_over_the_same_days(journey, measure):
    # given: a journey with interactions on two channels, repeats and re-identifications
    journey.window_days = DAYS
    journey.save()
    web = factories.TouchpointFactory(stage__journey=journey, channel="web")
    phone = factories.TouchpointFactory(stage__journey=journey, channel="phone")
    generator = random.Random(1)
    instances = add_instances(
        journey, BEFORE, [generator.choice([None, 2, 3, 4, 5]) for _ in range(60)]
    ) + add_instances(journey, BEFORE, [3] * 10, outcome="abandoned")
    interactions = []
    for instance in instances:
        for position in range(generator.randint(0, 4)):
            touchpoint = generator.choice([web, phone])
            interactions.append(
                Interaction(
                    instance=instance,
                    external_id=f"x-{position}",
                    touchpoint=touchpoint,
                    channel=touchpoint.channel,
                    occurred_at=instance.started_at + dt.timedelta(minutes=position),
                    satisfaction=generator.choice([None, 1, 3, 4, 5]),
                    repeat=generator.random() < 0.3,
                    reidentified=generator.random() < 0.2,
                )
            )
    Interaction.objects.bulk_create(interactions)

    # when: the engine's snapshot as of the last day of the period (its window is exactly the period)
    engine = journey_health_compute(journey=journey, as_of=BEFORE.last_day)
    snapshot = engine.snapshot
    start, end = measurement._bounds(BEFORE)
    sample = measurement.read_sample(where=Q(journey=journey), start=start, end=end, measure=measure)
    value = measurement.measure_values(measure, sample.totals(), has_target_duration=False)[0]

    # then
    expected = float(getattr(snapshot, measure))
    assert value == pytest.approx(expected, abs=0.05 if measure == "score" else 1e-4)
    assert sample.n == 70


def test_drawing_instances_by_index_gives_the_same_interval_as_multinomial_counts(journey, monkeypatch):
    # Many distinct tuples (the score) are resampled by drawing instances; both ways are the same law.
    add_instances(journey, BEFORE, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}))
    add_instances(journey, AFTER, ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55}))
    by_counts = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=13
    )
    monkeypatch.setattr(measurement, "MULTINOMIAL_MAX_LEVELS", 0)

    by_index = measurement.measure_impact(
        measure="journey_csat", groups=groups(journey), before=BEFORE, after=AFTER, seed=13
    )

    assert by_index.effect == by_counts.effect
    assert by_index.ci_low == pytest.approx(by_counts.ci_low, abs=0.05)
    assert by_index.ci_high == pytest.approx(by_counts.ci_high, abs=0.05)
    assert (by_index.ci_high - by_index.ci_low) == pytest.approx(by_counts.ci_high - by_counts.ci_low, rel=0.15)


def test_drawing_by_index_sums_exactly_the_values_of_the_drawn_instances(monkeypatch):
    # Independent of the counting: replay the same draws and add up the drawn instances' values one by one.
    monkeypatch.setattr(measurement, "MULTINOMIAL_MAX_LEVELS", 0)
    generator = np.random.default_rng(21)
    values = np.unique(generator.integers(0, 7, size=(300, 3)), axis=0)
    counts = generator.integers(1, 4, size=len(values))
    sample = measurement.Sample(("completed", "abandoned", "interactions"), values, counts)
    instances = np.repeat(values, counts, axis=0)

    totals = measurement.resampled_totals(sample, np.random.default_rng(5), reps=20)

    replay = np.random.default_rng(5)
    drawn = []
    for first in range(0, 20, measurement.INDEX_DRAW_CHUNK):
        size = min(measurement.INDEX_DRAW_CHUNK, 20 - first)
        for row in replay.integers(0, sample.n, size=(size, sample.n), dtype=np.int32):
            drawn.append([sum(int(instances[i, column]) for i in row) for column in range(3)])
    expected = np.array(drawn, dtype=np.float64)
    assert np.array_equal(totals["completed"], expected[:, 0])
    assert np.array_equal(totals["abandoned"], expected[:, 1])
    assert np.array_equal(totals["interactions"], expected[:, 2])
    assert np.array_equal(totals["instances"], np.full(20, float(sample.n)))


def test_reading_a_sample_leaves_the_callers_transaction_settings_as_they_were(journey):
    # On PostgreSQL the read turns JIT off and raises work_mem for its own query only.
    from django.db import connection, transaction

    add_instances(journey, BEFORE, [3, 4, 5])
    start, end = measurement._bounds(BEFORE)

    def settings():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
            return cursor.fetchone()

    with transaction.atomic():
        before = settings()
        sample = measurement.read_sample(where=Q(journey=journey), start=start, end=end, measure="score")
        assert settings() == before
    assert sample.n == 3
