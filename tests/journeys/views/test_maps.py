"""Journey map pages: list, create, the journey page with its blueprint, edit, map review, Mermaid."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from journeys import panels
from journeys.models import Journey, Stage, Touchpoint
from tests import factories

pytestmark = pytest.mark.django_db

EVERY_ROLE = ["viewer_user", "team_user", "owner_user", "manager_user", "admin_user"]


@pytest.fixture
def login_as(request, client, journey):
    def login(role: str):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


def page_text(response) -> str:
    """The page's HTML with whitespace collapsed."""
    return " ".join(response.content.decode().split())


def visible_text(response) -> str:
    """What a reader sees: the page without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- list ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, journey):
    response = client.get("/journeys/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_login_sees_the_journey_list_with_owners(login_as, role, journey):
    billing = factories.JourneyFactory(name="Billing complaint", slug="billing")
    factories.OwnershipFactory(journey=billing, person=factories.PersonFactory(name="Olivia Owner"))
    factories.JourneyFactory(name="Unowned one", slug="unowned")

    text = visible_text(login_as(role).get("/journeys/"))

    assert "Onboarding" in text
    assert "Billing complaint Active Competitive parity Ease Olivia Owner" in text
    assert "Unowned one Active Competitive parity Ease No owner" in text


def test_only_managers_see_the_new_journey_button(login_as):
    assert "New journey" not in page_text(login_as("owner_user").get("/journeys/"))
    assert "New journey" in page_text(login_as("manager_user").get("/journeys/"))


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"status": "retired"}, "Old journey", "Onboarding"),
        ({"tier": "leadership"}, "Old journey", "Onboarding"),
    ],
)
def test_journey_list_filters(login_as, params, shown, hidden):
    factories.JourneyFactory(name="Old journey", slug="old", status="retired", tier="leadership")

    text = page_text(login_as("viewer_user").get("/journeys/", params))

    assert shown in text
    assert hidden not in text


def test_journey_list_filters_by_owner(login_as, journey):
    person = factories.PersonFactory(name="Olivia Owner")
    factories.OwnershipFactory(journey=journey, person=person)
    other = factories.JourneyFactory(name="Someone else's", slug="else")
    factories.OwnershipFactory(journey=other, person=factories.PersonFactory(name="Sam Else"))

    response = login_as("viewer_user").get("/journeys/", {"owner": person.pk})
    text = page_text(response)

    assert "Onboarding" in text
    assert "Someone else&#x27;s" not in text
    assert f'<option value="{person.pk}" selected>Olivia Owner</option>' in text


def test_journey_list_says_what_to_do_when_nothing_matches(login_as):
    text = page_text(login_as("viewer_user").get("/journeys/", {"status": "draft"}))

    assert "No journey matches these filters." in text


def test_journey_list_page_costs_a_constant_number_of_queries(login_as, django_assert_max_num_queries):
    for index in range(15):
        journey = factories.JourneyFactory(name=f"Journey {index:02d}", slug=f"j-{index:02d}")
        factories.OwnershipFactory(journey=journey)
    client = login_as("manager_user")

    with django_assert_max_num_queries(8):
        response = client.get("/journeys/")

    assert page_text(response).count("<tr>") == 17  # header + 16 rows


# --- create --------------------------------------------------------------------------------------


def test_a_manager_creates_a_journey_and_lands_on_its_editor(login_as):
    client = login_as("manager_user")

    response = client.post(
        "/journeys/new/",
        {
            "name": "Home move",
            "slug": "",
            "description": "",
            "status": "active",
            "tier": "leadership",
            "service_position": "ease",
            "target_duration_days": "30",
            "target_score": "80",
            "window_days": "90",
            "min_sample": "30",
        },
    )

    journey = Journey.objects.get(name="Home move")
    assert response.status_code == 302
    assert response["Location"] == "/journeys/home-move/edit/"
    assert (journey.tier, journey.target_duration, journey.target_score) == ("leadership", dt.timedelta(days=30), 80)


def test_a_journey_form_with_errors_shows_them_inline_and_creates_nothing(login_as):
    response = login_as("manager_user").post(
        "/journeys/new/",
        {
            "name": "",
            "slug": "new",
            "status": "paused",
            "tier": "parity",
            "service_position": "ease",
            "target_score": "150",
            "window_days": "90",
            "min_sample": "30",
        },
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "This field is required." in text
    assert "Select a valid choice. paused is not one of the available choices." in text
    assert "Ensure this value is less than or equal to 100." in text
    assert Journey.objects.count() == 1


def test_a_reserved_slug_is_refused_in_the_form(login_as):
    response = login_as("manager_user").post(
        "/journeys/new/",
        {
            "name": "New things",
            "slug": "new",
            "status": "active",
            "tier": "parity",
            "service_position": "ease",
            "target_score": "75",
            "window_days": "90",
            "min_sample": "30",
        },
    )

    assert "&quot;new&quot; is reserved; choose another slug." in page_text(response)
    assert not Journey.objects.filter(name="New things").exists()


@pytest.mark.parametrize("role", ["viewer_user", "team_user", "owner_user"])
def test_only_managers_may_create_journeys(login_as, role):
    client = login_as(role)

    page = client.get("/journeys/new/")
    post = client.post(
        "/journeys/new/",
        {
            "name": "Sneaky",
            "status": "active",
            "tier": "parity",
            "service_position": "ease",
            "target_score": "75",
            "window_days": "90",
            "min_sample": "30",
        },
    )

    assert (page.status_code, post.status_code) == (403, 403)
    assert not Journey.objects.filter(name="Sneaky").exists()


# --- the journey page ----------------------------------------------------------------------------


def test_the_journey_page_shows_owner_and_targets(login_as, journey):
    journey.target_duration = dt.timedelta(days=30)
    journey.tier = "leadership"
    journey.map_reviewed_on = timezone.localdate() - dt.timedelta(days=10)
    journey.save()
    factories.OwnershipFactory(journey=journey, person=factories.PersonFactory(name="Olivia Owner"))

    text = visible_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert "Owner Olivia Owner" in text
    assert "Tier Service leadership" in text
    assert "Service position Ease" in text
    assert "Target duration 30 days" in text
    assert "Target score 75" in text
    assert "Window 90 days" in text
    assert "Map not reviewed" not in text


def test_a_map_not_reviewed_for_90_days_is_flagged(login_as, journey):
    journey.map_reviewed_on = timezone.localdate() - dt.timedelta(days=91)
    journey.save()

    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert "Map not reviewed for 90 days" in text


def test_a_map_drawn_more_than_90_days_ago_and_never_reviewed_is_flagged(login_as, journey):
    Journey.objects.filter(pk=journey.pk).update(created_at=timezone.now() - dt.timedelta(days=91))

    assert "Map never reviewed" in page_text(login_as("viewer_user").get("/journeys/onboarding/"))


def test_a_journey_created_today_is_not_flagged_as_a_stale_map(login_as, journey):
    # given: a journey created today, whose map nobody has reviewed yet
    assert journey.map_reviewed_on is None

    # when
    text = page_text(login_as("owner_user").get("/journeys/onboarding/"))

    # then
    assert "Map never reviewed" not in text
    assert "Map not reviewed" not in text


def test_the_blueprint_has_stages_as_columns_and_touchpoint_cards(login_as, drawn_map, clean_panels):
    Touchpoint.objects.filter(key="install-1").update(channel="field", is_moment_of_truth=True, name="Technician visit")
    Stage.objects.filter(name="Order").update(position=5)  # now last

    response = login_as("viewer_user").get("/journeys/onboarding/")
    text = page_text(response)

    assert text.index(">Install") < text.index(">First bill") < text.index(">Order")
    assert "All touchpoints" in text
    assert 'touchpoint mot" id="touchpoint-' in text
    assert "Technician visit Field visit moment of truth" in visible_text(response)


def test_the_blueprint_uses_the_registered_swimlanes(login_as, drawn_map, clean_panels):
    touchpoints = drawn_map["touchpoints"]

    def lanes(journey, journey_touchpoints):
        return [("Field Operations", {touchpoints["install-0"].pk}), ("Billing", {touchpoints["first-bill-0"].pk})]

    clean_panels.register_lane_provider(lanes)

    response = login_as("viewer_user").get("/journeys/onboarding/")
    rows = response.context["blueprint"].lanes

    assert [lane.label for lane in rows] == ["Field Operations", "Billing", "No function assigned"]
    assert [[tp.key for tp in cell] for cell in rows[0].cells] == [[], ["install-0"], []]
    assert [[tp.key for tp in cell] for cell in rows[2].cells] == [
        ["order-0", "order-1"],
        ["install-1"],
        ["first-bill-1"],
    ]
    assert "Field Operations" in page_text(response)


def test_a_touchpoint_in_two_lanes_is_one_anchor_on_the_page(login_as, drawn_map, clean_panels):
    """A touchpoint two functions deliver shows in both lanes; "#touchpoint-<id>" links lead to its first card."""
    install = drawn_map["touchpoints"]["install-0"]

    def lanes(journey, journey_touchpoints):
        return [("Field Operations", {install.pk}), ("Customer Service", {install.pk})]

    clean_panels.register_lane_provider(lanes)

    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert text.count(f'id="touchpoint-{install.pk}"') == 1
    assert text.index(f'id="touchpoint-{install.pk}"') < text.index("Customer Service")
    assert text.count(f"<strong>{install.name}</strong>") == 2  # its card in each lane


def test_stage_headers_show_the_latest_overall_stage_health(login_as, drawn_map):
    order, install, _ = drawn_map["stages"]
    journey = drawn_map["journey"]
    today = timezone.localdate()
    old = factories.HealthSnapshotFactory(journey=journey, as_of=today - dt.timedelta(days=1))
    factories.StageHealthFactory(snapshot=old, stage=order, reached=999, abandoned_here=9, csat=1.0)
    segment = factories.HealthSnapshotFactory(journey=journey, as_of=today, segment="business")
    factories.StageHealthFactory(snapshot=segment, stage=order, reached=555, abandoned_here=5, csat=2.0)
    latest = factories.HealthSnapshotFactory(journey=journey, as_of=today)
    factories.StageHealthFactory(snapshot=latest, stage=order, reached=120, abandoned_here=7, csat=4.26)
    factories.StageHealthFactory(snapshot=latest, stage=install, reached=100, abandoned_here=3, csat=None)

    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert "reached 120 · abandoned here 7 · satisfaction 4.3/5" in text
    assert "reached 100 · abandoned here 3 · satisfaction no ratings" in text
    assert "999" not in text
    assert "555" not in text


def test_the_blueprint_says_so_when_health_was_never_computed(login_as, drawn_map):
    assert "Stage figures appear once health has been computed." in page_text(
        login_as("viewer_user").get("/journeys/onboarding/")
    )


@pytest.mark.parametrize("role", ["team_user", "owner_user", "manager_user"])
def test_contributors_get_a_log_an_issue_link_per_touchpoint(login_as, role, drawn_map):
    text = page_text(login_as(role).get("/journeys/onboarding/"))

    assert text.count("/issues/new/?journey=onboarding&amp;touchpoint=") == 6
    assert '/issues/new/?journey=onboarding&amp;touchpoint=install-0"' in text


def test_viewers_get_no_log_an_issue_link(login_as, drawn_map):
    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert "Log an issue" not in text
    assert "/issues/new/" not in text


def test_registered_panels_render_in_titled_cards(login_as, drawn_map, clean_panels, test_templates):
    clean_panels.register_panel(
        panels.Panel(
            key="sample",
            title="Sample panel",
            template="journeys_test/panel.html",
            context=lambda request, journey: {"touchpoint_count": journey.touchpoints.count()},
        )
    )

    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert '<h2 id="panel-sample">Sample panel</h2> <p class="test-panel">6 touchpoints counted' in text


def test_viewers_see_no_edit_controls(login_as, drawn_map):
    text = page_text(login_as("viewer_user").get("/journeys/onboarding/"))

    assert "Edit journey and map" not in text
    assert "Map reviewed</button>" not in text
    assert "Mermaid export" in text


def test_owners_see_the_edit_controls(login_as, drawn_map):
    text = page_text(login_as("owner_user").get("/journeys/onboarding/"))

    assert "Edit journey and map" in text
    assert "Map reviewed</button>" in text


def test_the_journey_page_costs_a_constant_number_of_queries(
    login_as, drawn_map, clean_panels, test_templates, django_assert_max_num_queries, settings
):
    journey = drawn_map["journey"]
    for index in range(3, 7):
        stage = factories.StageFactory(journey=journey, name=f"Extra {index}", position=index)
        factories.TouchpointFactory.create_batch(3, stage=stage)
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

    # session, user, journey + stages + touchpoints, stage health, permission checks, 3 panel queries,
    # the cards' touchpoint figures (latest snapshot, its touchpoint health)
    # (the owner and team checks behind the four permissions are one query: owners.rules._journey_roles)
    with django_assert_max_num_queries(18):  # +1 the header's unread count; +3 framework, personas, copy checks
        response = client.get("/journeys/onboarding/")

    assert page_text(response).count("Log an issue") == 18


def test_an_unknown_journey_is_404(login_as):
    assert login_as("viewer_user").get("/journeys/nowhere/").status_code == 404


# --- map review ----------------------------------------------------------------------------------


def test_the_owner_confirms_the_map(login_as, journey):
    response = login_as("owner_user").post("/journeys/onboarding/review-map/")

    journey.refresh_from_db()
    assert response.status_code == 302
    assert journey.map_reviewed_on == timezone.localdate()


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_others_cannot_confirm_the_map(login_as, role, journey):
    response = login_as(role).post("/journeys/onboarding/review-map/")

    journey.refresh_from_db()
    assert response.status_code == 403
    assert journey.map_reviewed_on is None


def test_map_review_needs_a_post(login_as, journey):
    assert login_as("owner_user").get("/journeys/onboarding/review-map/").status_code == 405


# --- edit: details -------------------------------------------------------------------------------


def details(**overrides):
    data = {
        "name": "Onboarding",
        "description": "",
        "status": "active",
        "tier": "parity",
        "service_position": "ease",
        "target_duration_days": "",
        "target_score": "75",
        "window_days": "90",
        "min_sample": "5",
        "version": "1",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ["viewer_user", "team_user"])
def test_the_editor_is_forbidden_to_viewers_and_team_members(login_as, role, drawn_map):
    client = login_as(role)
    stage = drawn_map["stages"][0]
    touchpoint = drawn_map["touchpoints"]["order-0"]

    answers = [
        client.get("/journeys/onboarding/edit/").status_code,
        client.post("/journeys/onboarding/edit/", details(name="Hijacked")).status_code,
        client.post("/journeys/onboarding/stages/add/", {"stage-add-name": "Extra"}).status_code,
        client.post(f"/journeys/onboarding/stages/{stage.pk}/delete/", {"confirm": "yes"}).status_code,
        client.post(f"/journeys/onboarding/stages/{stage.pk}/move/", {"direction": "down"}).status_code,
        client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/delete/", {"confirm": "yes"}).status_code,
    ]

    assert answers == [403] * 6
    journey = drawn_map["journey"]
    journey.refresh_from_db()
    assert journey.name == "Onboarding"
    assert Stage.objects.filter(journey=journey).count() == 3
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_the_owner_saves_details_and_the_version_moves(login_as, journey):
    response = login_as("owner_user").post(
        "/journeys/onboarding/edit/", details(name="Onboarding 2", target_duration_days="21", target_score="85")
    )

    journey.refresh_from_db()
    assert response.status_code == 302
    assert (journey.name, journey.target_duration, journey.target_score, journey.version) == (
        "Onboarding 2",
        dt.timedelta(days=21),
        85,
        2,
    )


def test_a_stale_form_gets_a_form_error_not_a_silent_overwrite(login_as, journey):
    client = login_as("owner_user")
    client.post("/journeys/onboarding/edit/", details(name="Saved first"))

    response = client.post("/journeys/onboarding/edit/", details(name="Saved second", target_score="90"))

    text = page_text(response)
    journey.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else changed this journey while you were editing it." in text
    assert "your values differ in: Name, Target health score (0-100)" in text
    assert (journey.name, journey.target_score) == ("Saved first", 75)
    assert 'name="version" value="2"' in text  # saving again is a deliberate overwrite


def test_invalid_details_show_inline_errors_and_change_nothing(login_as, journey):
    response = login_as("manager_user").post("/journeys/onboarding/edit/", details(target_score="150", window_days="0"))

    text = page_text(response)
    journey.refresh_from_db()
    assert "Ensure this value is less than or equal to 100." in text
    assert "Ensure this value is greater than or equal to 1." in text
    assert (journey.target_score, journey.version) == (75, 1)


def test_the_editor_lists_the_map_with_its_controls(login_as, drawn_map, django_assert_max_num_queries):
    client = login_as("owner_user")

    with django_assert_max_num_queries(11):
        response = client.get("/journeys/onboarding/edit/")

    text = page_text(response)
    assert "Stage 1: Order" in text
    assert "Stage 3: First bill" in text
    assert text.count("Move left</button>") == 2
    assert text.count("Move down</button>") == 3
    assert (
        'value="1" id="id_version"' in text or 'id="id_version" value="1"' in text or 'name="version" value="1"' in text
    )


# --- edit: the map -------------------------------------------------------------------------------


def test_adding_renaming_moving_and_deleting_stages(login_as, drawn_map):
    client = login_as("owner_user")
    journey = drawn_map["journey"]
    order, install, bill = drawn_map["stages"]

    client.post("/journeys/onboarding/stages/add/", {"stage-add-name": "Renewal"})
    client.post(f"/journeys/onboarding/stages/{install.pk}/edit/", {f"stage-{install.pk}-name": "Installation"})
    client.post(f"/journeys/onboarding/stages/{bill.pk}/move/", {"direction": "up"})
    client.post(f"/journeys/onboarding/stages/{order.pk}/delete/", {"confirm": "yes"})

    names = Stage.objects.filter(journey=journey).order_by("position").values_list("name", "position")
    assert list(names) == [("First bill", 0), ("Installation", 1), ("Renewal", 2)]


def test_a_duplicate_stage_name_is_shown_in_the_form(login_as, drawn_map):
    response = login_as("owner_user").post("/journeys/onboarding/stages/add/", {"stage-add-name": "Install"})

    assert "This journey already has a stage with this name." in page_text(response)
    assert Stage.objects.filter(journey=drawn_map["journey"]).count() == 3


def test_adding_a_touchpoint_and_a_duplicate_key_message(login_as, drawn_map):
    client = login_as("owner_user")
    stage = drawn_map["stages"][1]
    prefix = f"touchpoint-add-{stage.pk}"

    created = client.post(
        f"/journeys/onboarding/stages/{stage.pk}/touchpoints/add/",
        {
            f"{prefix}-name": "Technician visit",
            f"{prefix}-key": "technician-visit",
            f"{prefix}-channel": "field",
            f"{prefix}-is_moment_of_truth": "on",
            f"{prefix}-stage": stage.pk,
        },
    )
    duplicate = client.post(
        f"/journeys/onboarding/stages/{stage.pk}/touchpoints/add/",
        {
            f"{prefix}-name": "Again",
            f"{prefix}-key": "order-0",
            f"{prefix}-channel": "web",
            f"{prefix}-stage": stage.pk,
        },
    )

    touchpoint = Touchpoint.objects.get(key="technician-visit")
    assert created.status_code == 302
    assert (touchpoint.stage_id, touchpoint.channel, touchpoint.is_moment_of_truth) == (stage.pk, "field", True)
    assert "This journey already has a touchpoint with the key &quot;order-0&quot;." in page_text(duplicate)
    assert not Touchpoint.objects.filter(name="Again").exists()


def test_editing_a_touchpoint_can_move_it_to_another_stage(login_as, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    bill = drawn_map["stages"][2]
    prefix = f"touchpoint-{touchpoint.pk}"

    response = login_as("manager_user").post(
        f"/journeys/onboarding/touchpoints/{touchpoint.pk}/edit/",
        {
            f"{prefix}-name": "Order online",
            f"{prefix}-key": "order-0",
            f"{prefix}-channel": "web",
            f"{prefix}-stage": bill.pk,
        },
    )

    touchpoint.refresh_from_db()
    assert response.status_code == 302
    assert (touchpoint.name, touchpoint.channel, touchpoint.stage_id, touchpoint.position) == (
        "Order online",
        "web",
        bill.pk,
        2,
    )


def test_a_touchpoint_form_refuses_a_stage_of_another_journey(login_as, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    foreign = factories.StageFactory()
    prefix = f"touchpoint-{touchpoint.pk}"

    response = login_as("owner_user").post(
        f"/journeys/onboarding/touchpoints/{touchpoint.pk}/edit/",
        {
            f"{prefix}-name": "Moved",
            f"{prefix}-key": "order-0",
            f"{prefix}-channel": "web",
            f"{prefix}-stage": foreign.pk,
        },
    )

    touchpoint.refresh_from_db()
    assert "Select a valid choice." in page_text(response)
    assert (touchpoint.name, touchpoint.stage_id) == ("Order step 0", drawn_map["stages"][0].pk)


def test_moving_a_touchpoint_up(login_as, drawn_map):
    stage = drawn_map["stages"][0]

    login_as("owner_user").post(
        f"/journeys/onboarding/touchpoints/{drawn_map['touchpoints']['order-1'].pk}/move/", {"direction": "up"}
    )

    assert list(Touchpoint.objects.filter(stage=stage).order_by("position").values_list("key", flat=True)) == [
        "order-1",
        "order-0",
    ]


def test_deleting_a_touchpoint_with_data_shows_why_not(login_as, drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=drawn_map["journey"]), touchpoint=touchpoint
    )

    response = login_as("owner_user").post(
        f"/journeys/onboarding/touchpoints/{touchpoint.pk}/delete/", {"confirm": "yes"}, follow=True
    )

    assert "Interactions were recorded at this touchpoint" in page_text(response)
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_a_touchpoint_of_another_journey_is_404_in_this_editor(login_as, drawn_map):
    foreign = factories.TouchpointFactory()

    response = login_as("manager_user").post(
        f"/journeys/onboarding/touchpoints/{foreign.pk}/delete/", {"confirm": "yes"}
    )

    assert response.status_code == 404
    assert Touchpoint.objects.filter(pk=foreign.pk).exists()


def test_a_delete_asks_for_confirmation_first_and_deletes_nothing_until_confirmed(login_as, drawn_map):
    # given
    client = login_as("owner_user")
    stage = Stage.objects.get(name="Order")
    touchpoint = Touchpoint.objects.filter(stage__journey__slug="onboarding").first()
    counts = (Stage.objects.count(), Touchpoint.objects.count())

    # when the delete buttons are pressed once
    stage_page = client.post(f"/journeys/onboarding/stages/{stage.pk}/delete/")
    touchpoint_page = client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/delete/")

    # then each asks first, with a way back, and nothing is deleted
    assert stage_page.status_code == touchpoint_page.status_code == 200
    assert "Delete the stage “Order”" in page_text(stage_page)
    assert 'name="confirm" value="yes"' in page_text(stage_page)
    assert "Keep it" in page_text(touchpoint_page)
    assert (Stage.objects.count(), Touchpoint.objects.count()) == counts

    # when confirmed
    client.post(f"/journeys/onboarding/touchpoints/{touchpoint.pk}/delete/", {"confirm": "yes"})

    # then it is gone
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()
