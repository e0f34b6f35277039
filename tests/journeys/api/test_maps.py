"""The journey map API: /api/v1/journeys/, /stages/, /touchpoints/."""

import pytest
from django.utils import timezone

from journeys.models import Journey, Stage, Touchpoint
from tests import factories

pytestmark = pytest.mark.django_db

JOURNEYS = "/api/v1/journeys/"
STAGES = "/api/v1/stages/"
TOUCHPOINTS = "/api/v1/touchpoints/"

EVERY_ROLE = ["viewer_user", "team_user", "owner_user", "manager_user", "admin_user"]
STEERING_ROLES = ["owner_user", "manager_user", "admin_user"]
NON_STEERING_ROLES = ["viewer_user", "team_user"]


@pytest.fixture
def as_role(request, api_client, journey):
    """An API client logged in as the user of the named role fixture (team and owner of ``journey``)."""

    def login(role: str):
        api_client.force_authenticate(request.getfixturevalue(role))
        return api_client

    return login


def owned_journeys(count):
    journeys = []
    for index in range(count):
        journey = factories.JourneyFactory(name=f"Journey {index:02d}", slug=f"j-{index:02d}")
        factories.OwnershipFactory(journey=journey)
        stage = factories.StageFactory(journey=journey, position=0)
        factories.TouchpointFactory(stage=stage)
        journeys.append(journey)
    return journeys


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [JOURNEYS, STAGES, TOUCHPOINTS, f"{JOURNEYS}onboarding/"])
def test_anonymous_requests_get_no_data(api_client, journey, url):
    response = api_client.get(url)

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_anonymous_cannot_create_a_journey(api_client):
    response = api_client.post(JOURNEYS, {"name": "Sneaky"})

    assert response.status_code in (401, 403)
    assert not Journey.objects.exists()


# --- journeys: reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_login_reads_journeys(as_role, role):
    response = as_role(role).get(JOURNEYS)

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == ["onboarding"]


def test_journey_list_shows_the_active_owner_not_a_former_one(as_role, journey):
    former = factories.PersonFactory(name="Former Owner")
    factories.OwnershipFactory(journey=journey, person=former, started_on="2020-01-01", ended_on="2021-01-01")
    owner = factories.PersonFactory(name="Current Owner")
    factories.OwnershipFactory(journey=journey, person=owner)
    factories.JourneyFactory(name="Unowned", slug="unowned")

    rows = as_role("viewer_user").get(JOURNEYS).json()["results"]

    assert [(row["slug"], row["owner"]) for row in rows] == [
        ("onboarding", {"id": owner.pk, "name": "Current Owner"}),
        ("unowned", None),
    ]


def test_journey_list_is_paginated_up_to_the_page_size(as_role):
    owned_journeys(5)

    body = as_role("viewer_user").get(JOURNEYS, {"page_size": 2, "page": 2}).json()

    assert body["count"] == 6
    assert [row["slug"] for row in body["results"]] == ["j-02", "j-03"]
    assert body["next"].endswith("page=3&page_size=2")
    assert body["previous"]


def test_journey_page_size_is_capped_at_200(as_role):
    Journey.objects.bulk_create(Journey(name=f"Bulk {index:03d}", slug=f"bulk-{index:03d}") for index in range(205))

    body = as_role("viewer_user").get(JOURNEYS, {"page_size": 1000}).json()

    assert body["count"] == 206
    assert len(body["results"]) == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "retired"}, ["Retired one"]),
        ({"tier": "leadership"}, ["Leader"]),
        ({"service_position": "emotion"}, ["Leader"]),
        ({"search": "retir"}, ["Retired one"]),
        ({"ordering": "-name", "status": "active"}, ["Onboarding", "Leader"]),
    ],
)
def test_journey_list_filters_searches_and_orders(as_role, params, expected):
    factories.JourneyFactory(name="Retired one", slug="retired-one", status="retired")
    factories.JourneyFactory(name="Leader", slug="leader", tier="leadership", service_position="emotion")

    rows = as_role("viewer_user").get(JOURNEYS, params).json()["results"]

    assert [row["name"] for row in rows] == expected


def test_journey_list_filters_by_the_active_owner_only(as_role, journey):
    person = factories.PersonFactory()
    factories.OwnershipFactory(journey=journey, person=person)
    previous = factories.JourneyFactory(name="Previously owned", slug="previously")
    factories.OwnershipFactory(journey=previous, person=person, started_on="2020-01-01", ended_on="2021-01-01")
    factories.OwnershipFactory(journey=previous)

    rows = as_role("viewer_user").get(JOURNEYS, {"owner": person.pk}).json()["results"]

    assert [row["slug"] for row in rows] == ["onboarding"]


def test_journey_list_rejects_a_bad_status_filter(as_role):
    response = as_role("viewer_user").get(JOURNEYS, {"status": "paused"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_journey_list_costs_a_constant_number_of_queries(as_role, django_assert_max_num_queries):
    owned_journeys(12)
    client = as_role("viewer_user")

    with django_assert_max_num_queries(3):
        response = client.get(JOURNEYS, {"page_size": 50})

    assert len(response.json()["results"]) == 13


def test_journey_detail_nests_stages_and_touchpoints_in_order(as_role, drawn_map):
    order, _, _ = drawn_map["stages"]
    Touchpoint.objects.filter(key="order-1").update(is_moment_of_truth=True, channel="web")

    body = as_role("viewer_user").get(f"{JOURNEYS}onboarding/").json()

    assert [stage["name"] for stage in body["stages"]] == ["Order", "Install", "First bill"]
    assert body["stages"][0]["touchpoints"] == [
        {
            "id": drawn_map["touchpoints"]["order-0"].pk,
            "key": "order-0",
            "name": "Order step 0",
            "channel": "phone",
            "channel_display": "Phone",
            "is_moment_of_truth": False,
            "position": 0,
            "description": "",
            "customer_action": "",
            "frontstage": "",
            "backstage": "",
            "support_processes": "",
            "retired_at": None,
        },
        {
            "id": drawn_map["touchpoints"]["order-1"].pk,
            "key": "order-1",
            "name": "Order step 1",
            "channel": "web",
            "channel_display": "Web",
            "is_moment_of_truth": True,
            "position": 1,
            "description": "",
            "customer_action": "",
            "frontstage": "",
            "backstage": "",
            "support_processes": "",
            "retired_at": None,
        },
    ]
    assert body["version"] == 1


def test_journey_detail_costs_a_constant_number_of_queries(as_role, drawn_map, django_assert_max_num_queries):
    client = as_role("viewer_user")

    with django_assert_max_num_queries(3):
        response = client.get(f"{JOURNEYS}onboarding/")

    assert sum(len(stage["touchpoints"]) for stage in response.json()["stages"]) == 6


def test_unknown_journey_is_404(as_role):
    assert as_role("viewer_user").get(f"{JOURNEYS}nowhere/").status_code == 404


# --- journeys: writing ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager_user", "admin_user"])
def test_managers_create_journeys(as_role, role):
    response = as_role(role).post(
        JOURNEYS, {"name": "Home move", "tier": "leadership", "target_duration": "30 00:00:00"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["tier"], body["target_duration"], body["stages"]) == (
        "home-move",
        "leadership",
        "30 00:00:00",
        [],
    )


@pytest.mark.parametrize("role", ["viewer_user", "team_user", "owner_user"])
def test_only_managers_create_journeys(as_role, role):
    response = as_role(role).post(JOURNEYS, {"name": "Home move"})

    assert response.status_code == 403
    assert not Journey.objects.filter(name="Home move").exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "X", "status": "paused"}, "status", '"paused" is not a valid choice.'),
        ({"name": "X", "slug": "onboarding"}, "slug", "Another journey already uses this slug."),
        ({"name": "X", "slug": "new"}, "slug", '"new" is reserved; choose another slug.'),
        ({"name": "X", "target_score": 101}, "target_score", "Ensure this value is less than or equal to 100."),
        ({"status": "active"}, "name", "This field is required."),
    ],
)
def test_creating_a_journey_with_bad_input_answers_400_with_the_field(as_role, payload, field, message):
    response = as_role("manager_user").post(JOURNEYS, payload)

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert Journey.objects.count() == 1


@pytest.mark.parametrize("role", STEERING_ROLES)
def test_owner_and_managers_change_a_journey_and_the_version_moves(as_role, role):
    response = as_role(role).patch(f"{JOURNEYS}onboarding/", {"target_score": 82, "version": 1})

    assert response.status_code == 200, response.json()
    assert (response.json()["target_score"], response.json()["version"]) == (82, 2)


@pytest.mark.parametrize("role", NON_STEERING_ROLES)
def test_viewers_and_team_members_cannot_change_a_journey(as_role, role, journey):
    response = as_role(role).patch(f"{JOURNEYS}onboarding/", {"target_score": 82})

    assert response.status_code == 403
    journey.refresh_from_db()
    assert (journey.target_score, journey.version) == (75, 1)


def test_the_owner_of_another_journey_cannot_change_this_one(as_role, journey):
    other = factories.JourneyFactory(slug="other")

    response = as_role("owner_user").patch(f"{JOURNEYS}{other.slug}/", {"name": "Mine now"})

    assert response.status_code == 403


def test_a_stale_version_answers_409_and_keeps_the_other_change(as_role, journey):
    client = as_role("owner_user")
    client.patch(f"{JOURNEYS}onboarding/", {"name": "First writer", "version": 1})

    response = client.patch(f"{JOURNEYS}onboarding/", {"name": "Second writer", "version": 1})

    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    assert response.json()["current_version"] == 2
    journey.refresh_from_db()
    assert journey.name == "First writer"


def test_put_replaces_the_details_and_needs_a_name(as_role, journey):
    client = as_role("owner_user")

    missing = client.put(f"{JOURNEYS}onboarding/", {"status": "draft"})
    replaced = client.put(f"{JOURNEYS}onboarding/", {"name": "Onboarding", "status": "draft", "version": 1})

    assert missing.status_code == 400
    assert missing.json()["name"] == ["This field is required."]
    assert replaced.status_code == 200
    assert replaced.json()["status"] == "draft"


def test_the_slug_cannot_be_changed(as_role, journey):
    response = as_role("manager_user").patch(f"{JOURNEYS}onboarding/", {"slug": "renamed"})

    assert response.status_code == 400
    assert "slug" in response.json()
    assert Journey.objects.filter(slug="onboarding").exists()


def test_review_map_action_sets_today(as_role, journey):
    response = as_role("owner_user").post(f"{JOURNEYS}onboarding/review-map/")

    assert response.status_code == 200
    assert response.json()["map_reviewed_on"] == timezone.localdate().isoformat()


def test_team_members_cannot_review_the_map(as_role, journey):
    response = as_role("team_user").post(f"{JOURNEYS}onboarding/review-map/")

    assert response.status_code == 403
    journey.refresh_from_db()
    assert journey.map_reviewed_on is None


@pytest.mark.parametrize("role", ["viewer_user", "team_user", "owner_user"])
def test_only_managers_delete_journeys(as_role, role, journey):
    response = as_role(role).delete(f"{JOURNEYS}onboarding/")

    assert response.status_code == 403
    assert Journey.objects.filter(pk=journey.pk).exists()


def test_a_manager_deletes_a_journey_without_data(as_role, drawn_map):
    response = as_role("manager_user").delete(f"{JOURNEYS}onboarding/")

    assert response.status_code == 204
    assert not Journey.objects.exists()


def test_deleting_a_journey_with_data_answers_409(as_role, journey):
    factories.JourneyInstanceFactory(journey=journey)

    response = as_role("manager_user").delete(f"{JOURNEYS}onboarding/")

    assert response.status_code == 409
    assert "Retire it instead" in response.json()["detail"]


# --- stages --------------------------------------------------------------------------------------


def test_stages_filter_by_journey_search_and_order(as_role, drawn_map):
    factories.StageFactory(name="Elsewhere")
    client = as_role("viewer_user")

    by_journey = client.get(STAGES, {"journey": "onboarding", "ordering": "-position"}).json()
    searched = client.get(STAGES, {"search": "install"}).json()

    assert [row["name"] for row in by_journey["results"]] == ["First bill", "Install", "Order"]
    assert by_journey["results"][0]["journey"] == "onboarding"
    assert [row["name"] for row in searched["results"]] == ["Install"]


def test_stage_list_costs_a_constant_number_of_queries(as_role, drawn_map, django_assert_max_num_queries):
    owned_journeys(8)
    client = as_role("viewer_user")

    with django_assert_max_num_queries(4):
        response = client.get(STAGES)

    assert response.json()["count"] == 11


@pytest.mark.parametrize("role", STEERING_ROLES)
def test_owner_and_managers_add_stages(as_role, role, drawn_map):
    response = as_role(role).post(STAGES, {"journey": "onboarding", "name": "Welcome", "position": 0})

    assert response.status_code == 201, response.json()
    assert (response.json()["position"], response.json()["journey"]) == (0, "onboarding")
    assert list(Stage.objects.filter(journey=drawn_map["journey"]).values_list("name", flat=True)) == [
        "Welcome",
        "Order",
        "Install",
        "First bill",
    ]


@pytest.mark.parametrize("role", NON_STEERING_ROLES)
def test_viewers_and_team_members_cannot_add_or_change_stages(as_role, role, drawn_map):
    client = as_role(role)
    stage = drawn_map["stages"][0]

    created = client.post(STAGES, {"journey": "onboarding", "name": "Welcome"})
    renamed = client.patch(f"{STAGES}{stage.pk}/", {"name": "Renamed"})
    deleted = client.delete(f"{STAGES}{stage.pk}/")

    assert (created.status_code, renamed.status_code, deleted.status_code) == (403, 403, 403)
    assert Stage.objects.filter(journey=drawn_map["journey"]).count() == 3
    stage.refresh_from_db()
    assert stage.name == "Order"


def test_a_duplicate_stage_name_answers_400(as_role, drawn_map):
    response = as_role("owner_user").post(STAGES, {"journey": "onboarding", "name": "Install"})

    assert response.status_code == 400
    assert response.json()["name"] == ["This journey already has a stage with this name."]


def test_a_stage_for_an_unknown_journey_answers_400(as_role):
    response = as_role("manager_user").post(STAGES, {"journey": "nowhere", "name": "Order"})

    assert response.status_code == 400
    assert "journey" in response.json()


def test_patching_a_stage_position_reorders_the_others(as_role, drawn_map):
    _, _, bill = drawn_map["stages"]

    response = as_role("owner_user").patch(f"{STAGES}{bill.pk}/", {"position": 0})

    assert response.status_code == 200
    names = Stage.objects.filter(journey=drawn_map["journey"]).order_by("position").values_list("name", flat=True)
    assert list(names) == ["First bill", "Order", "Install"]


def test_a_stage_cannot_move_to_another_journey(as_role, drawn_map):
    stage = drawn_map["stages"][0]
    factories.JourneyFactory(slug="elsewhere")

    response = as_role("manager_user").patch(f"{STAGES}{stage.pk}/", {"journey": "elsewhere", "name": "Moved"})

    assert response.status_code == 400
    assert response.json()["journey"] == ["A stage cannot move to another journey."]
    stage.refresh_from_db()
    assert stage.name == "Order"


def test_reorder_action_puts_stages_in_the_given_order(as_role, drawn_map):
    order, install, bill = drawn_map["stages"]

    response = as_role("owner_user").post(
        f"{STAGES}reorder/", {"journey": "onboarding", "stage_ids": [install.pk, bill.pk, order.pk]}
    )

    assert response.status_code == 200
    assert [(row["name"], row["position"]) for row in response.json()] == [
        ("Install", 0),
        ("First bill", 1),
        ("Order", 2),
    ]


def test_reorder_with_a_missing_stage_answers_400(as_role, drawn_map):
    order, install, _ = drawn_map["stages"]

    response = as_role("owner_user").post(f"{STAGES}reorder/", {"journey": "onboarding", "stage_ids": [install.pk]})

    assert response.status_code == 400
    assert response.json()["stage_ids"] == ["List every stage of this journey exactly once."]
    order.refresh_from_db()
    assert order.position == 0


def test_team_members_cannot_reorder_stages(as_role, drawn_map):
    order, install, bill = drawn_map["stages"]

    response = as_role("team_user").post(
        f"{STAGES}reorder/", {"journey": "onboarding", "stage_ids": [install.pk, bill.pk, order.pk]}
    )

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.position == 0


def test_owner_deletes_a_stage(as_role, drawn_map):
    stage = drawn_map["stages"][1]

    response = as_role("owner_user").delete(f"{STAGES}{stage.pk}/")

    assert response.status_code == 204
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_deleting_a_stage_with_interactions_answers_409(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]
    factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=drawn_map["journey"]), touchpoint=touchpoint
    )

    response = as_role("owner_user").delete(f"{STAGES}{touchpoint.stage_id}/")

    assert response.status_code == 409
    assert Stage.objects.filter(pk=touchpoint.stage_id).exists()


# --- touchpoints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"journey": "onboarding", "channel": "web"}, ["install-1"]),
        ({"journey": "onboarding", "is_moment_of_truth": "true"}, ["order-0"]),
        ({"journey": "onboarding", "search": "First bill"}, ["first-bill-0", "first-bill-1"]),
        (
            {"journey": "onboarding", "ordering": "-key", "channel": "phone"},
            ["order-0", "install-0", "first-bill-1", "first-bill-0"],
        ),
    ],
)
def test_touchpoints_filter_search_and_order(as_role, drawn_map, params, expected):
    Touchpoint.objects.filter(key="install-1").update(channel="web")
    Touchpoint.objects.filter(key="order-0").update(is_moment_of_truth=True)
    Touchpoint.objects.filter(key="order-1").update(channel="email")
    factories.TouchpointFactory(key="elsewhere", channel="web", is_moment_of_truth=True)

    rows = as_role("viewer_user").get(TOUCHPOINTS, params).json()["results"]

    assert [row["key"] for row in rows] == expected


def test_touchpoints_filter_by_stage(as_role, drawn_map):
    stage = drawn_map["stages"][1]

    rows = as_role("viewer_user").get(TOUCHPOINTS, {"stage": stage.pk}).json()["results"]

    assert [(row["key"], row["stage_name"], row["journey"]) for row in rows] == [
        ("install-0", "Install", "onboarding"),
        ("install-1", "Install", "onboarding"),
    ]


def test_touchpoint_list_costs_a_constant_number_of_queries(as_role, drawn_map, django_assert_max_num_queries):
    owned_journeys(8)
    client = as_role("viewer_user")

    with django_assert_max_num_queries(3):
        response = client.get(TOUCHPOINTS)

    assert response.json()["count"] == 14


@pytest.mark.parametrize("role", STEERING_ROLES)
def test_owner_and_managers_add_touchpoints_and_the_journey_comes_from_the_stage(as_role, role, drawn_map):
    stage = drawn_map["stages"][1]

    response = as_role(role).post(
        TOUCHPOINTS,
        {
            "stage": stage.pk,
            "key": "technician-visit",
            "name": "Technician visit",
            "channel": "field",
            "is_moment_of_truth": True,
        },
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["journey"], response.json()["position"]) == ("onboarding", 2)
    assert Touchpoint.objects.get(key="technician-visit").journey_id == drawn_map["journey"].pk


@pytest.mark.parametrize("role", NON_STEERING_ROLES)
def test_viewers_and_team_members_cannot_write_touchpoints(as_role, role, drawn_map):
    client = as_role(role)
    touchpoint = drawn_map["touchpoints"]["order-0"]

    created = client.post(
        TOUCHPOINTS, {"stage": touchpoint.stage_id, "key": "new-one", "name": "New", "channel": "web"}
    )
    changed = client.patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"name": "Renamed"})
    deleted = client.delete(f"{TOUCHPOINTS}{touchpoint.pk}/")

    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert not Touchpoint.objects.filter(key="new-one").exists()
    touchpoint.refresh_from_db()
    assert touchpoint.name == "Order step 0"


def test_the_owner_cannot_add_touchpoints_to_another_journey(as_role, journey):
    foreign_stage = factories.StageFactory()

    response = as_role("owner_user").post(
        TOUCHPOINTS, {"stage": foreign_stage.pk, "key": "intruder", "name": "Intruder", "channel": "web"}
    )

    assert response.status_code == 403
    assert not Touchpoint.objects.filter(key="intruder").exists()


def test_a_duplicate_key_answers_400_with_a_field_message(as_role, drawn_map):
    stage = drawn_map["stages"][2]

    response = as_role("owner_user").post(
        TOUCHPOINTS, {"stage": stage.pk, "key": "order-0", "name": "Duplicate", "channel": "web"}
    )

    assert response.status_code == 400
    assert response.json()["key"] == ['This journey already has a touchpoint with the key "order-0".']
    assert Touchpoint.objects.filter(key="order-0").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"key": "x", "name": "X", "channel": "fax"}, "channel"),
        ({"key": "not a slug", "name": "X", "channel": "web"}, "key"),
        ({"key": "x", "channel": "web"}, "name"),
    ],
)
def test_bad_touchpoint_input_answers_400(as_role, drawn_map, payload, field):
    response = as_role("owner_user").post(TOUCHPOINTS, {"stage": drawn_map["stages"][0].pk, **payload})

    assert response.status_code == 400
    assert field in response.json()
    assert Touchpoint.objects.count() == 6


def test_patching_a_touchpoint_moves_it_to_another_stage(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    install = drawn_map["stages"][1]

    response = as_role("owner_user").patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"stage": install.pk, "position": 0})

    assert response.status_code == 200, response.json()
    assert (response.json()["stage"], response.json()["position"]) == (install.pk, 0)
    assert list(Touchpoint.objects.filter(stage=install).order_by("position").values_list("key", flat=True)) == [
        "order-0",
        "install-0",
        "install-1",
    ]


def test_a_touchpoint_cannot_move_to_a_stage_of_another_journey(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    foreign_stage = factories.StageFactory()

    response = as_role("manager_user").patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"stage": foreign_stage.pk})

    assert response.status_code == 400
    assert response.json()["stage"] == ["A touchpoint can only move to a stage of its own journey."]
    touchpoint.refresh_from_db()
    assert touchpoint.stage_id == drawn_map["stages"][0].pk


def test_renaming_a_key_to_a_taken_one_answers_400(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]

    response = as_role("owner_user").patch(f"{TOUCHPOINTS}{touchpoint.pk}/", {"key": "install-0"})

    assert response.status_code == 400
    assert "key" in response.json()


def test_deleting_a_touchpoint_with_interactions_answers_409(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=drawn_map["journey"]), touchpoint=touchpoint
    )

    response = as_role("owner_user").delete(f"{TOUCHPOINTS}{touchpoint.pk}/")

    assert response.status_code == 409
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_owner_deletes_a_touchpoint(as_role, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]

    response = as_role("owner_user").delete(f"{TOUCHPOINTS}{touchpoint.pk}/")

    assert response.status_code == 204
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()
