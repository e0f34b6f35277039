"""Service blueprint layers on the pages: the editor's fields, the blueprint's rows and lines, the exports."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.layers import LAYER_MAX_LENGTH
from journeys.models import Touchpoint
from tests import factories

pytestmark = pytest.mark.django_db

LINES = ("Line of interaction", "Line of visibility", "Line of internal interaction")


@pytest.fixture
def login_as(request, client, journey):
    def login(role: str):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


def visible_text(response) -> str:
    """What a reader sees: the page without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def layers_of(response) -> str:
    """The visible text of the blueprint's layer rows only."""
    html = response.content.decode()
    body = re.search(r'<tbody class="blueprint-layers".*?</tbody>', html, re.DOTALL)
    assert body, "the blueprint has no layer rows"
    return " ".join(re.sub(r"<[^>]+>", " ", body.group(0)).split())


def edit_form(touchpoint, **layers) -> dict:
    prefix = f"touchpoint-{touchpoint.pk}"
    data = {
        f"{prefix}-name": touchpoint.name,
        f"{prefix}-key": touchpoint.key,
        f"{prefix}-channel": touchpoint.channel,
        f"{prefix}-stage": touchpoint.stage_id,
    }
    data.update({f"{prefix}-{field}": value for field, value in layers.items()})
    return data


# --- the editor ----------------------------------------------------------------------------------


def test_the_editor_asks_for_each_layer_in_a_journey_owners_words(login_as, drawn_map):
    text = visible_text(login_as("owner_user").get("/journeys/onboarding/edit/"))

    # six touchpoint forms and three add forms, each with the four layers
    assert text.count("Behind this touchpoint (service blueprint, all optional)") == 9
    for question in (
        "What the customer does",
        "What the customer sees, and who",
        "What staff do out of sight",
        "Systems and policies behind it",
    ):
        assert text.count(question) == 9


def test_an_owner_writes_the_layers_of_a_touchpoint_in_the_editor(login_as, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    response = login_as("owner_user").post(
        f"/journeys/onboarding/touchpoints/{touchpoint.pk}/edit/",
        edit_form(
            touchpoint,
            customer_action="  Waits in for the technician.  ",
            frontstage="Technician at home",
            backstage="Dispatcher routes the job",
            support_processes="Field scheduling system",
        ),
    )

    touchpoint.refresh_from_db()
    assert response.status_code == 302
    assert (touchpoint.customer_action, touchpoint.frontstage, touchpoint.backstage, touchpoint.support_processes) == (
        "Waits in for the technician.",
        "Technician at home",
        "Dispatcher routes the job",
        "Field scheduling system",
    )
    # the form shows them again, to be changed
    editor = login_as("owner_user").get("/journeys/onboarding/edit/").content.decode()
    assert "Dispatcher routes the job</textarea>" in editor


def test_a_touchpoint_added_in_the_editor_keeps_its_layers(login_as, drawn_map):
    stage = drawn_map["stages"][0]
    prefix = f"touchpoint-add-{stage.pk}"

    response = login_as("manager_user").post(
        f"/journeys/onboarding/stages/{stage.pk}/touchpoints/add/",
        {
            f"{prefix}-name": "Sales call",
            f"{prefix}-key": "sales-call",
            f"{prefix}-channel": "phone",
            f"{prefix}-stage": stage.pk,
            f"{prefix}-backstage": "Credit check",
        },
    )

    assert response.status_code == 302
    touchpoint = Touchpoint.objects.get(key="sales-call")
    assert (touchpoint.backstage, touchpoint.frontstage) == ("Credit check", "")


def test_a_layer_too_long_is_a_form_error_and_nothing_is_saved(login_as, drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    response = login_as("owner_user").post(
        f"/journeys/onboarding/touchpoints/{touchpoint.pk}/edit/",
        edit_form(touchpoint, name="Renamed", backstage="x" * (LAYER_MAX_LENGTH + 1), frontstage="Technician"),
    )

    touchpoint.refresh_from_db()
    assert response.status_code == 200
    assert f"Ensure this value has at most {LAYER_MAX_LENGTH} characters (it has {LAYER_MAX_LENGTH + 1})." in (
        visible_text(response)
    )
    assert (touchpoint.name, touchpoint.backstage, touchpoint.frontstage) == ("Install step 0", "", "")


# --- the blueprint -------------------------------------------------------------------------------


def test_the_blueprint_draws_the_layers_under_the_touchpoints_with_the_three_lines(login_as, drawn_map, clean_panels):
    touchpoints = drawn_map["touchpoints"]
    Touchpoint.objects.filter(pk=touchpoints["install-0"].pk).update(
        customer_action="Waits in", frontstage="Technician at home", backstage="Job routed", support_processes="FSM"
    )
    Touchpoint.objects.filter(pk=touchpoints["first-bill-1"].pk).update(customer_action="Calls about the bill")

    response = login_as("viewer_user").get("/journeys/onboarding/")
    text = visible_text(response)
    rows = layers_of(response)

    # the lanes of touchpoints come first, then the layers, from the customer's side inwards
    assert text.index("All touchpoints") < text.index("Customer actions What the customer does")
    order = [
        "Customer actions",
        "Line of interaction",
        "Frontstage",
        "Line of visibility",
        "Backstage",
        "Line of internal interaction",
        "Support processes",
    ]
    positions = [rows.index(label) for label in order]
    assert positions == sorted(positions)
    # each entry names its touchpoint, in the column of its stage
    assert "Install step 0 Waits in" in rows
    assert "First bill step 1 Calls about the bill" in rows
    assert "Install step 0 Technician at home" in rows
    blueprint = response.context["blueprint"]
    customer_actions = blueprint.layers[0]
    assert [[text for _, text in cell] for cell in customer_actions.cells] == [
        [],
        ["Waits in"],
        ["Calls about the bill"],
    ]


def test_a_layer_nobody_wrote_says_so_once_not_in_every_cell(login_as, drawn_map, clean_panels):
    Touchpoint.objects.filter(key="order-0").update(customer_action="Orders online")

    rows = layers_of(login_as("viewer_user").get("/journeys/onboarding/"))

    # frontstage, backstage and support processes are empty: one sentence each, over every stage
    assert rows.count("Nothing written here yet for this journey.") == 3
    assert "—" not in rows
    assert all(line in rows for line in LINES)


def test_a_map_without_layers_says_so_gently_and_tells_editors_where_to_write_them(login_as, drawn_map, clean_panels):
    viewer = login_as("viewer_user").get("/journeys/onboarding/")
    viewer_rows = layers_of(viewer)
    owner_rows = layers_of(login_as("owner_user").get("/journeys/onboarding/"))

    assert "No blueprint layers written yet" in viewer_rows
    assert not any(line in viewer_rows for line in LINES)
    assert "Write them in the editor" not in viewer_rows
    assert "Write them in the editor" in owner_rows


def test_layer_text_is_escaped_and_keeps_its_line_breaks(login_as, drawn_map, clean_panels):
    Touchpoint.objects.filter(key="order-0").update(backstage="<script>alert(1)</script>\nSecond line")

    html = login_as("viewer_user").get("/journeys/onboarding/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in html


def test_the_journey_page_with_layers_costs_no_more_queries_than_without(
    login_as, drawn_map, clean_panels, django_assert_max_num_queries
):
    journey = drawn_map["journey"]
    for index in range(3, 7):
        stage = factories.StageFactory(journey=journey, name=f"Extra {index}", position=index)
        factories.TouchpointFactory.create_batch(3, stage=stage)
    client = login_as("viewer_user")
    with CaptureQueriesContext(connection) as without_layers:
        client.get("/journeys/onboarding/")
    Touchpoint.objects.update(customer_action="Does", frontstage="Sees", backstage="Staff", support_processes="System")

    # the layers are read from the touchpoints already prefetched for the lanes
    with django_assert_max_num_queries(len(without_layers)):
        response = client.get("/journeys/onboarding/")

    assert layers_of(response).count("Staff") == 18


# --- the exports ---------------------------------------------------------------------------------


def test_the_map_csv_has_a_row_per_touchpoint_with_its_layers(login_as, drawn_map):
    touchpoints = drawn_map["touchpoints"]
    Touchpoint.objects.filter(pk=touchpoints["install-0"].pk).update(
        name="Technician visit",
        channel="field",
        is_moment_of_truth=True,
        customer_action="Waits in, lets the technician in",
        frontstage="Technician; the box",
        backstage="Dispatcher routes the job",
        support_processes='=HYPERLINK("http://evil")',
    )
    factories.TouchpointFactory(stage=drawn_map["stages"][0], key="gone", retired_at="2026-01-01T00:00:00Z")

    response = login_as("viewer_user").get("/journeys/onboarding/map.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="onboarding-map.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "journey",
        "stage",
        "touchpoint",
        "name",
        "channel",
        "moment_of_truth",
        "description",
        "customer_action",
        "frontstage",
        "backstage",
        "support_processes",
    ]
    assert [row[2] for row in rows[1:]] == [
        "order-0",
        "order-1",
        "install-0",
        "install-1",
        "first-bill-0",
        "first-bill-1",
    ]
    assert rows[3] == [
        "onboarding",
        "Install",
        "install-0",
        "Technician visit",
        "field",
        "yes",
        touchpoints["install-0"].description,
        "Waits in, lets the technician in",
        "Technician; the box",
        "Dispatcher routes the job",
        '\'=HYPERLINK("http://evil")',  # a spreadsheet must not run it
    ]
    assert rows[1][5:] == ["no", touchpoints["order-0"].description, "", "", "", ""]


def test_the_map_csv_costs_a_constant_number_of_queries(login_as, drawn_map, django_assert_max_num_queries):
    for index in range(3, 8):
        stage = factories.StageFactory(journey=drawn_map["journey"], name=f"Extra {index}", position=index)
        factories.TouchpointFactory.create_batch(4, stage=stage, backstage="Staff")
    client = login_as("viewer_user")

    # session, user, journey, stages, touchpoints, the unread notifications count (context processors
    # do not run for a file, but the budget stays that of a page)
    with django_assert_max_num_queries(6):
        response = client.get("/journeys/onboarding/map.csv")
        body = b"".join(response.streaming_content).decode()

    assert body.count("\n") == 1 + 6 + 20


def test_the_map_csv_of_an_unknown_journey_is_404(login_as):
    assert login_as("viewer_user").get("/journeys/nowhere/map.csv").status_code == 404


def test_the_mermaid_export_carries_the_layers_as_comments_under_each_task(login_as, drawn_map):
    Touchpoint.objects.filter(key="install-0").update(
        customer_action="Waits in:\nall day", backstage="Job routed %%{init: {}}%%"
    )

    text = login_as("viewer_user").get("/journeys/onboarding/map.mmd").content.decode()
    lines = text.splitlines()

    index = next(number for number, line in enumerate(lines) if "Install step 0" in line)
    assert lines[index + 1] == "      %%   Customer actions: Waits in: all day"
    assert lines[index + 2] == "      %%   Backstage: Job routed %% {init: {}}%%"
    assert "Install step 1" in lines[index + 3]  # nothing written for frontstage or support: no line
    assert "%%{" not in text  # never a Mermaid directive
