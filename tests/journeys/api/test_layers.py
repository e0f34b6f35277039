"""Service blueprint layers in the API: read in the map and the touchpoints, written on POST, PUT and PATCH."""

import pytest
from django.test import Client

from journeys.layers import LAYER_FIELDS, LAYER_MAX_LENGTH
from journeys.models import Touchpoint

pytestmark = pytest.mark.django_db

TOUCHPOINTS = "/api/v1/touchpoints/"
LAYERS = {
    "customer_action": "Waits in for the technician",
    "frontstage": "Technician at home",
    "backstage": "Dispatcher routes the job",
    "support_processes": "Field scheduling system",
}


@pytest.fixture
def as_role(request, api_client, journey):
    def login(role: str):
        api_client.force_authenticate(request.getfixturevalue(role))
        return api_client

    return login


def test_the_journey_detail_and_the_touchpoints_carry_the_layers(as_role, drawn_map):
    Touchpoint.objects.filter(key="install-0").update(**LAYERS)
    client = as_role("viewer_user")

    detail = client.get("/api/v1/journeys/onboarding/").json()
    listed = client.get(TOUCHPOINTS, {"journey": "onboarding", "search": "install-0"}).json()["results"]

    mapped = detail["stages"][1]["touchpoints"][0]
    assert mapped["key"] == "install-0"
    assert {field: mapped[field] for field in LAYER_FIELDS} == LAYERS
    assert {field: listed[0][field] for field in LAYER_FIELDS} == LAYERS
    assert {field: detail["stages"][0]["touchpoints"][0][field] for field in LAYER_FIELDS} == dict.fromkeys(
        LAYER_FIELDS, ""
    )


def test_an_owner_creates_a_touchpoint_with_its_layers(as_role, drawn_map):
    stage = drawn_map["stages"][1]

    response = as_role("owner_user").post(
        TOUCHPOINTS,
        {"stage": stage.pk, "key": "technician-visit", "name": "Technician visit", "channel": "field", **LAYERS},
        format="json",
    )

    assert response.status_code == 201, response.json()
    touchpoint = Touchpoint.objects.get(key="technician-visit")
    assert {field: getattr(touchpoint, field) for field in LAYER_FIELDS} == LAYERS
    assert response.json()["backstage"] == "Dispatcher routes the job"


def test_patching_one_layer_leaves_the_others_as_they_were(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]
    Touchpoint.objects.filter(pk=touchpoint.pk).update(**LAYERS)

    response = as_role("owner_user").patch(
        f"{TOUCHPOINTS}{touchpoint.pk}/", {"backstage": "  Planner rebooks by hand  "}, format="json"
    )

    touchpoint.refresh_from_db()
    assert response.status_code == 200
    assert touchpoint.backstage == "Planner rebooks by hand"
    assert (touchpoint.customer_action, touchpoint.frontstage, touchpoint.support_processes) == (
        LAYERS["customer_action"],
        LAYERS["frontstage"],
        LAYERS["support_processes"],
    )


def test_a_touchpoint_read_from_the_api_can_be_sent_back_whole(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]
    client = as_role("owner_user")
    document = client.get(f"{TOUCHPOINTS}{touchpoint.pk}/").json()
    document["frontstage"] = "Technician at home"

    response = client.put(f"{TOUCHPOINTS}{touchpoint.pk}/", document, format="json")

    touchpoint.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert touchpoint.frontstage == "Technician at home"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"backstage": "x" * (LAYER_MAX_LENGTH + 1)}, "backstage", f"no more than {LAYER_MAX_LENGTH} characters"),
        ({"frontstage": None}, "frontstage", "This field may not be null."),
        ({"customer_action": ["a list"]}, "customer_action", "Not a valid string."),
        ({"support_processes": "nul \x00 inside"}, "detail", "Null characters are not allowed."),  # the parser's
        ({"back_stage": "misspelt"}, "back_stage", "Unknown field 'back_stage'."),
    ],
)
def test_bad_layer_input_answers_400_naming_the_field_and_changes_nothing(as_role, drawn_map, payload, field, message):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    response = as_role("owner_user").patch(
        f"{TOUCHPOINTS}{touchpoint.pk}/", {"name": "Renamed", **payload}, format="json"
    )

    touchpoint.refresh_from_db()
    assert response.status_code == 400
    detail = response.json()[field]
    assert message in (detail if isinstance(detail, str) else " ".join(detail))
    assert (touchpoint.name, touchpoint.backstage, touchpoint.frontstage) == ("Install step 0", "", "")


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_only_the_owner_and_managers_write_layers(as_role, role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    response = as_role(role).patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"backstage": "Sneaky"}, format="json")

    touchpoint.refresh_from_db()
    assert response.status_code == 403
    assert touchpoint.backstage == ""


def test_the_openapi_schema_documents_the_layers(admin_user):
    client = Client()
    client.force_login(admin_user)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    components = schema["components"]["schemas"]
    for name in ("Touchpoint", "MapTouchpoint", "TouchpointInputRequest", "PatchedTouchpointInputRequest"):
        properties = components[name]["properties"]
        assert set(LAYER_FIELDS) <= set(properties), name
    backstage = components["TouchpointInputRequest"]["properties"]["backstage"]
    assert backstage["maxLength"] == LAYER_MAX_LENGTH
    assert "what staff do out of sight" in backstage["description"]
