"""Emotion curves of personas (issue 20 item 3): a hand-worked case, and a brute force over random rows."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from journeys.models import Interaction
from journeys.selectors.personas import dip_sentence, emotion_curves
from journeys.services.health import health_window
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)


def _moment(days_before: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(AS_OF - dt.timedelta(days=days_before), dt.time(10)))


def _map(journey, names=("Order", "Install", "Settling in")):
    stages = [factories.StageFactory(journey=journey, name=name, position=index) for index, name in enumerate(names)]
    touchpoints = [factories.TouchpointFactory(stage=stage, key=f"tp-{stage.position}") for stage in stages]
    return stages, touchpoints


def _instance(journey, segment, *, days_before=5, ratings=()):
    """An instance of ``segment`` with one interaction per (touchpoint, satisfaction) in ``ratings``."""
    instance = factories.JourneyInstanceFactory(
        journey=journey, segment=segment, started_at=_moment(days_before), ended_at=None, outcome="in_progress"
    )
    for index, (touchpoint, satisfaction) in enumerate(ratings):
        factories.InteractionFactory(
            instance=instance,
            touchpoint=touchpoint,
            satisfaction=satisfaction,
            occurred_at=instance.started_at + dt.timedelta(hours=index + 1),
        )
    return instance


def test_a_hand_worked_curve_names_the_stage_where_the_persona_dips_below_the_target():
    # given a journey with target score 75 (a rating of 4.0), a minimum of 2 ratings per stage, three stages
    journey = factories.JourneyFactory(target_score=75, min_sample=2, window_days=30)
    stages, (order, install, settling) = _map(journey)
    first_time = factories.PersonaFactory(journey=journey, name="First-timer", segment="first-time")
    # first-timers: Order 5, 5 -> 5.0; Install 4, 3 -> 3.5; Settling in 2 (one rating: too few to judge)
    _instance(journey, "first-time", ratings=[(order, 5), (install, 4), (settling, 2)])
    _instance(journey, "first-time", ratings=[(order, 5), (install, 3), (settling, None)])
    # returning: Order 4; Install 5, 5; Settling in 5, 4
    _instance(journey, "returning", ratings=[(order, 4), (install, 5), (settling, 5)])
    _instance(journey, "returning", ratings=[(install, 5), (settling, 4)])
    # outside the window (started 31 days before): never counted
    _instance(journey, "first-time", days_before=31, ratings=[(order, 1), (install, 1), (settling, 1)])

    # when
    curves = emotion_curves(journey, [first_time], as_of=AS_OF)

    # then: overall Order (5+5+4)/3, Install (4+3+5+5)/4, Settling in (2+5+4)/3
    overall = [(point.stage_name, point.mean, point.ratings) for point in curves.overall.points]
    assert overall == [("Order", 14 / 3, 3), ("Install", 17 / 4, 4), ("Settling in", 11 / 3, 3)]
    curve = curves.curve_of(first_time)
    assert [(point.mean, point.ratings, point.enough) for point in curve.points] == [
        (5.0, 2, True),
        (3.5, 2, True),
        (2.0, 1, False),
    ]
    assert curves.target == 4.0
    assert [point.stage_name for point in curve.dips] == ["Install"]  # Settling in is lower but rests on 1 rating
    assert curve.dip_sentences() == ["Install: 3.5 against a target of 4.0, 2 ratings"]
    assert [point.stage_name for point in curves.overall.dips] == ["Settling in"]


def test_a_persona_whose_segment_has_no_data_has_an_empty_unjudged_curve():
    journey = factories.JourneyFactory(min_sample=1)
    _, (order, *_rest) = _map(journey)
    persona = factories.PersonaFactory(journey=journey, segment="nobody records this")
    _instance(journey, "first-time", ratings=[(order, 5)])

    curve = emotion_curves(journey, [persona], as_of=AS_OF).curve_of(persona)

    assert curve.ratings == 0
    assert not curve.judged
    assert curve.dips == []
    assert [point.mean for point in curve.points] == [None, None, None]


def test_a_retired_stage_is_left_out_of_the_curve():
    journey = factories.JourneyFactory(min_sample=1)
    stages, (order, install, _) = _map(journey)
    stages[1].retired_at = timezone.now()
    stages[1].save()
    persona = factories.PersonaFactory(journey=journey, segment="first-time")
    _instance(journey, "first-time", ratings=[(order, 5), (install, 1)])

    curves = emotion_curves(journey, [persona], as_of=AS_OF)

    assert [point.stage_name for point in curves.overall.points] == ["Order", "Settling in"]


def test_the_dip_sentence_shows_two_decimals_when_one_would_read_as_the_target():
    from journeys.selectors.personas import CurvePoint

    point = CurvePoint(1, "Install", 1, 3.96, 412, True, True)

    assert dip_sentence(point, 4.0) == "Install: 3.96 against a target of 4.0, 412 ratings"


def _brute_force(journey, segment: str | None, as_of: dt.date) -> dict[str, tuple[float | None, int]]:
    """Per stage name: (mean, ratings), from every interaction row read one by one in Python."""
    start, end = health_window(as_of=as_of, window_days=journey.window_days)
    sums, counts = {}, {}
    for interaction in Interaction.objects.select_related("instance", "touchpoint__stage"):
        instance = interaction.instance
        if instance.journey_id != journey.pk or not start < instance.started_at <= end:
            continue
        if interaction.satisfaction is None or (segment is not None and instance.segment != segment):
            continue
        name = interaction.touchpoint.stage.name
        sums[name] = sums.get(name, 0) + interaction.satisfaction
        counts[name] = counts.get(name, 0) + 1
    return {name: (sums[name] / counts[name], counts[name]) for name in counts}


@pytest.mark.parametrize("seed", [7, 20, 2026])
def test_curves_match_a_brute_force_over_random_rows_in_constant_queries(seed, django_assert_num_queries):
    # given random instances of three segments, inside and outside the window, on two journeys
    rng = random.Random(seed)
    journey = factories.JourneyFactory(window_days=20, min_sample=3)
    other = factories.JourneyFactory()
    _, touchpoints = _map(journey, names=("A", "B", "C", "D"))
    _, other_touchpoints = _map(other, names=("A", "B"))
    segments = ["first-time", "returning", "business", ""]
    for _ in range(60):
        chosen = [(rng.choice(touchpoints), rng.choice([None, 1, 2, 3, 4, 5])) for _ in range(rng.randint(0, 5))]
        _instance(journey, rng.choice(segments), days_before=rng.randint(0, 25), ratings=chosen)
    _instance(other, "first-time", ratings=[(other_touchpoints[0], 1)])
    personas = [
        factories.PersonaFactory(journey=journey, name="New", segment="first-time"),
        factories.PersonaFactory(journey=journey, name="Loyal", segment="returning"),
        factories.PersonaFactory(journey=journey, name="Also new", segment="first-time"),
    ]

    # when: two queries (stages, one aggregate) whatever the rows and the personas
    with django_assert_num_queries(2):
        curves = emotion_curves(journey, personas, as_of=AS_OF)

    # then
    def as_dict(curve):
        return {point.stage_name: (point.mean, point.ratings) for point in curve.points if point.ratings}

    assert as_dict(curves.overall) == _brute_force(journey, None, AS_OF)
    for persona, curve in curves.personas:
        expected = _brute_force(journey, persona.segment, AS_OF)
        assert as_dict(curve) == expected
        target = curves.target
        assert [point.stage_name for point in curve.dips] == [
            name for name, (mean, ratings) in sorted(expected.items()) if ratings >= 3 and mean < target
        ]
