"""Retiring stages and touchpoints: kept with their data, off the map, and brought back."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from journeys.models import Stage, Touchpoint
from journeys.services import maps as services
from tests import factories

pytestmark = pytest.mark.django_db


def record_interaction(touchpoint):
    return factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=touchpoint.journey), touchpoint=touchpoint
    )


def test_a_touchpoint_with_interactions_is_retired_and_keeps_them(drawn_map):
    # given
    touchpoint = drawn_map["touchpoints"]["order-0"]
    interaction = record_interaction(touchpoint)

    # when
    services.touchpoint_retire(touchpoint=touchpoint)

    # then
    touchpoint.refresh_from_db()
    assert touchpoint.retired_at is not None
    assert list(touchpoint.interactions.values_list("pk", flat=True)) == [interaction.pk]
    assert touchpoint.key not in Touchpoint.objects.in_use().values_list("key", flat=True)
    assert list(Touchpoint.objects.retired().values_list("key", flat=True)) == ["order-0"]
    assert touchpoint.history.first().retired_at == touchpoint.retired_at


def test_a_retired_touchpoint_is_brought_back_in_its_place(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    services.touchpoint_retire(touchpoint=touchpoint)

    services.touchpoint_bring_back(touchpoint=touchpoint)

    touchpoint.refresh_from_db()
    assert (touchpoint.retired_at, touchpoint.position) == (None, 0)
    assert "order-0" in Touchpoint.objects.in_use().values_list("key", flat=True)


def test_retiring_twice_or_bringing_back_what_is_in_use_is_refused(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    stage = drawn_map["stages"][0]

    with pytest.raises(ApplicationError, match="not retired"):
        services.touchpoint_bring_back(touchpoint=touchpoint)
    with pytest.raises(ApplicationError, match="not retired"):
        services.stage_bring_back(stage=stage)
    services.touchpoint_retire(touchpoint=touchpoint)
    services.stage_retire(stage=stage)
    with pytest.raises(ApplicationError, match="already retired"):
        services.touchpoint_retire(touchpoint=touchpoint)
    with pytest.raises(ApplicationError, match="already retired"):
        services.stage_retire(stage=stage)


def test_a_retired_stage_takes_its_touchpoints_off_the_map_and_brings_them_back(drawn_map):
    # given
    order = drawn_map["stages"][0]
    record_interaction(drawn_map["touchpoints"]["order-1"])

    # when
    services.stage_retire(stage=order)

    # then its touchpoints are off the map, though their own retired_at is untouched
    assert set(Touchpoint.objects.in_use().values_list("key", flat=True)) == {
        "install-0",
        "install-1",
        "first-bill-0",
        "first-bill-1",
    }
    assert list(Stage.objects.in_use().values_list("name", flat=True)) == ["Install", "First bill"]
    assert not Touchpoint.objects.filter(stage=order, retired_at__isnull=False).exists()

    # when brought back
    services.stage_bring_back(stage=order)

    # then the stage and both touchpoints are on the map again
    assert Touchpoint.objects.in_use().filter(stage=order).count() == 2
    assert Stage.objects.in_use().order_by("position").first() == order


def test_a_touchpoint_of_a_retired_stage_comes_back_only_with_its_stage(drawn_map):
    order = drawn_map["stages"][0]
    touchpoint = drawn_map["touchpoints"]["order-0"]
    services.touchpoint_retire(touchpoint=touchpoint)
    services.stage_retire(stage=order)

    with pytest.raises(ApplicationError, match="bring the stage back first"):
        services.touchpoint_bring_back(touchpoint=touchpoint)

    touchpoint.refresh_from_db()
    assert touchpoint.retired_at is not None


def test_nothing_is_added_to_or_moved_into_a_retired_stage(drawn_map):
    order, install, _ = drawn_map["stages"]
    services.stage_retire(stage=order)
    touchpoint = drawn_map["touchpoints"]["install-0"]

    with pytest.raises(ValidationError, match="retired"):
        services.touchpoint_create(stage=order, key="new-one", name="New", channel="web")
    with pytest.raises(ValidationError, match="retired"):
        services.touchpoint_move(touchpoint=touchpoint, stage=order)

    assert not Touchpoint.objects.filter(key="new-one").exists()
    touchpoint.refresh_from_db()
    assert touchpoint.stage == install


def test_moving_a_stage_passes_over_a_retired_one(drawn_map):
    # given Order | (Install retired) | First bill
    order, install, first_bill = drawn_map["stages"]
    services.stage_retire(stage=install)

    # when First bill moves left once
    services.stage_move(stage=first_bill, offset=-1)

    # then it is before Order on the map: one press, one visible step
    shown = list(Stage.objects.in_use().order_by("position").values_list("name", flat=True))
    assert shown == ["First bill", "Order"]
    assert list(Stage.objects.order_by("position").values_list("position", flat=True)) == [0, 1, 2]


def test_moving_a_touchpoint_passes_over_a_retired_one(drawn_map):
    stage = drawn_map["stages"][0]
    extra = factories.TouchpointFactory(stage=stage, key="order-2", name="Order step 2", position=2)
    services.touchpoint_retire(touchpoint=drawn_map["touchpoints"]["order-1"])

    services.touchpoint_shift(touchpoint=extra, offset=-1)

    shown = list(Touchpoint.objects.in_use().filter(stage=stage).order_by("position").values_list("key", flat=True))
    assert shown == ["order-2", "order-0"]


def test_a_retired_touchpoint_with_data_still_cannot_be_deleted(drawn_map):
    touchpoint = drawn_map["touchpoints"]["order-0"]
    record_interaction(touchpoint)
    services.touchpoint_retire(touchpoint=touchpoint)

    with pytest.raises(ApplicationError, match="Retire it instead"):
        services.touchpoint_delete(touchpoint=touchpoint)

    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
