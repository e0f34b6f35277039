"""The API of templates and copies: GET journey-templates, POST journeys with a template, POST journeys/{slug}/copy/."""

import pytest

from journeys.map_templates import TEMPLATES
from journeys.models import Journey, Stage, Touchpoint
from owners.models import Responsibility
from tests import factories

pytestmark = pytest.mark.django_db

JOURNEYS = "/api/v1/journeys/"
TEMPLATES_URL = "/api/v1/journey-templates/"


def _counts():
    return Journey.objects.count(), Stage.objects.count(), Touchpoint.objects.count()


@pytest.fixture
def as_role(request, api_client, journey):
    def login(role: str):
        api_client.force_authenticate(request.getfixturevalue(role))
        return api_client

    return login


def test_any_login_reads_the_templates_with_their_stages_and_functions_without_a_query(
    as_role, django_assert_max_num_queries
):
    client = as_role("viewer_user")

    with django_assert_max_num_queries(2):  # the session's user; templates are code
        response = client.get(TEMPLATES_URL)

    assert response.status_code == 200
    body = response.json()
    assert [entry["key"] for entry in body] == ["onboarding", "complaint", "refund", "home-move", "repair"]
    home_move = body[3]
    assert [stage["name"] for stage in home_move["stages"]] == ["Tell us", "Schedule", "Move day", "After the move"]
    assert home_move["moments_of_truth"] == ["Technician visit at the new home"]
    assert "Field Operations" in home_move["functions"]


def test_one_template_by_key_and_an_unknown_key_is_404(as_role):
    client = as_role("viewer_user")

    found = client.get(f"{TEMPLATES_URL}repair/")
    missing = client.get(f"{TEMPLATES_URL}wedding/")

    assert found.status_code == 200
    assert found.json()["touchpoint_count"] == len(TEMPLATES["repair"].touchpoints)
    assert missing.status_code == 404


def test_a_manager_creates_a_journey_from_a_template_with_chosen_keys(as_role):
    factories.FunctionFactory(slug="field-operations", name="Field Operations")
    client = as_role("manager_user")

    response = client.post(
        JOURNEYS,
        {"name": "Move home", "slug": "move-home", "template": "home-move", "keys": {"moving-form": "web-form"}},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["status"]) == ("move-home", "draft")
    keys = [touchpoint["key"] for stage in body["stages"] for touchpoint in stage["touchpoints"]]
    assert keys[:2] == ["web-form", "moving-call"]
    assert (
        Responsibility.objects.filter(touchpoint__journey__slug="move-home", function__slug="field-operations").count()
        == 2
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "slug": "x", "template": "wedding"}, "template"),
        ({"name": "X", "slug": "x", "template": "repair", "keys": {"repair-visit": "fault-call"}}, "keys"),
        ({"name": "X", "slug": "x", "template": "repair", "keys": {"repair-visit": "not valid"}}, "keys"),
        ({"name": "X", "slug": "onboarding", "template": "repair"}, "slug"),
        ({"name": "X", "slug": "x", "keys": {"a": "b"}}, "keys"),
    ],
)
def test_a_bad_template_request_is_400_naming_the_field_and_creates_nothing(as_role, body, field):
    client = as_role("manager_user")
    before = _counts()

    response = client.post(JOURNEYS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert _counts() == before


def test_a_manager_copies_a_journey_map_with_new_keys(as_role, mapped_journey):
    client = as_role("manager_user")

    response = client.post(
        f"{JOURNEYS}{mapped_journey.slug}/copy/",
        {"name": "Onboarding for business", "slug": "business-onboarding", "keys": {"welcome-call": "b2b-welcome"}},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert [stage["name"] for stage in body["stages"]] == ["Welcome", "Set-up"]
    keys = {touchpoint["key"] for stage in body["stages"] for touchpoint in stage["touchpoints"]}
    assert keys == {"b2b-welcome", "app-setup", "technician-visit"}


@pytest.mark.parametrize("role", ["viewer_user", "team_user", "owner_user"])
def test_only_managers_copy_a_journey(as_role, mapped_journey, role):
    client = as_role(role)
    before = _counts()

    response = client.post(f"{JOURNEYS}{mapped_journey.slug}/copy/", {"name": "Mine", "slug": "mine"}, format="json")

    assert response.status_code == 403
    assert _counts() == before


def test_a_copy_with_two_touchpoints_on_one_key_is_400_and_creates_nothing(as_role, mapped_journey):
    client = as_role("manager_user")
    before = _counts()

    response = client.post(
        f"{JOURNEYS}{mapped_journey.slug}/copy/",
        {"name": "Copy", "slug": "copy", "keys": {"welcome-call": "app-setup"}},
        format="json",
    )

    assert response.status_code == 400
    assert "is chosen for both" in " ".join(response.json()["keys"])
    assert _counts() == before


def test_a_copy_with_an_unknown_key_is_400_naming_it_and_creates_nothing(as_role, mapped_journey):
    client = as_role("manager_user")
    before = _counts()

    response = client.post(
        f"{JOURNEYS}{mapped_journey.slug}/copy/",
        {"name": "Copy", "slug": "copy", "status": "active"},
        format="json",
    )

    assert response.status_code == 400
    assert "status" in response.json()
    assert _counts() == before
