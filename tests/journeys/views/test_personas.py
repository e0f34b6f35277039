"""The Personas panel of the journey page and the persona form."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from journeys.models import Persona
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/journeys/onboarding/"
ADD = "/journeys/onboarding/personas/add/"


@pytest.fixture
def login_as(request, client, journey):
    def login(role: str):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


def visible_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def personas_section(response) -> str:
    html = response.content.decode()
    start = html.index('id="personas"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)]).split())


def _rate(journey, touchpoint, segment, satisfactions):
    for satisfaction in satisfactions:
        instance = factories.JourneyInstanceFactory(
            journey=journey, segment=segment, started_at=timezone.now() - dt.timedelta(days=2)
        )
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, satisfaction=satisfaction)


@pytest.fixture
def rated_journey(journey):
    """Two stages; first-timers rate "Settling in" 2 and 3, returning customers 5: target 4.0, 2 ratings needed."""
    journey.target_score, journey.min_sample = 75, 2
    journey.save()
    order = factories.TouchpointFactory(stage=factories.StageFactory(journey=journey, name="Order", position=0))
    settling = factories.TouchpointFactory(
        stage=factories.StageFactory(journey=journey, name="Settling in", position=1)
    )
    _rate(journey, order, "first-time", [5, 5])
    _rate(journey, settling, "first-time", [2, 3])
    _rate(journey, order, "returning", [4, 5])
    _rate(journey, settling, "returning", [5, 5])
    return journey


def test_without_personas_the_owner_is_offered_to_add_one(login_as, journey):
    text = personas_section(login_as("owner_user").get(PAGE))

    assert "No personas yet." in text
    assert "Add the first persona" in text


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_without_personas_a_reader_is_told_who_adds_them_and_offered_no_add(login_as, journey, role):
    response = login_as(role).get(PAGE)

    assert "The journey's owner or a manager adds personas" in personas_section(response)
    assert ADD not in response.content.decode()


def test_each_persona_card_shows_its_facts_its_curve_and_the_dip_in_words(login_as, rated_journey):
    factories.PersonaFactory(
        journey=rated_journey, name="First-timer", segment="first-time", goals="Watch the match", pains="Waiting in"
    )
    factories.PersonaFactory(journey=rated_journey, name="Loyal", segment="returning")

    response = login_as("viewer_user").get(PAGE)

    text = personas_section(response)
    assert "First-timer segment “first-time”" in text
    assert "Watch the match" in text
    assert "Waiting in" in text
    assert "Below the target for First-timer: Settling in: 2.5 against a target of 4.0, 2 ratings" in text
    assert "No stage falls below the target for Loyal" in text
    assert response.content.decode().count('class="chart emotion-curve"') == 2
    assert "Edit First-timer" not in text  # a viewer changes nothing


def test_a_persona_whose_segment_has_too_few_ratings_says_so(login_as, rated_journey):
    factories.PersonaFactory(journey=rated_journey, name="Business", segment="business")

    text = personas_section(login_as("owner_user").get(PAGE))

    assert "Too few ratings for Business." in text
    assert "has 0 rated contacts in the window; a stage needs 2 to be judged" in text


def test_the_journey_page_costs_the_same_queries_for_one_persona_and_six(
    login_as, rated_journey, django_assert_max_num_queries
):
    client = login_as("owner_user")
    factories.PersonaFactory(journey=rated_journey, segment="first-time")
    with django_assert_max_num_queries(60) as one:
        client.get(PAGE)
    for index in range(5):
        factories.PersonaFactory(journey=rated_journey, segment=f"segment-{index}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(PAGE)

    assert response.content.decode().count('class="persona-card"') == 6


def test_the_owner_adds_a_persona_through_the_form(login_as, journey):
    factories.JourneyInstanceFactory(journey=journey, segment="first-time", started_at=timezone.now())
    client = login_as("owner_user")
    form = client.get(ADD)
    assert '<option value="first-time">' in form.content.decode()  # the segments of the window are suggested

    response = client.post(ADD, {"name": "First-timer", "segment": "first-time", "goals": "Watch TV"}, follow=True)

    persona = Persona.objects.get()
    assert (persona.journey, persona.name, persona.segment, persona.goals) == (
        journey,
        "First-timer",
        "first-time",
        "Watch TV",
    )
    assert "Persona “First-timer” added" in visible_text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "segment": "x"}, "This field is required."),
        ({"name": "A", "segment": ""}, "This field is required."),
        ({"name": "A", "segment": "@cmd"}, "would run it as a formula"),
        ({"name": "Taken", "segment": "x"}, "already has a persona with this name"),
    ],
)
def test_bad_input_on_the_form_shows_the_error_and_saves_nothing(login_as, journey, data, message):
    factories.PersonaFactory(journey=journey, name="Taken")

    response = login_as("owner_user").post(ADD, data)

    assert response.status_code == 200
    assert message in visible_text(response)
    assert Persona.objects.count() == 1


def test_the_owner_edits_then_removes_a_persona_after_confirming(login_as, journey):
    persona = factories.PersonaFactory(journey=journey, name="First-timer")
    client = login_as("owner_user")
    edit = f"/journeys/onboarding/personas/{persona.pk}/edit/"
    delete = f"/journeys/onboarding/personas/{persona.pk}/delete/"

    client.post(edit, {"name": "New subscriber", "segment": "first-time", "needs": "A call back"})
    persona.refresh_from_db()
    assert (persona.name, persona.needs) == ("New subscriber", "A call back")

    asked = client.post(delete)
    assert "Remove the persona" in visible_text(asked)
    assert Persona.objects.exists()
    client.post(delete, {"confirm": "yes"})
    assert not Persona.objects.exists()


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_readers_cannot_open_the_form_or_post_it(login_as, journey, role):
    client = login_as(role)

    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"name": "A", "segment": "x"}).status_code == 403
    assert not Persona.objects.exists()


def test_the_persona_changes_appear_in_the_journey_history(login_as, journey):
    client = login_as("owner_user")
    client.post(ADD, {"name": "First-timer", "segment": "first-time"})

    text = visible_text(client.get("/journeys/onboarding/history/"))

    assert "Persona" in text
    assert "First-timer" in text
