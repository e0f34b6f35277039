"""The floor SQL of the health benchmark computes design section 4's figures (not timed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from benchmarks.floor import compute_floor
from tests import factories

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_customers(postgresql):
    """Two customers of a two-stage journey, figures worked out by hand below.

    A (segment "Retail", completed, rated 4): web rated 5, then phone rated 3 -> one hand-off,
    decay (5 - 3) / 5. B (segment "Retail", abandoned, rated 2): web rated 4 only, stops at stage 1.
    """
    journey = factories.JourneyFactory(min_sample=1, window_days=90, target_duration=None)
    first = factories.StageFactory(journey=journey, name="Order", position=0)
    second = factories.StageFactory(journey=journey, name="Install", position=1)
    web = factories.TouchpointFactory(stage=first, key="order-online", channel="web")
    phone = factories.TouchpointFactory(stage=second, key="install-call", channel="phone")
    started = timezone.now() - dt.timedelta(days=3)
    a = factories.JourneyInstanceFactory(
        journey=journey, segment="Retail", started_at=started, ended_at=started + dt.timedelta(days=1), satisfaction=4
    )
    b = factories.JourneyInstanceFactory(
        journey=journey,
        segment="Retail",
        started_at=started,
        ended_at=started + dt.timedelta(days=1),
        outcome="abandoned",
        satisfaction=2,
    )
    factories.InteractionFactory(instance=a, touchpoint=web, channel="web", satisfaction=5, occurred_at=started)
    factories.InteractionFactory(
        instance=a, touchpoint=phone, channel="phone", satisfaction=3, occurred_at=started + dt.timedelta(hours=2)
    )
    factories.InteractionFactory(instance=b, touchpoint=web, channel="web", satisfaction=4, occurred_at=started)
    # Outside the window: must not count.
    old = factories.JourneyInstanceFactory(
        journey=journey, started_at=timezone.now() - dt.timedelta(days=200), satisfaction=1
    )
    factories.InteractionFactory(instance=old, touchpoint=phone, channel="phone", satisfaction=1, repeat=True)
    return journey, first, second


def test_the_floor_gives_the_hand_computed_figures_of_a_small_journey(two_customers):
    # given
    journey, first, second = two_customers

    # when
    with connection.cursor() as cursor:
        figures = compute_floor(cursor, as_of=timezone.localdate())[journey.pk]

    # then
    overall = figures["segments"][""]
    assert overall["sample_size"] == 2
    assert overall["journey_csat"] == pytest.approx(3.0)
    assert overall["touchpoint_csat"] == pytest.approx(4.0)
    assert overall["csat_gap"] == pytest.approx(1.0)
    assert overall["completion_rate"] == pytest.approx(0.5)
    assert overall["on_time_rate"] is None
    assert overall["contacts_per_instance"] == pytest.approx(1.5)
    assert overall["repeat_rate"] == pytest.approx(0.0)
    assert overall["handoffs_per_instance"] == pytest.approx(0.5)
    assert overall["satisfaction_decay"] == pytest.approx(0.4)
    assert overall["channel_mix"] == {"digital_only": 0.5, "assisted_only": 0.0, "cross_channel": 0.5}
    # (30 x 50 + 20 x 50 + 15 x 100 + 10 x 100 + 10 x 20) / 85 = 61.18
    assert Decimal(str(overall["score"])) == Decimal("61.2")
    assert overall["status"] == "at_risk"
    assert figures["segments"]["Retail"]["sample_size"] == 2
    assert figures["stages"][first.pk] == {"reached": 2, "abandoned_here": 1, "interactions": 2, "csat": 4.5}
    assert figures["stages"][second.pk] == {"reached": 1, "abandoned_here": 0, "interactions": 1, "csat": 3.0}


def test_a_segment_below_the_minimum_sample_gets_no_figures_but_counts_in_the_overall_population(two_customers):
    # given
    journey, _first, _second = two_customers
    journey.min_sample = 3
    journey.save()

    # when
    with connection.cursor() as cursor:
        figures = compute_floor(cursor, as_of=timezone.localdate())[journey.pk]

    # then
    assert list(figures["segments"]) == [""]
    assert figures["segments"][""]["status"] == "insufficient_data"


def test_the_floor_agrees_with_the_health_service_on_generated_data(tiny_reference_data):
    # given
    health = pytest.importorskip("journeys.services.health", reason="the health engine is not merged yet")
    from benchmarks.health_bench import compare
    from journeys.models import Journey

    as_of = NOW.date()
    for journey in Journey.objects.all():
        health.journey_health_compute(journey=journey, as_of=as_of)

    # when
    with connection.cursor() as cursor:
        floor = compute_floor(cursor, as_of=as_of)
    agreement = compare(floor, as_of)

    # then
    assert agreement["populations"] >= 4
    assert agreement["stages"] >= 16
    assert agreement["touchpoints"] >= 16
    assert agreement["handoffs"] >= 4
    assert agreement["top_paths"] >= 4
    assert agreement["mismatches"] == []


def test_the_floor_gives_section_13s_hand_computed_figures(postgresql):
    # given the worked case of tests/journeys/services/test_health_where.py (a loop, a skip, an abandoned run)
    from journeys.services.health import journey_health_compute
    from tests.journeys.conftest import AS_OF
    from tests.journeys.services.test_health_where import build_worked_case

    journey = build_worked_case().journey
    journey_health_compute(journey=journey, as_of=AS_OF)

    # when
    with connection.cursor() as cursor:
        figures = compute_floor(cursor, as_of=AS_OF)[journey.pk]

    # then
    phone = journey.touchpoints.get(key="phone").pk
    assert figures["touchpoints"][("", phone)] == pytest.approx(
        {
            "interactions": 4,
            "instances": 3,
            "reach": 0.6,
            "csat": 2.75,
            "repeat_rate": 0.25,
            "reidentification_rate": 0.5,
            "abandoned_after": 0,
            "journey_csat_reached": 3.5,
            "journey_csat_not_reached": 3.5,
        }
    )
    assert figures["handoffs"][("web", "phone")] == pytest.approx(
        {"count": 3, "reidentification_rate": 1 / 3, "repeat_rate": 0.0, "satisfaction_change": -1.0}
    )
    assert {key: value["instances"] for key, value in figures["paths"].items()} == {
        ("1>2>3>2>3", "completed"): 1,
        ("1>3", "completed"): 1,
        ("1>2", "abandoned"): 1,
        ("1>2", "completed"): 1,
    }
    assert len(figures["drivers"]) == 3  # A, B, E: D is rated but has no interaction
