"""journeys.rules: journey-scoped roles through the journeys.roles registry, and journeys' permissions."""

import pytest

from journeys import roles
from journeys.rules import has_journey_role, journey_of
from owners.rules import journey_owner_check, team_member_check
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_journey_of_a_journey_is_itself_and_of_a_stage_its_journey(journey):
    stage = factories.StageFactory(journey=journey)

    assert journey_of(journey) == journey
    assert journey_of(stage) == journey
    assert journey_of(None) is None
    assert journey_of(factories.FunctionFactory()) is None  # an object of no journey


def test_the_owner_check_is_the_one_owners_registered_at_start_up():
    assert roles.role_check(roles.OWNER) is journey_owner_check
    assert roles.role_check(roles.TEAM_MEMBER) is team_member_check


def test_nobody_holds_a_role_that_no_app_checks(journey, owner_user):
    assert has_journey_role(owner_user, journey, roles.OWNER)
    assert not has_journey_role(owner_user, journey, "sponsor")


def test_the_owner_and_a_manager_steer_the_journey_and_a_team_member_does_not(journey, owner_user, team_user):
    manager = factories.ManagerUserFactory()

    for permission in ("journeys.change_journey", "journeys.recompute_journey", "journeys.review_map"):
        assert owner_user.has_perm(permission, journey)
        assert manager.has_perm(permission, journey)
        assert not team_user.has_perm(permission, journey)


def test_the_owner_of_another_journey_does_not_steer_this_one(journey, owner_user):
    other = factories.JourneyFactory()

    assert not owner_user.has_perm("journeys.change_journey", other)
    assert not owner_user.has_perm("core.view_history", other)


def test_only_managers_create_and_delete_journeys(journey, owner_user):
    manager = factories.ManagerUserFactory()

    assert manager.has_perm("journeys.create_journey")
    assert manager.has_perm("journeys.delete_journey", journey)
    assert not owner_user.has_perm("journeys.create_journey")
    assert not owner_user.has_perm("journeys.delete_journey", journey)


def test_the_history_of_a_journey_is_for_its_owner_and_managers(journey, owner_user, team_user, viewer_user):
    assert owner_user.has_perm("core.view_history", journey)
    assert factories.ManagerUserFactory().has_perm("core.view_history", journey)
    assert not team_user.has_perm("core.view_history", journey)
    assert not viewer_user.has_perm("core.view_history", journey)
