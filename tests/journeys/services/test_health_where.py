"""Where to act (design section 13) on a dataset small enough to compute every figure by hand.

Three stages: Order (1), Diagnose (2), Fix (3). Five instances in the window:

- A completed, rated 4, segment family: web 5 > phone 3 (reidentified) > field 4 > phone 2 (repeat,
  reidentified) > field 5: the path Order > Diagnose > Fix > Diagnose > Fix loops back once;
- B completed, rated 2, family: web 4 > field 3: skips Diagnose;
- C abandoned, unrated: web > phone 2 > chat (reidentified): Order > Diagnose, stops at the chat;
- D in progress, rated 5, no interaction: no path;
- E completed, rated 3, solo: web 4 > web 4 > phone 4: Order > Diagnose.
"""

import datetime as dt

import numpy as np
import pytest

from journeys import key_drivers
from journeys.choices import Channel, Outcome
from journeys.models import HandoffHealth, KeyDrivers, PathSummary, TouchpointHealth
from journeys.services.health import journey_health_backfill, journey_health_compute
from tests import factories
from tests.journeys.conftest import AS_OF, JourneyMap
from tests.journeys.test_key_drivers import brute_force_lmg, brute_force_r_squared

pytestmark = pytest.mark.django_db


def three_stage_map(**journey_fields) -> JourneyMap:
    journey = factories.JourneyFactory(**{"min_sample": 2, "window_days": 30, **journey_fields})
    order = factories.StageFactory(journey=journey, name="Order", position=1)
    diagnose = factories.StageFactory(journey=journey, name="Diagnose", position=2)
    fix = factories.StageFactory(journey=journey, name="Fix", position=3)
    touchpoints = {
        "web": factories.TouchpointFactory(stage=order, key="web", name="Web order", channel=Channel.WEB),
        "phone": factories.TouchpointFactory(stage=diagnose, key="phone", name="Diagnosis call", channel=Channel.PHONE),
        "chat": factories.TouchpointFactory(stage=diagnose, key="chat", name="Diagnosis chat", channel=Channel.CHAT),
        "visit": factories.TouchpointFactory(stage=fix, key="visit", name="Engineer visit", channel=Channel.FIELD),
    }
    return JourneyMap(journey=journey, stages=[order, diagnose, fix], touchpoints=touchpoints)


@pytest.fixture
def worked_case(db):
    return build_worked_case()


def build_worked_case() -> JourneyMap:
    journey_map = three_stage_map()
    add = journey_map.add_instance
    add(
        satisfaction=4,
        segment="family",
        interactions=[
            {"touchpoint": "web", "satisfaction": 5},
            {"touchpoint": "phone", "satisfaction": 3, "reidentified": True},
            {"touchpoint": "visit", "satisfaction": 4},
            {"touchpoint": "phone", "satisfaction": 2, "repeat": True, "reidentified": True},
            {"touchpoint": "visit", "satisfaction": 5},
        ],
    )
    add(
        satisfaction=2,
        segment="family",
        interactions=[{"touchpoint": "web", "satisfaction": 4}, {"touchpoint": "visit", "satisfaction": 3}],
    )
    add(
        outcome=Outcome.ABANDONED,
        satisfaction=None,
        interactions=[
            {"touchpoint": "web"},
            {"touchpoint": "phone", "satisfaction": 2},
            {"touchpoint": "chat", "reidentified": True},
        ],
    )
    add(outcome=Outcome.IN_PROGRESS, satisfaction=5)
    add(
        satisfaction=3,
        segment="solo",
        interactions=[
            {"touchpoint": "web", "satisfaction": 4},
            {"touchpoint": "web", "satisfaction": 4},
            {"touchpoint": "phone", "satisfaction": 4},
        ],
    )
    return journey_map


def touchpoint_figures(snapshot) -> dict:
    return {
        row.touchpoint.key: (
            row.interactions,
            row.instances,
            row.reach,
            row.csat,
            row.repeat_rate,
            row.reidentification_rate,
            row.abandoned_after,
            row.journey_csat_reached,
            row.journey_csat_not_reached,
        )
        for row in TouchpointHealth.objects.filter(snapshot=snapshot).select_related("touchpoint")
    }


def test_touchpoint_health_of_all_customers_matches_the_hand_computed_figures(worked_case):
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    # interactions, instances, reach (of 5), csat, repeat, re-identification, abandoned after,
    # journey csat of rated instances that reached it / did not (rated: A 4, B 2, D 5, E 3)
    assert touchpoint_figures(result.snapshot) == {
        "web": (5, 4, 0.8, 4.25, 0.0, 0.0, 0, 3.0, 5.0),
        "phone": (4, 3, 0.6, 2.75, 0.25, 0.5, 0, 3.5, 3.5),
        "chat": (1, 1, 0.2, None, 0.0, 1.0, 1, None, 3.5),
        "visit": (3, 2, 0.4, 4.0, 0.0, 0.0, 0, 3.0, 4.0),
    }


def test_touchpoint_health_of_a_segment_counts_its_own_instances_only(worked_case):
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    # family is A and B (2 = min_sample); solo (1 instance) has no snapshot and so no rows
    (family,) = result.segment_snapshots
    assert family.segment == "family"
    assert touchpoint_figures(family) == {
        "web": (2, 2, 1.0, 4.5, 0.0, 0.0, 0, 3.0, None),
        "phone": (2, 1, 0.5, 2.5, 0.5, 1.0, 0, 4.0, 2.0),
        "visit": (3, 2, 1.0, 4.0, 0.0, 0.0, 0, 3.0, None),
    }


def test_hand_offs_group_consecutive_channel_changes_by_pair(worked_case):
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    rows = {
        (row.from_channel, row.to_channel): (
            row.count,
            row.reidentification_rate,
            row.repeat_rate,
            row.satisfaction_change,
        )
        for row in HandoffHealth.objects.filter(snapshot=result.snapshot)
    }
    # web > phone: A (5 to 3, reidentified), C (unrated first), E (4 to 4); phone > chat: C, never rated
    assert rows == {
        ("web", "phone"): (3, 0.3333, 0.0, -1.0),
        ("phone", "field"): (2, 0.0, 0.0, 2.0),
        ("field", "phone"): (1, 1.0, 1.0, -2.0),
        ("web", "field"): (1, 0.0, 0.0, -1.0),
        ("phone", "chat"): (1, 1.0, 0.0, None),
    }
    # the matrix holds every hand-off of section 4: 8 over 5 instances
    assert sum(count for count, *_ in rows.values()) / 5 == result.snapshot.handoffs_per_instance
    assert not HandoffHealth.objects.filter(snapshot__in=result.segment_snapshots).exists()


def test_paths_show_the_loop_the_skipped_stage_and_the_abandoned_run(worked_case):
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    paths = PathSummary.objects.get(snapshot=result.snapshot)
    assert paths.instances_with_path == 4  # D has no interaction, so no path
    assert paths.in_order_rate == 0.75  # all but A's loop
    assert paths.back_steps_per_instance == 0.25
    # completed with a path: A, B, E; B never reached Diagnose, E never reached Fix
    assert paths.skip_rates == [
        {"position": 1, "name": "Order", "skip_rate": 0.0},
        {"position": 2, "name": "Diagnose", "skip_rate": 0.3333},
        {"position": 3, "name": "Fix", "skip_rate": 0.3333},
    ]
    assert [
        (path["stages"], path["instances"], path["share"], path["journey_csat"], path["completion_rate"])
        for path in paths.top_paths
    ] == [
        (["Order", "Diagnose"], 2, 0.5, 3.0, 0.5),  # C unrated and abandoned, E rated 3 and completed
        (["Order", "Diagnose", "Fix", "Diagnose", "Fix"], 1, 0.25, 4.0, 1.0),  # ties by name: D before F
        (["Order", "Fix"], 1, 0.25, 2.0, 1.0),
    ]
    assert {(edge["source"], edge["target"]): edge["count"] for edge in paths.flow} == {
        ("start", "stage:1"): 4,
        ("stage:1", "stage:2"): 3,
        ("stage:2", "stage:3"): 2,
        ("stage:3", "stage:2"): 1,  # the loop back to diagnosis
        ("stage:1", "stage:3"): 1,
        ("stage:3", "completed"): 2,
        ("stage:2", "completed"): 1,
        ("stage:2", "abandoned"): 1,
    }


def test_too_few_complete_cases_are_counted_and_nothing_is_estimated(worked_case):
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    drivers = KeyDrivers.objects.get(snapshot=result.snapshot)
    # rated: A, B, D, E; every stage is rated in at least half of them; only A has all three rated
    assert (drivers.rated_instances, drivers.complete_cases) == (4, 1)
    assert drivers.needed_cases == 60  # 6 candidate predictors x 10
    assert drivers.r_squared is None
    assert drivers.predictors == []


def test_recomputing_the_same_day_replaces_the_rows(worked_case):
    journey_health_compute(journey=worked_case.journey, as_of=AS_OF)
    result = journey_health_compute(journey=worked_case.journey, as_of=AS_OF)

    assert TouchpointHealth.objects.filter(snapshot=result.snapshot).count() == 4
    assert TouchpointHealth.objects.count() == 4 + 3
    assert HandoffHealth.objects.count() == 5
    assert PathSummary.objects.count() == 1
    assert KeyDrivers.objects.count() == 1


def test_a_backfill_stores_every_day_but_no_key_drivers(worked_case):
    # given the instances started one day before the as-of day: the day before that sees nothing
    results = journey_health_backfill(
        journey=worked_case.journey, first_as_of=AS_OF - dt.timedelta(days=2), last_as_of=AS_OF
    )

    last = results[-1].snapshot
    assert touchpoint_figures(last)["phone"] == (4, 3, 0.6, 2.75, 0.25, 0.5, 0, 3.5, 3.5)
    assert PathSummary.objects.get(snapshot=last).in_order_rate == 0.75
    assert PathSummary.objects.get(snapshot=results[0].snapshot).instances_with_path == 0
    assert not TouchpointHealth.objects.filter(snapshot=results[0].snapshot).exists()
    assert not KeyDrivers.objects.exists()


def driving_stage_case():
    """60 rated instances: Diagnose's satisfaction drives the journey's; Order and Fix are rated alike (collinear)."""
    journey_map = three_stage_map(min_sample=2)
    rows = []
    for index in range(60):
        order = fix = 3 + index % 3
        diagnose = 1 + index % 4
        satisfaction = min(5, diagnose + 1) if index % 7 == 0 else diagnose
        journey_map.add_instance(
            satisfaction=satisfaction,
            interactions=[
                {"touchpoint": "web", "satisfaction": order},
                {"touchpoint": "phone", "satisfaction": diagnose},
                {"touchpoint": "visit", "satisfaction": fix},
            ],
        )
        rows.append((order, diagnose, fix, satisfaction))
    data = np.array(rows, dtype=float)
    return journey_map, data[:, :3], data[:, 3]


def test_key_drivers_name_the_stage_that_drives_satisfaction_as_fix_first():
    journey_map, x, y = driving_stage_case()

    result = journey_health_compute(journey=journey_map.journey, as_of=AS_OF)

    drivers = KeyDrivers.objects.get(snapshot=result.snapshot)
    # the counts are constant (no repeat, no re-identification, two hand-offs each): dropped
    assert [p["name"] for p in drivers.predictors] == ["stage:1", "stage:2", "stage:3"]
    assert (drivers.complete_cases, drivers.needed_cases) == (60, 30)
    expected = brute_force_lmg(x, y)
    assert [p["importance"] for p in drivers.predictors] == pytest.approx(expected, abs=1e-4)
    assert drivers.r_squared == pytest.approx(brute_force_r_squared(x, y, [0, 1, 2]), abs=1e-4)
    assert sum(p["importance"] for p in drivers.predictors) == pytest.approx(drivers.r_squared, abs=3e-4)
    order, diagnose, fix = drivers.predictors
    assert order["importance"] == fix["importance"]  # collinear: shared equally
    assert (order["performance"], diagnose["performance"]) == (4.0, 2.5)
    assert diagnose["quadrant"] == "fix first"
    assert order["quadrant"] == fix["quadrant"] == "possible over-investment"
    # the bootstrap is seeded from the journey and the day: the same figures from the same rows
    again = key_drivers.lmg(x, y, seed=[journey_map.journey.pk, AS_OF.toordinal()])
    assert [p["ci_low"] for p in drivers.predictors] == [round(v, 4) for v in again.ci_low.tolist()]
    assert [p["ci_high"] for p in drivers.predictors] == [round(v, 4) for v in again.ci_high.tolist()]
    assert diagnose["ci_low"] > order["ci_high"]
