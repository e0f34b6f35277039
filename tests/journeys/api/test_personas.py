"""The personas API: /api/v1/journeys/{slug}/personas/ (CRUD) and .../personas/{id}/curve/."""

import datetime as dt

import pytest
from django.utils import timezone

from journeys.models import Persona
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAS = "/api/v1/journeys/onboarding/personas/"
STEERING_ROLES = ["owner_user", "manager_user", "admin_user"]
NON_STEERING_ROLES = ["viewer_user", "team_user"]


@pytest.fixture
def as_role(request, api_client, journey):
    def login(role: str):
        api_client.force_authenticate(request.getfixturevalue(role))
        return api_client

    return login


def _rated(journey, touchpoint, segment, satisfactions):
    for satisfaction in satisfactions:
        instance = factories.JourneyInstanceFactory(
            journey=journey, segment=segment, started_at=timezone.now() - dt.timedelta(days=3)
        )
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, satisfaction=satisfaction)


@pytest.mark.parametrize("role", STEERING_ROLES)
def test_the_owner_and_managers_add_a_persona(as_role, role, journey):
    response = as_role(role).post(
        PERSONAS,
        {"name": "First-timer", "segment": "first-time", "goals": "Watch TV", "needs": "", "pains": "Waiting"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["journey"] == "onboarding"
    assert (body["name"], body["segment"], body["pains"]) == ("First-timer", "first-time", "Waiting")
    assert Persona.objects.get().journey == journey


@pytest.mark.parametrize("role", NON_STEERING_ROLES)
def test_team_members_and_viewers_read_personas_but_cannot_add_change_or_remove_them(as_role, role, journey):
    persona = factories.PersonaFactory(journey=journey, name="First-timer")
    client = as_role(role)

    assert client.get(PERSONAS).json()["results"][0]["name"] == "First-timer"
    assert client.post(PERSONAS, {"name": "X", "segment": "x"}, format="json").status_code == 403
    assert client.patch(f"{PERSONAS}{persona.pk}/", {"name": "Y"}, format="json").status_code == 403
    assert client.delete(f"{PERSONAS}{persona.pk}/").status_code == 403
    assert list(Persona.objects.values_list("name", flat=True)) == ["First-timer"]


def test_anonymous_requests_get_no_personas(api_client, journey):
    factories.PersonaFactory(journey=journey)

    response = api_client.get(PERSONAS)

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_a_second_persona_with_the_same_name_is_refused_with_a_field_message(as_role, journey):
    factories.PersonaFactory(journey=journey, name="First-timer")

    response = as_role("owner_user").post(PERSONAS, {"name": "First-timer", "segment": "other"}, format="json")

    assert response.status_code == 400
    assert "already has a persona with this name" in str(response.json()["name"])
    assert Persona.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A"}, "segment"),
        ({"name": "A", "segment": ""}, "segment"),
        ({"name": "A", "segment": "=HYPERLINK(1)"}, "segment"),
        ({"name": "A", "segment": "x" * 101}, "segment"),
        ({"segment": "x"}, "name"),
        ({"name": "A", "segment": "x", "sgment": "typo"}, "sgment"),
    ],
)
def test_bad_input_is_refused_with_field_messages_and_nothing_is_saved(as_role, journey, body, field):
    response = as_role("owner_user").post(PERSONAS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Persona.objects.exists()


def test_the_same_name_on_another_journey_is_fine_and_personas_stay_under_their_journey(as_role, journey):
    other = factories.JourneyFactory(slug="refund")
    theirs = factories.PersonaFactory(journey=other, name="First-timer")
    client = as_role("owner_user")

    assert client.post(PERSONAS, {"name": "First-timer", "segment": "first-time"}, format="json").status_code == 201
    # another journey's persona is not found under this journey
    assert client.get(f"{PERSONAS}{theirs.pk}/").status_code == 404
    assert client.delete(f"{PERSONAS}{theirs.pk}/").status_code == 404
    assert Persona.objects.filter(journey=other).count() == 1


def test_the_owner_renames_and_removes_a_persona_and_its_history_is_kept(as_role, journey):
    persona = factories.PersonaFactory(journey=journey, name="First-timer")
    client = as_role("owner_user")

    response = client.patch(f"{PERSONAS}{persona.pk}/", {"name": "New subscriber"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "New subscriber"
    assert client.delete(f"{PERSONAS}{persona.pk}/").status_code == 204

    assert not Persona.objects.exists()
    assert list(Persona.history.order_by("history_id").values_list("history_type", "name")) == [
        ("+", "First-timer"),
        ("~", "New subscriber"),
        ("-", "New subscriber"),
    ]


def test_an_unknown_journey_answers_404(as_role):
    assert as_role("manager_user").get("/api/v1/journeys/nowhere/personas/").status_code == 404
    assert as_role("manager_user").post("/api/v1/journeys/nowhere/personas/", {}, format="json").status_code == 404


def test_the_list_filters_by_segment(as_role, journey):
    factories.PersonaFactory(journey=journey, name="A", segment="first-time")
    factories.PersonaFactory(journey=journey, name="B", segment="returning")

    body = as_role("viewer_user").get(f"{PERSONAS}?segment=returning").json()

    assert [row["name"] for row in body["results"]] == ["B"]


def test_the_list_costs_the_same_queries_for_two_personas_and_twenty(as_role, journey, django_assert_max_num_queries):
    client = as_role("viewer_user")
    factories.PersonaFactory.create_batch(2, journey=journey)
    with django_assert_max_num_queries(6) as few:
        client.get(PERSONAS)
    factories.PersonaFactory.create_batch(18, journey=journey)

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(PERSONAS).json()

    assert body["count"] == 20


def test_the_curve_gives_both_curves_with_sample_sizes_and_the_dips_in_words(
    as_role, journey, django_assert_max_num_queries
):
    # given target score 75 (4.0), min_sample 2, and one stage where first-timers rate 3 and 2
    journey.target_score, journey.min_sample = 75, 2
    journey.save()
    stage = factories.StageFactory(journey=journey, name="Settling in", position=0)
    touchpoint = factories.TouchpointFactory(stage=stage, key="survey")
    _rated(journey, touchpoint, "first-time", [3, 2])
    _rated(journey, touchpoint, "returning", [5, 5, 5])
    persona = factories.PersonaFactory(journey=journey, segment="first-time")
    client = as_role("viewer_user")

    # when: the journey, the persona, the stages, one aggregate
    with django_assert_max_num_queries(4):
        response = client.get(f"{PERSONAS}{persona.pk}/curve/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["target"] == 4.0
    assert body["min_ratings"] == 2
    point = body["curve"]["points"][0]
    assert (point["stage_name"], point["mean_satisfaction"], point["ratings"], point["below_target"]) == (
        "Settling in",
        2.5,
        2,
        True,
    )
    assert body["curve"]["dips"] == ["Settling in: 2.5 against a target of 4.0, 2 ratings"]
    overall = body["overall"]["points"][0]
    assert (overall["mean_satisfaction"], overall["ratings"], overall["below_target"]) == (4.0, 5, False)
    assert body["overall"]["dips"] == []


@pytest.mark.parametrize("as_of", ["yesterday", "0001-01-01", "2999-01-01"])
def test_a_bad_as_of_is_refused_with_a_field_message(as_role, journey, as_of):
    persona = factories.PersonaFactory(journey=journey)

    response = as_role("viewer_user").get(f"{PERSONAS}{persona.pk}/curve/?as_of={as_of}")

    assert response.status_code == 400
    assert "as_of" in response.json()


def test_the_schema_describes_the_persona_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    assert "/api/v1/journeys/{slug}/personas/" in schema["paths"]
    assert "/api/v1/journeys/{slug}/personas/{id}/curve/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/journeys/{slug}/personas/{id}/"]) >= {"get", "put", "patch", "delete"}
