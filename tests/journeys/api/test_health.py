"""Health in the API: health-snapshots, journeys/{slug}/health/ and journeys/{slug}/recompute/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.models import HealthSnapshot, JourneyInstance
from journeys.services.health import journey_health_compute
from tests import factories
from tests.journeys.conftest import AS_OF

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/health-snapshots/"


def snapshots_with_stages(journey, count, *, start=AS_OF):
    stages = [factories.StageFactory(journey=journey, position=100 + index) for index in range(3)]
    for index in range(count):
        snapshot = factories.HealthSnapshotFactory(journey=journey, as_of=start - dt.timedelta(days=index))
        for stage in stages:
            factories.StageHealthFactory(snapshot=snapshot, stage=stage)


def test_anonymous_clients_get_no_health(api_client, journey):
    assert api_client.get(LIST_URL).status_code in (401, 403)
    assert api_client.get(f"/api/v1/journeys/{journey.slug}/health/").status_code in (401, 403)
    assert api_client.post(f"/api/v1/journeys/{journey.slug}/recompute/").status_code in (401, 403)


def test_the_snapshot_list_explains_components_alerts_and_stages(api_client, viewer_user, journey_map):
    for satisfaction in (3, 3, 2):
        journey_map.add_instance(
            satisfaction=satisfaction,
            interactions=[{"touchpoint": "call", "satisfaction": 5}, {"touchpoint": "visit", "satisfaction": 4}],
        )
    journey_health_compute(journey=journey_map.journey, as_of=AS_OF)
    api_client.force_authenticate(viewer_user)

    response = api_client.get(LIST_URL)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["journey"] == journey_map.journey.slug
    assert row["segment"] == ""
    assert row["as_of"] == "2026-11-20"
    assert row["status"] == "at_risk"
    components = {component["name"]: component for component in row["components"]}
    assert len(components) == 10
    assert components["journey_csat"]["value"] == pytest.approx(2.6667)
    assert components["journey_csat"]["weight"] == 30
    assert components["csat_gap"]["weight"] is None
    assert components["on_time_rate"]["effective_weight"] is None  # no target duration: left out
    assert components["journey_csat"]["effective_weight"] == pytest.approx(100 * 30 / 85, abs=0.05)
    assert [alert["code"] for alert in row["alerts"]] == ["touchpoint_paradox", "satisfaction_decay"]
    assert row["alerts"][0]["explanation"].startswith("Each touchpoint scores 4.5 of 5 but customers rate")
    assert row["channel_mix"]["assisted_only"] == 1.0
    assert [(stage["stage_name"], stage["reached"]) for stage in row["stage_health"]] == [
        ("Sign up", 3),
        ("Set up", 3),
    ]


def test_the_snapshot_list_filters_by_journey_segment_status_and_as_of(api_client, viewer_user):
    onboarding = factories.JourneyFactory(slug="onboarding")
    billing = factories.JourneyFactory(slug="billing")
    factories.HealthSnapshotFactory(journey=onboarding, as_of=AS_OF, status="critical", score=Decimal("40"))
    factories.HealthSnapshotFactory(journey=onboarding, as_of=AS_OF - dt.timedelta(days=10))
    factories.HealthSnapshotFactory(journey=onboarding, as_of=AS_OF, segment="smb", status="healthy", score=80)
    factories.HealthSnapshotFactory(journey=billing, as_of=AS_OF)
    api_client.force_authenticate(viewer_user)

    def ids(**params):
        response = api_client.get(LIST_URL, params)
        assert response.status_code == 200
        return [(row["journey"], row["segment"], row["as_of"]) for row in response.json()["results"]]

    assert len(ids(journey="onboarding")) == 3
    assert ids(journey="onboarding", segment="smb") == [("onboarding", "smb", "2026-11-20")]
    assert ids(status="critical") == [("onboarding", "", "2026-11-20")]
    assert ids(journey="onboarding", overall="true", as_of_after="2026-11-15", as_of_before="2026-11-30") == [
        ("onboarding", "", "2026-11-20")
    ]
    assert ids(journey="onboarding", overall="true", as_of_to="2026-11-15") == [("onboarding", "", "2026-11-10")]
    assert ids(journey="onboarding", overall="false") == [("onboarding", "smb", "2026-11-20")]
    assert [row[0] for row in ids(ordering="score", as_of_from="2026-11-20")] == [
        "onboarding",
        "billing",
        "onboarding",
    ]


def test_the_snapshot_list_rejects_a_bad_filter_value_with_400(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.get(LIST_URL, {"status": "wonderful", "as_of_from": "yesterday"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "as_of_from"}


def test_the_snapshot_list_costs_the_same_queries_for_3_or_30_snapshots(
    api_client, viewer_user, django_assert_max_num_queries
):
    api_client.force_authenticate(viewer_user)
    snapshots_with_stages(factories.JourneyFactory(), 3)
    with django_assert_max_num_queries(2) as small:  # the page, its stage health with the stages
        assert api_client.get(LIST_URL).status_code == 200
    snapshots_with_stages(factories.JourneyFactory(), 27)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api_client.get(LIST_URL)

    assert response.json()["count"] == 30


def test_a_page_reads_the_previous_score_in_one_query_only_for_its_health_drops(
    api_client, viewer_user, django_assert_max_num_queries
):
    # given: two journeys' last four days, a segment's too; health drops (*) on three, one on a first snapshot
    api_client.force_authenticate(viewer_user)
    first, second = factories.JourneyFactory(slug="first"), factories.JourneyFactory(slug="second")
    days = [AS_OF - dt.timedelta(days=index) for index in range(4)]
    for journey, segment, scores in [
        (first, "", ["50*", "70", "72", "90*"]),
        (second, "", ["60", "61*", "80", "81"]),
        (first, "smb", ["40*", "55", "56", "57"]),
    ]:
        for day, score in zip(days, scores, strict=True):
            alerts = ["health_drop"] if score.endswith("*") else []
            factories.HealthSnapshotFactory(
                journey=journey, segment=segment, as_of=day, score=score.rstrip("*"), alerts=alerts
            )

    # when: the whole list, and a page without a drop
    with django_assert_max_num_queries(3) as whole:  # the page, its stage health, the drops' previous scores
        listed = api_client.get(LIST_URL).json()["results"]
        whole_queries = list(whole.captured_queries)  # the next request empties the log
    with CaptureQueriesContext(connection) as no_drop:
        api_client.get(f"{LIST_URL}?journey=first&segment=smb&as_of_to={days[1]}")
        no_drop_queries = list(no_drop.captured_queries)

    # then: every row's alerts explained as the snapshot's own read explains them, the previous one of its segment
    for row in listed:
        assert row["alerts"] == api_client.get(f"{LIST_URL}{row['id']}/").json()["alerts"]
    explained = {
        (row["journey"], row["segment"], row["as_of"]): row["alerts"][0]["explanation"]
        for row in listed
        if row["alerts"]
    }
    assert len(explained) == 4
    assert "fell 20.0 points, from 70.0 on" in explained[("first", "", str(days[0]))]
    assert "fell 15.0 points, from 55.0 on" in explained[("first", "smb", str(days[0]))]
    assert "fell 19.0 points, from 80.0 on" in explained[("second", "", str(days[1]))]
    assert (
        explained[("first", "", str(days[3]))] == "The health score fell 10 points or more since the previous snapshot."
    )
    assert "previous_score" not in whole_queries[0]["sql"]  # not with every row of the page
    assert len([query for query in whole_queries if "previous_score" in query["sql"]]) == 1
    assert len(no_drop_queries) == 2
    assert not [query for query in no_drop_queries if "previous_score" in query["sql"]]


def test_journey_health_answers_404_with_a_message_when_never_computed(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)

    response = api_client.get(f"/api/v1/journeys/{journey.slug}/health/")

    assert response.status_code == 404
    assert "never been computed" in response.json()["detail"]
    assert api_client.get("/api/v1/journeys/no-such-journey/health/").status_code == 404


def test_journey_health_gives_the_latest_overall_snapshot_with_its_segments(
    api_client, viewer_user, journey_map, django_assert_max_num_queries
):
    for segment in ("smb", "smb", "vip"):
        journey_map.add_instance(segment=segment, interactions=[{"touchpoint": "call", "satisfaction": 4}])
    journey = journey_map.journey
    journey_health_compute(journey=journey, as_of=AS_OF - dt.timedelta(days=1))
    journey_health_compute(journey=journey, as_of=AS_OF)
    api_client.force_authenticate(viewer_user)

    with django_assert_max_num_queries(8):
        response = api_client.get(f"/api/v1/journeys/{journey.slug}/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-11-20"
    assert body["segment"] == ""
    assert body["score"] == "90.0"  # journey 4 of 5 scores 75 at weight 30, the rest 100
    assert body["status"] == "healthy"
    assert body["min_sample"] == 2
    assert {component["name"] for component in body["components"]} >= {"journey_csat", "satisfaction_decay"}
    assert all(component["meaning"] for component in body["components"])
    assert body["segments"] == [
        {"segment": "smb", "sample_size": 2, "score": "90.0", "status": "healthy", "below_min_sample": False},
        {"segment": "vip", "sample_size": 1, "score": None, "status": "insufficient_data", "below_min_sample": True},
    ]
    assert len(body["stage_health"]) == 2


def test_the_segments_come_from_the_snapshot_without_counting_the_window_again(
    api_client, viewer_user, journey_map, django_assert_max_num_queries
):
    for segment in ("smb", "smb", "vip"):
        journey_map.add_instance(segment=segment, interactions=[{"touchpoint": "call", "satisfaction": 4}])
    journey = journey_map.journey
    snapshot = journey_health_compute(journey=journey, as_of=AS_OF).snapshot
    api_client.force_authenticate(viewer_user)
    url = f"/api/v1/journeys/{journey.slug}/health/"

    snapshot.refresh_from_db()
    assert snapshot.segment_sizes == {"smb": 2, "vip": 1}  # the small segment too
    with CaptureQueriesContext(connection) as stored:
        stored_segments = api_client.get(url).json()["segments"]
    # A snapshot stored before the sizes were recorded: the window is counted, with the same answer.
    HealthSnapshot.objects.filter(pk=snapshot.pk).update(segment_sizes=None)
    with CaptureQueriesContext(connection) as counted:
        counted_segments = api_client.get(url).json()["segments"]

    assert stored_segments == counted_segments
    assert [row["sample_size"] for row in stored_segments] == [2, 1]
    instance_table = JourneyInstance._meta.db_table
    assert not any(instance_table in query["sql"] for query in stored.captured_queries)
    assert any(instance_table in query["sql"] for query in counted.captured_queries)


def test_owner_and_manager_can_queue_a_recompute(
    api_client, journey, owner_user, manager_user, django_capture_on_commit_callbacks
):
    for user in (owner_user, manager_user):
        api_client.force_authenticate(user)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = api_client.post(f"/api/v1/journeys/{journey.slug}/recompute/")

        assert response.status_code == 202
        assert len(response.json()["task_id"]) == 36
        assert len(callbacks) == 1


def test_others_cannot_recompute_and_nothing_is_queued(
    api_client, journey, viewer_user, team_user, integration_user, django_capture_on_commit_callbacks
):
    for user in (viewer_user, team_user, integration_user):
        api_client.force_authenticate(user)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = api_client.post(f"/api/v1/journeys/{journey.slug}/recompute/")

        assert response.status_code == 403
        assert callbacks == []
    assert not HealthSnapshot.objects.exists()


def test_recompute_of_an_unknown_journey_is_404(api_client, manager_user):
    api_client.force_authenticate(manager_user)

    assert api_client.post("/api/v1/journeys/no-such-journey/recompute/").status_code == 404
