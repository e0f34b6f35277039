"""The map editor's Retire and Bring back, and retired elements kept off the journey page and Mermaid."""

import re

import pytest

from journeys import panels
from journeys.models import Stage, Touchpoint
from journeys.services import maps as services
from tests import factories

pytestmark = pytest.mark.django_db

EDIT = "/journeys/onboarding/edit/"


@pytest.fixture
def login_as(request, client, journey):
    def login(role: str):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def visible_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def record_interaction(touchpoint, satisfaction=4):
    return factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=touchpoint.journey),
        touchpoint=touchpoint,
        satisfaction=satisfaction,
    )


def test_the_editor_offers_retire_where_delete_is_refused_and_delete_elsewhere(login_as, drawn_map):
    # given interactions at one touchpoint of Order
    record_interaction(drawn_map["touchpoints"]["order-0"])

    # when
    text = page_text(login_as("owner_user").get(EDIT))

    # then Order and order-0 can be retired, the others deleted
    assert 'aria-label="Retire stage Order and its touchpoints"' in text
    assert 'aria-label="Delete stage Order and its touchpoints"' not in text
    assert 'aria-label="Retire touchpoint Order step 0"' in text
    assert 'aria-label="Delete touchpoint Order step 0"' not in text
    assert 'aria-label="Delete touchpoint Order step 1"' in text
    assert 'aria-label="Delete stage Install and its touchpoints"' in text
    assert text.count(">Retire</button>") == 1
    assert 'id="retired"' not in text  # nothing retired yet, no empty list


def test_retiring_a_touchpoint_moves_it_to_the_retired_list_and_bring_back_restores_it(login_as, drawn_map):
    # given
    client = login_as("owner_user")
    touchpoint = drawn_map["touchpoints"]["order-0"]
    record_interaction(touchpoint)

    # when retired
    response = client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/retire/", follow=True)

    # then it is listed as retired, with Bring back, and no longer among the map's touchpoints
    text = visible_text(response)
    assert "Touchpoint “Order step 0” retired: kept for history, off the map." in text
    assert "Touchpoint Order step 0 order-0 in Order, retired" in text
    assert 'aria-label="Bring back touchpoint Order step 0"' in page_text(response)
    assert f'id="touchpoint-{touchpoint.pk}"' not in page_text(response)

    # when brought back
    response = client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/bring-back/", follow=True)

    # then it is on the map again
    assert "Touchpoint “Order step 0” is back on the map." in visible_text(response)
    assert f'id="touchpoint-{touchpoint.pk}"' in page_text(response)
    touchpoint.refresh_from_db()
    assert touchpoint.retired_at is None


def test_a_retired_stage_is_listed_with_its_touchpoint_count_and_comes_back(login_as, drawn_map):
    client = login_as("manager_user")
    order = drawn_map["stages"][0]

    response = client.post(f"/journeys/onboarding/stages/{order.pk}/retire/", follow=True)

    text = visible_text(response)
    assert "Stage Order with 2 touchpoints, retired" in text
    assert "Stage 1: Install" in text  # the map renumbers what is shown
    assert "Stage 1: Order" not in text

    client.post(f"/journeys/onboarding/stages/{order.pk}/bring-back/")

    assert "Stage 1: Order" in visible_text(client.get(EDIT))


def test_bringing_back_a_touchpoint_of_a_retired_stage_says_why_not(login_as, drawn_map):
    client = login_as("owner_user")
    order = drawn_map["stages"][0]
    touchpoint = drawn_map["touchpoints"]["order-0"]
    services.touchpoint_retire(touchpoint=touchpoint)
    services.stage_retire(stage=order)

    response = client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/bring-back/", follow=True)

    assert "bring the stage back first" in visible_text(response)
    touchpoint.refresh_from_db()
    assert touchpoint.retired_at is not None


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_only_those_who_change_the_map_may_retire_or_bring_back(login_as, drawn_map, role):
    client = login_as(role)
    order = drawn_map["stages"][0]
    touchpoint = drawn_map["touchpoints"]["install-0"]
    services.touchpoint_retire(touchpoint=touchpoint)

    answers = [
        client.post(f"/journeys/onboarding/stages/{order.pk}/retire/").status_code,
        client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/bring-back/").status_code,
    ]

    assert answers == [403, 403]
    assert Stage.objects.retired().count() == 0
    assert Touchpoint.objects.retired().get() == touchpoint


def test_a_touchpoint_of_another_journey_cannot_be_retired_from_this_editor(login_as, drawn_map):
    foreign = factories.TouchpointFactory()

    response = login_as("manager_user").post(f"/journeys/onboarding/touchpoints/{foreign.pk}/retire/")

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.retired_at is None


def test_retired_elements_are_off_the_journey_page_and_the_mermaid_export(login_as, drawn_map):
    # given one retired touchpoint with rated interactions, and one retired stage
    retired_touchpoint = drawn_map["touchpoints"]["install-0"]
    record_interaction(retired_touchpoint, satisfaction=5)
    services.touchpoint_retire(touchpoint=retired_touchpoint)
    services.stage_retire(stage=drawn_map["stages"][2])
    client = login_as("viewer_user")

    # when
    journey_page = visible_text(client.get("/journeys/onboarding/"))
    mermaid = client.get("/journeys/onboarding/map.mmd").content.decode()

    # then
    assert "Install step 1" in journey_page
    assert "Install step 0" not in journey_page
    assert "First bill" not in journey_page
    assert "section Install" in mermaid
    assert "Install step 0" not in mermaid
    assert "First bill" not in mermaid


def test_the_editor_costs_the_same_queries_with_retired_elements(login_as, drawn_map, django_assert_max_num_queries):
    record_interaction(drawn_map["touchpoints"]["order-0"])
    services.touchpoint_retire(touchpoint=drawn_map["touchpoints"]["install-0"])
    services.stage_retire(stage=drawn_map["stages"][2])
    client = login_as("owner_user")

    # the same bound as the editor without retired elements (tests/journeys/views/test_maps.py)
    with django_assert_max_num_queries(11):
        response = client.get(EDIT)

    assert response.status_code == 200
    assert "Stage First bill with 2 touchpoints" in visible_text(response)


def test_the_journey_page_costs_the_same_queries_with_retired_elements(
    login_as, drawn_map, clean_panels, test_templates, django_assert_max_num_queries
):
    journey = drawn_map["journey"]
    for index in range(3, 7):
        stage = factories.StageFactory(journey=journey, name=f"Extra {index}", position=index)
        factories.TouchpointFactory.create_batch(3, stage=stage)
    services.stage_retire(stage=Stage.objects.get(name="Extra 6"))
    services.touchpoint_retire(touchpoint=drawn_map["touchpoints"]["order-0"])
    snapshot = factories.HealthSnapshotFactory(journey=journey)
    for stage in journey.stages.all():
        factories.StageHealthFactory(snapshot=snapshot, stage=stage)
    for key in ("one", "two", "three"):
        clean_panels.register_panel(
            panels.Panel(
                key=key,
                title=f"Panel {key}",
                template="journeys_test/panel.html",
                context=lambda request, journey: {"touchpoint_count": journey.touchpoints.count()},
            )
        )
    clean_panels.register_lane_provider(lambda journey, touchpoints: [("Everyone", {tp.pk for tp in touchpoints})])
    client = login_as("team_user")

    # the same bound as the journey page without retired elements (tests/journeys/views/test_maps.py)
    # (the owner and team checks behind the four permissions are one query: owners.rules._journey_roles)
    with django_assert_max_num_queries(18):  # +1 the header's unread count; +3 framework, personas, copy checks
        response = client.get("/journeys/onboarding/")

    # 6 + 12 touchpoints, less the 3 of the retired stage and the retired one
    assert page_text(response).count("Log an issue") == 14
