"""Service blueprint layers of touchpoints: written by the map services, validated, kept in the audit history."""

import pytest
from django.core.exceptions import ValidationError

from core import history
from journeys.layers import LAYER_FIELDS, LAYER_MAX_LENGTH, LAYERS
from journeys.models import Touchpoint
from journeys.services import maps as services
from journeys.views.history import journey_history_sources

pytestmark = pytest.mark.django_db


def test_the_four_layers_run_from_the_customer_inwards_with_three_lines_between_them():
    assert [layer.label for layer in LAYERS] == ["Customer actions", "Frontstage", "Backstage", "Support processes"]
    assert [layer.line_below for layer in LAYERS] == [
        "Line of interaction",
        "Line of visibility",
        "Line of internal interaction",
        "",
    ]
    assert tuple(field.name for field in Touchpoint._meta.fields if field.name in LAYER_FIELDS) == LAYER_FIELDS


def test_a_touchpoint_is_created_with_its_layers_trimmed(drawn_map):
    touchpoint = services.touchpoint_create(
        stage=drawn_map["stages"][1],
        key="technician-visit",
        name="Technician visit",
        channel="field",
        customer_action="  Waits in\n",
        frontstage="Technician",
        backstage="   ",
    )

    touchpoint.refresh_from_db()
    assert (touchpoint.customer_action, touchpoint.frontstage, touchpoint.backstage, touchpoint.support_processes) == (
        "Waits in",
        "Technician",
        "",
        "",
    )


def test_layers_are_optional(drawn_map):
    touchpoint = services.touchpoint_create(stage=drawn_map["stages"][0], key="plain", name="Plain", channel="web")

    assert all(getattr(touchpoint, field) == "" for field in LAYER_FIELDS)


def test_a_layer_longer_than_the_limit_is_refused_and_nothing_changes(drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    with pytest.raises(ValidationError) as refused:
        services.touchpoint_update(
            touchpoint=touchpoint, name="Renamed", support_processes="y" * (LAYER_MAX_LENGTH + 1)
        )

    stored = Touchpoint.objects.get(pk=touchpoint.pk)
    assert list(refused.value.message_dict) == ["support_processes"]
    assert (stored.name, stored.support_processes) == ("Install step 0", "")


def test_a_layer_of_exactly_the_limit_is_kept(drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    services.touchpoint_update(touchpoint=touchpoint, backstage="z" * LAYER_MAX_LENGTH)

    assert Touchpoint.objects.get(pk=touchpoint.pk).backstage == "z" * LAYER_MAX_LENGTH


def test_changing_a_layer_is_kept_in_the_journeys_audit_history(drawn_map, owner_user):
    touchpoint = drawn_map["touchpoints"]["install-0"]

    services.touchpoint_update(touchpoint=touchpoint, backstage="Dispatcher routes the job")
    services.touchpoint_update(touchpoint=touchpoint, backstage="Planner rebooks by hand")

    rows = touchpoint.history.order_by("-history_id")
    assert [row.backstage for row in rows[:2]] == ["Planner rebooks by hand", "Dispatcher routes the job"]
    page = history.history_page(journey_history_sources(drawn_map["journey"]))
    changes = [change for entry in page.object_list for change in entry.changes]
    assert any(
        change.label == "Backstage"
        and change.old == "Dispatcher routes the job"
        and change.new == "Planner rebooks by hand"
        for change in changes
    )
