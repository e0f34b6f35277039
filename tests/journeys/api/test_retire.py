"""The API's retired field on stages and touchpoints: read everywhere, written by those who change the map."""

import pytest

from journeys.models import Interaction, Stage, Touchpoint
from journeys.services import maps as services
from tests import factories

pytestmark = pytest.mark.django_db

JOURNEYS = "/api/v1/journeys/"
STAGES = "/api/v1/stages/"
TOUCHPOINTS = "/api/v1/touchpoints/"


@pytest.fixture
def as_role(request, api_client, journey):
    def login(role: str):
        api_client.force_authenticate(request.getfixturevalue(role))
        return api_client

    return login


def test_an_owner_retires_and_brings_back_a_touchpoint_with_patch(as_role, drawn_map):
    client = as_role("owner_user")
    touchpoint = drawn_map["touchpoints"]["order-0"]

    retired = client.patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"retired": True}, format="json")

    assert retired.status_code == 200, retired.json()
    assert retired.json()["retired_at"] is not None
    assert Touchpoint.objects.retired().get() == touchpoint

    back = client.patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"retired": False}, format="json")

    assert back.status_code == 200
    assert back.json()["retired_at"] is None
    assert not Touchpoint.objects.retired().exists()


def test_a_stage_is_retired_with_patch_and_the_filter_finds_it(as_role, drawn_map):
    client = as_role("manager_user")
    order = drawn_map["stages"][0]

    response = client.patch(f"{STAGES}{order.pk}/", {"retired": True}, format="json")

    assert response.status_code == 200
    assert response.json()["retired_at"] is not None
    retired = client.get(STAGES, {"journey": "onboarding", "retired": "true"}).json()["results"]
    in_use = client.get(STAGES, {"journey": "onboarding", "retired": "false"}).json()["results"]
    assert [row["name"] for row in retired] == ["Order"]
    assert [row["name"] for row in in_use] == ["Install", "First bill"]


def test_the_journey_detail_gives_the_whole_map_with_retired_at(as_role, drawn_map):
    services.touchpoint_retire(touchpoint=drawn_map["touchpoints"]["order-0"])

    body = as_role("viewer_user").get(f"{JOURNEYS}onboarding/").json()

    order = body["stages"][0]
    assert order["retired_at"] is None
    assert [(tp["key"], tp["retired_at"] is not None) for tp in order["touchpoints"]] == [
        ("order-0", True),
        ("order-1", False),
    ]


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_others_cannot_retire(as_role, drawn_map, role):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    order = drawn_map["stages"][0]

    answers = [
        as_role(role).patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"retired": True}, format="json").status_code,
        as_role(role).patch(f"{STAGES}{order.pk}/", {"retired": True}, format="json").status_code,
    ]

    assert answers == [403, 403]
    assert not Touchpoint.objects.retired().exists()


def test_bringing_back_under_a_retired_stage_is_409_and_changes_nothing(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    services.touchpoint_retire(touchpoint=touchpoint)
    services.stage_retire(stage=drawn_map["stages"][0])

    response = as_role("owner_user").patch(
        f"{TOUCHPOINTS}{touchpoint.pk}/", {"retired": False, "name": "Renamed"}, format="json"
    )

    assert response.status_code == 409
    assert "bring the stage back first" in str(response.json())
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.retired_at is not None) == ("Order step 0", True)


def test_a_bad_retired_value_is_a_400_naming_the_field(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]

    response = as_role("owner_user").patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"retired": "soon"}, format="json")

    assert response.status_code == 400
    assert "retired" in response.json()
    assert not Touchpoint.objects.retired().exists()


def test_a_new_touchpoint_cannot_be_created_retired(as_role, drawn_map):
    order = drawn_map["stages"][0]

    response = as_role("owner_user").post(
        TOUCHPOINTS,
        {"stage": order.pk, "key": "born-retired", "name": "x", "channel": "web", "retired": True},
        format="json",
    )

    assert response.status_code == 400
    assert "retired" in response.json()
    assert not Touchpoint.objects.filter(key="born-retired").exists()


def test_deleting_a_touchpoint_with_data_answers_409_pointing_to_retire(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=drawn_map["journey"]), touchpoint=touchpoint
    )

    response = as_role("owner_user").delete(f"{TOUCHPOINTS}{touchpoint.pk}/")

    assert response.status_code == 409
    assert "Retire it instead" in str(response.json())
    assert Interaction.objects.filter(touchpoint=touchpoint).exists()
    assert Stage.objects.count() == 3


def test_ingest_still_records_interactions_at_a_retired_touchpoint(integration_client, mapped_journey):
    # given: late data from an integration that still sends the retired key (docs/decisions.md, "retire")
    welcome = Touchpoint.objects.get(key="welcome-call")
    services.touchpoint_retire(touchpoint=welcome)
    batch = {
        "journey": "onboarding",
        "instances": [
            {
                "external_id": "late-1",
                "customer_ref": "cust-late-1",
                "started_at": "2026-10-01T09:00:00Z",
                "outcome": "in_progress",
                "interactions": [
                    {"external_id": "x-1", "touchpoint": "welcome-call", "occurred_at": "2026-10-01T10:00:00Z"}
                ],
            }
        ],
    }

    # when
    response = integration_client.post("/api/v1/ingest/", batch, format="json")

    # then it is recorded at the retired touchpoint, which stays retired
    assert response.status_code == 200, response.json()
    assert Interaction.objects.filter(touchpoint=welcome, external_id="x-1").exists()
    welcome.refresh_from_db()
    assert welcome.retired_at is not None
