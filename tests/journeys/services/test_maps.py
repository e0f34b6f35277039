"""Services that write journeys and their maps."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ApplicationError, StaleObjectError
from journeys.models import Journey, Stage, Touchpoint
from journeys.services import maps as services
from tests import factories

pytestmark = pytest.mark.django_db


def stage_names(journey):
    return list(Stage.objects.filter(journey=journey).order_by("position").values_list("name", flat=True))


def stage_positions(journey):
    return list(Stage.objects.filter(journey=journey).order_by("position").values_list("position", flat=True))


def touchpoint_keys(stage):
    return list(Touchpoint.objects.filter(stage=stage).order_by("position").values_list("key", flat=True))


# --- journeys ------------------------------------------------------------------------------------


def test_journey_create_derives_a_unique_slug_from_the_name():
    factories.JourneyFactory(slug="home-move")

    journey = services.journey_create(name="Home move", target_duration=dt.timedelta(days=30))

    assert journey.slug == "home-move-2"
    assert journey.target_duration == dt.timedelta(days=30)
    assert journey.version == 1


def test_journey_create_refuses_a_reserved_or_taken_slug():
    factories.JourneyFactory(slug="taken")

    with pytest.raises(ValidationError) as reserved:
        services.journey_create(name="New", slug="new")
    with pytest.raises(ValidationError) as taken:
        services.journey_create(name="Other", slug="taken")

    assert "reserved" in reserved.value.message_dict["slug"][0]
    assert "already uses" in taken.value.message_dict["slug"][0]
    assert Journey.objects.count() == 1


def test_journey_create_refuses_a_bad_status_with_a_field_message():
    with pytest.raises(ValidationError) as error:
        services.journey_create(name="Broken", status="paused")

    assert "status" in error.value.message_dict
    assert not Journey.objects.exists()


def test_journey_update_increments_the_version_every_time(journey):
    services.journey_update(journey=journey, name="Onboarding v2")
    updated = services.journey_update(journey=journey, version=2, target_score=80)

    assert updated.version == 3
    journey.refresh_from_db()
    assert (journey.name, journey.target_score, journey.version) == ("Onboarding v2", 80, 3)


def test_journey_update_with_a_stale_version_is_refused_and_changes_nothing(journey):
    # given someone saved after we read version 1
    services.journey_update(journey=journey, version=1, name="Their name")

    # when we save with the version we read
    with pytest.raises(StaleObjectError) as error:
        services.journey_update(journey=journey, version=1, name="Our name")

    # then we are told and their change stays
    assert "changed by someone else" in error.value.message
    journey.refresh_from_db()
    assert (journey.name, journey.version) == ("Their name", 2)


def test_journey_update_cannot_change_the_slug(journey):
    with pytest.raises(ValidationError) as error:
        services.journey_update(journey=journey, slug="renamed")

    assert "slug" in error.value.message_dict
    journey.refresh_from_db()
    assert journey.slug == "onboarding"


def test_journey_update_validates_targets(journey):
    with pytest.raises(ValidationError) as error:
        services.journey_update(journey=journey, target_score=120)

    assert "target_score" in error.value.message_dict
    journey.refresh_from_db()
    assert (journey.target_score, journey.version) == (75, 1)


def test_reviewing_the_map_records_today(journey):
    services.journey_review_map(journey=journey)

    journey.refresh_from_db()
    assert journey.map_reviewed_on == timezone.localdate()
    assert journey.version == 2


def test_a_journey_without_data_can_be_deleted_with_its_map(drawn_map):
    journey = drawn_map["journey"]

    services.journey_delete(journey=journey)

    assert not Journey.objects.filter(pk=journey.pk).exists()
    assert not Touchpoint.objects.exists()


def test_a_journey_with_recorded_data_is_not_deleted(drawn_map):
    journey = drawn_map["journey"]
    factories.JourneyInstanceFactory(journey=journey)

    with pytest.raises(ApplicationError, match="Retire it instead"):
        services.journey_delete(journey=journey)

    assert Journey.objects.filter(pk=journey.pk).exists()


# --- stages --------------------------------------------------------------------------------------


def test_stage_create_appends_at_the_end(drawn_map):
    journey = drawn_map["journey"]

    stage = services.stage_create(journey=journey, name="Renewal")

    assert stage.position == 3
    assert stage_names(journey) == ["Order", "Install", "First bill", "Renewal"]


def test_stage_create_at_a_position_shifts_later_stages(drawn_map):
    journey = drawn_map["journey"]

    services.stage_create(journey=journey, name="Survey", position=1)

    assert stage_names(journey) == ["Order", "Survey", "Install", "First bill"]
    assert stage_positions(journey) == [0, 1, 2, 3]


def test_stage_create_refuses_a_duplicate_name(drawn_map):
    journey = drawn_map["journey"]

    with pytest.raises(ValidationError) as error:
        services.stage_create(journey=journey, name="Install")

    assert error.value.message_dict["name"] == ["This journey already has a stage with this name."]
    assert Stage.objects.filter(journey=journey).count() == 3


def test_stage_reorder_swaps_positions_despite_the_unique_constraint(drawn_map):
    journey = drawn_map["journey"]
    order, install, bill = drawn_map["stages"]

    services.stage_reorder(journey=journey, stage_ids=[bill.pk, order.pk, install.pk])

    assert stage_names(journey) == ["First bill", "Order", "Install"]
    assert stage_positions(journey) == [0, 1, 2]


def test_stage_reorder_must_list_every_stage_once(drawn_map):
    journey = drawn_map["journey"]
    order, install, _ = drawn_map["stages"]
    other_stage = factories.StageFactory()

    for bad in ([order.pk, install.pk], [order.pk, order.pk, install.pk], [order.pk, install.pk, other_stage.pk]):
        with pytest.raises(ValidationError):
            services.stage_reorder(journey=journey, stage_ids=bad)

    assert stage_names(journey) == ["Order", "Install", "First bill"]


def test_stage_reorder_normalises_scattered_positions(journey):
    late = factories.StageFactory(journey=journey, name="Late", position=40)
    early = factories.StageFactory(journey=journey, name="Early", position=7)

    services.stage_reorder(journey=journey, stage_ids=[early.pk, late.pk])

    assert stage_positions(journey) == [0, 1]
    assert stage_names(journey) == ["Early", "Late"]


def test_stage_update_moves_a_stage_to_a_new_position(drawn_map):
    journey = drawn_map["journey"]
    _, _, bill = drawn_map["stages"]

    services.stage_update(stage=bill, name="Billing", position=0)

    assert stage_names(journey) == ["Billing", "Order", "Install"]


def test_stage_move_stops_at_the_ends(drawn_map):
    journey = drawn_map["journey"]
    order, _, _ = drawn_map["stages"]

    services.stage_move(stage=order, offset=-1)
    assert stage_names(journey) == ["Order", "Install", "First bill"]

    services.stage_move(stage=order, offset=1)
    assert stage_names(journey) == ["Install", "Order", "First bill"]


def test_stage_reorder_is_recorded_in_the_history(drawn_map):
    journey = drawn_map["journey"]
    order, install, bill = drawn_map["stages"]

    services.stage_reorder(journey=journey, stage_ids=[install.pk, order.pk, bill.pk])

    assert order.history.first().position == 1


def test_stage_delete_removes_its_touchpoints_and_closes_the_gap(drawn_map):
    journey = drawn_map["journey"]
    _, install, _ = drawn_map["stages"]

    services.stage_delete(stage=install)

    assert stage_names(journey) == ["Order", "First bill"]
    assert stage_positions(journey) == [0, 1]
    assert not Touchpoint.objects.filter(key__startswith="install").exists()


def test_stage_with_recorded_interactions_is_not_deleted(drawn_map):
    touchpoint = drawn_map["touchpoints"]["install-0"]
    instance = factories.JourneyInstanceFactory(journey=drawn_map["journey"])
    factories.InteractionFactory(instance=instance, touchpoint=touchpoint)

    with pytest.raises(ApplicationError, match="move those touchpoints"):
        services.stage_delete(stage=touchpoint.stage)

    assert Stage.objects.filter(pk=touchpoint.stage_id).exists()


# --- touchpoints ---------------------------------------------------------------------------------


def test_touchpoint_create_copies_the_journey_from_its_stage(drawn_map):
    stage = drawn_map["stages"][0]

    touchpoint = services.touchpoint_create(stage=stage, key="welcome-call", name="Welcome call", channel="phone")

    assert touchpoint.journey_id == drawn_map["journey"].pk
    assert touchpoint_keys(stage) == ["order-0", "order-1", "welcome-call"]


def test_touchpoint_create_at_a_position(drawn_map):
    stage = drawn_map["stages"][0]

    services.touchpoint_create(stage=stage, key="first", name="First", channel="web", position=0)

    assert touchpoint_keys(stage) == ["first", "order-0", "order-1"]


def test_touchpoint_key_is_unique_in_the_journey_with_a_field_message(drawn_map):
    stage = drawn_map["stages"][2]

    with pytest.raises(ValidationError) as error:
        services.touchpoint_create(stage=stage, key="order-0", name="Copy", channel="web")

    assert error.value.message_dict["key"] == ['This journey already has a touchpoint with the key "order-0".']
    assert Touchpoint.objects.filter(key="order-0").count() == 1


def test_the_same_key_may_be_used_in_another_journey(drawn_map):
    other_stage = factories.StageFactory()

    touchpoint = services.touchpoint_create(stage=other_stage, key="order-0", name="Order", channel="web")

    assert touchpoint.journey_id == other_stage.journey_id


def test_touchpoint_create_refuses_an_unknown_channel(drawn_map):
    with pytest.raises(ValidationError) as error:
        services.touchpoint_create(stage=drawn_map["stages"][0], key="fax", name="Fax", channel="fax")

    assert "channel" in error.value.message_dict
    assert not Touchpoint.objects.filter(key="fax").exists()


def test_touchpoint_update_changes_fields_and_checks_the_key(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]

    services.touchpoint_update(touchpoint=touchpoint, name="Place order", is_moment_of_truth=True)
    with pytest.raises(ValidationError) as error:
        services.touchpoint_update(touchpoint=touchpoint, key="order-1")

    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.is_moment_of_truth, touchpoint.key) == ("Place order", True, "order-0")
    assert "key" in error.value.message_dict


def test_touchpoint_moves_to_another_stage_of_its_journey(drawn_map):
    order, install, _ = drawn_map["stages"]
    touchpoint = drawn_map["touchpoints"]["order-0"]

    services.touchpoint_move(touchpoint=touchpoint, stage=install, position=0)

    assert touchpoint_keys(install) == ["order-0", "install-0", "install-1"]
    assert touchpoint_keys(order) == ["order-1"]
    assert Touchpoint.objects.get(key="order-1").position == 0


def test_touchpoint_cannot_move_to_a_stage_of_another_journey(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    foreign_stage = factories.StageFactory()

    with pytest.raises(ValidationError) as error:
        services.touchpoint_update(touchpoint=touchpoint, stage=foreign_stage, name="Renamed")

    assert error.value.message_dict["stage"] == ["A touchpoint can only move to a stage of its own journey."]
    touchpoint.refresh_from_db()
    assert (touchpoint.stage_id, touchpoint.name) == (drawn_map["stages"][0].pk, "Order step 0")


def test_touchpoint_shift_moves_within_its_stage(drawn_map):
    stage = drawn_map["stages"][0]

    services.touchpoint_shift(touchpoint=drawn_map["touchpoints"]["order-1"], offset=-1)

    assert touchpoint_keys(stage) == ["order-1", "order-0"]


def test_touchpoint_with_interactions_is_not_deleted(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    instance = factories.JourneyInstanceFactory(journey=drawn_map["journey"])
    factories.InteractionFactory(instance=instance, touchpoint=touchpoint)

    with pytest.raises(ApplicationError, match="cannot be deleted"):
        services.touchpoint_delete(touchpoint=touchpoint)

    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_touchpoint_delete_closes_the_gap(drawn_map):
    stage = drawn_map["stages"][0]
    services.touchpoint_create(stage=stage, key="third", name="Third", channel="web")

    services.touchpoint_delete(touchpoint=drawn_map["touchpoints"]["order-0"])

    assert list(Touchpoint.objects.filter(stage=stage).order_by("position").values_list("key", "position")) == [
        ("order-1", 0),
        ("third", 1),
    ]
