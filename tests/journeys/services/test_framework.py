"""The journey framework's writes: a parent per journey, no cycles (service check and database trigger)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.errors import ApplicationError
from journeys.models import Journey
from journeys.services import maps as services
from tests.factories import JourneyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lifecycle():
    become = JourneyFactory(name="Become a customer", slug="become-a-customer")
    onboarding = JourneyFactory(name="Onboarding", slug="onboarding", parent=become)
    welcome = JourneyFactory(name="Welcome call", slug="welcome-call", parent=onboarding)
    return become, onboarding, welcome


def test_a_journey_is_created_under_a_parent():
    # given
    become = JourneyFactory(name="Become a customer")
    # when
    first_bill = services.journey_create(name="First bill", parent=become)
    # then
    assert Journey.objects.get(pk=first_bill.pk).parent == become
    assert list(become.children.values_list("name", flat=True)) == ["First bill"]


def test_a_parent_is_changed_and_removed_with_the_version_bumped(lifecycle):
    become, onboarding, welcome = lifecycle
    moved = services.journey_update(journey=welcome, version=welcome.version, parent=become)
    assert moved.parent == become
    assert moved.version == 2
    top = services.journey_update(journey=moved, parent=None)
    assert Journey.objects.get(pk=top.pk).parent is None


def test_a_journey_cannot_be_its_own_parent(lifecycle):
    become, _, _ = lifecycle
    with pytest.raises(ValidationError) as error:
        services.journey_update(journey=become, parent=become)
    assert error.value.message_dict["parent"] == ["A journey cannot be part of itself."]
    assert Journey.objects.get(pk=become.pk).parent is None


def test_a_journey_cannot_sit_under_a_journey_below_it_and_the_error_names_the_path(lifecycle):
    become, onboarding, welcome = lifecycle
    with pytest.raises(ValidationError) as error:
        services.journey_update(journey=become, parent=welcome)
    assert error.value.message_dict["parent"] == [
        "Become a customer cannot sit under Welcome call because Welcome call is below it "
        "(Become a customer > Onboarding > Welcome call). Move Welcome call out from under Become a customer first."
    ]
    # nothing changed
    become.refresh_from_db()
    assert become.parent is None
    assert become.version == 1


def test_the_framework_is_at_most_four_levels_deep(lifecycle):
    become, onboarding, welcome = lifecycle
    step = JourneyFactory(name="Call booked", parent=welcome)  # four levels: allowed
    with pytest.raises(ValidationError) as error:
        services.journey_create(name="Too deep", parent=step)
    assert "5 levels deep; at most 4 are allowed" in error.value.message_dict["parent"][0]
    assert not Journey.objects.filter(name="Too deep").exists()
    # moving a two-level subtree under a three-level chain would also make five
    other = JourneyFactory(name="Complaint")
    JourneyFactory(name="Complaint logged", parent=other)
    with pytest.raises(ValidationError):
        services.journey_update(journey=other, parent=welcome)
    assert Journey.objects.get(pk=other.pk).parent is None


def test_a_parent_with_children_cannot_be_deleted_and_the_error_names_them(lifecycle):
    become, onboarding, _ = lifecycle
    with pytest.raises(ApplicationError) as error:
        services.journey_delete(journey=become)
    assert "Onboarding is part of this journey" in str(error.value)
    assert Journey.objects.filter(pk=become.pk).exists()


def _set_parent_in_sql(journey_id: int, parent_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE journeys_journey SET parent_id = %s WHERE id = %s", [parent_id, journey_id])


def test_the_database_refuses_a_cycle_that_bypasses_the_services(lifecycle):
    become, onboarding, welcome = lifecycle
    with pytest.raises(IntegrityError, match="journeys_journey_no_cycle"), transaction.atomic():
        _set_parent_in_sql(become.pk, welcome.pk)
    become.refresh_from_db()
    assert become.parent_id is None


def test_the_database_refuses_a_journey_as_its_own_parent(lifecycle):
    become, _, _ = lifecycle
    with pytest.raises(IntegrityError), transaction.atomic():
        _set_parent_in_sql(become.pk, become.pk)
    become.refresh_from_db()
    assert become.parent_id is None


def test_the_database_accepts_a_move_that_makes_no_cycle(lifecycle):
    become, onboarding, welcome = lifecycle
    other = JourneyFactory(name="Home move")
    _set_parent_in_sql(welcome.pk, other.pk)
    welcome.refresh_from_db()
    assert welcome.parent_id == other.pk
