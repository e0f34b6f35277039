"""Where to act in the API: touchpoint_health in health/ (and ?segment=), handoffs/, paths/, drivers/."""

import pytest

from journeys.choices import Channel
from journeys.services.health import journey_health_compute
from tests import factories
from tests.journeys.conftest import AS_OF, moment
from tests.journeys.services.test_health_where import driving_stage_case, three_stage_map, worked_case  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(worked_case):  # noqa: F811
    journey_health_compute(journey=worked_case.journey, as_of=AS_OF)
    return worked_case.journey


def test_anonymous_clients_get_none_of_it(api_client, computed):
    for part in ("handoffs", "paths", "drivers"):
        assert api_client.get(f"/api/v1/journeys/{computed.slug}/{part}/").status_code in (401, 403)


def test_health_lists_touchpoint_health_in_map_order(viewer_client, computed):
    body = viewer_client.get(f"/api/v1/journeys/{computed.slug}/health/").json()

    rows = {row["touchpoint"]: row for row in body["touchpoint_health"]}
    assert [row["touchpoint"] for row in body["touchpoint_health"]] == ["web", "phone", "chat", "visit"]
    assert rows["phone"] == {
        "touchpoint": "phone",
        "name": "Diagnosis call",
        "stage": "Diagnose",
        "channel": "phone",
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


def test_health_of_a_segment_gives_its_own_touchpoint_health(viewer_client, computed):
    body = viewer_client.get(f"/api/v1/journeys/{computed.slug}/health/?segment=family").json()

    assert body["segment"] == "family"
    assert body["sample_size"] == 2
    assert {row["touchpoint"]: row["reach"] for row in body["touchpoint_health"]} == {
        "web": 1.0,
        "phone": 0.5,
        "visit": 1.0,
    }


def test_health_of_a_segment_without_a_snapshot_is_404_with_the_reason(viewer_client, computed):
    response = viewer_client.get(f"/api/v1/journeys/{computed.slug}/health/?segment=solo")

    assert response.status_code == 404
    assert "fewer than 2 instances" in response.json()["detail"]


def test_handoffs_give_the_matrix_and_the_worst_hand_off(viewer_client, computed):
    body = viewer_client.get(f"/api/v1/journeys/{computed.slug}/handoffs/").json()

    assert (body["journey"], body["as_of"], body["segment"]) == (computed.slug, "2026-11-20", "")
    assert len(body["handoffs"]) == 5
    # field > phone and phone > chat both re-identify every time: the busier pair, then the channel order, wins
    assert body["worst"] == {
        "from_channel": "phone",
        "to_channel": "chat",
        "count": 1,
        "reidentification_rate": 1.0,
        "repeat_rate": 0.0,
        "satisfaction_change": None,
    }


def test_paths_give_rates_skips_top_paths_and_the_flow(viewer_client, computed):
    body = viewer_client.get(f"/api/v1/journeys/{computed.slug}/paths/").json()

    assert body["in_order_rate"] == 0.75
    assert body["back_steps_per_instance"] == 0.25
    assert [row["skip_rate"] for row in body["skip_rate"]] == [0.0, 0.3333, 0.3333]
    assert body["top_paths"][0]["stages"] == ["Order", "Diagnose"]
    assert {"source": "stage:3", "target": "stage:2", "count": 1} in body["flow"]


def test_drivers_say_how_many_complete_cases_there_are_and_how_many_are_needed(viewer_client, computed):
    body = viewer_client.get(f"/api/v1/journeys/{computed.slug}/drivers/").json()

    assert body["computed"] is False
    assert (body["complete_cases"], body["needed_cases"]) == (1, 60)
    assert body["message"] == (
        "Too few complete cases to estimate key drivers: 1 of the 4 rated instances have every predictor; "
        "60 are needed."
    )
    assert body["predictors"] == []


def test_drivers_give_importance_intervals_and_quadrants_beside_the_tier(viewer_client):
    journey_map, _, _ = driving_stage_case()
    journey_health_compute(journey=journey_map.journey, as_of=AS_OF)

    body = viewer_client.get(f"/api/v1/journeys/{journey_map.journey.slug}/drivers/").json()

    assert body["computed"] is True
    assert body["tier"] == journey_map.journey.tier
    diagnose = next(row for row in body["predictors"] if row["name"] == "stage:2")
    assert diagnose["label"] == "Diagnose"
    assert diagnose["quadrant"] == "fix first"
    assert diagnose["ci_low"] <= diagnose["importance"] <= diagnose["ci_high"]
    assert sum(row["importance"] for row in body["predictors"]) == pytest.approx(body["r_squared"], abs=3e-4)


@pytest.mark.parametrize("part", ["handoffs", "paths", "drivers"])
def test_never_computed_is_404_with_what_to_do(viewer_client, journey, part):
    response = viewer_client.get(f"/api/v1/journeys/{journey.slug}/{part}/")

    assert response.status_code == 404
    assert "recompute" in response.json()["detail"]


def test_unknown_journey_is_404(viewer_client):
    assert viewer_client.get("/api/v1/journeys/nope/paths/").status_code == 404


def grown(journey, extra_touchpoints):
    stage = journey.stages.order_by("position").first()
    for index in range(extra_touchpoints):
        touchpoint = factories.TouchpointFactory(stage=stage, key=f"extra-{index}", position=10 + index)
        instance = factories.JourneyInstanceFactory(journey=journey, started_at=moment(1), satisfaction=index % 5 + 1)
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, channel=Channel.EMAIL)
    journey_health_compute(journey=journey, as_of=AS_OF)


@pytest.mark.parametrize("url", ["health/", "handoffs/", "paths/", "drivers/"])
def test_each_endpoint_costs_the_same_queries_for_4_or_16_touchpoints(
    viewer_client, computed, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as small:
        assert viewer_client.get(f"/api/v1/journeys/{computed.slug}/{url}").status_code == 200
    grown(computed, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert viewer_client.get(f"/api/v1/journeys/{computed.slug}/{url}").status_code == 200
