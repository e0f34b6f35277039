"""owners.rules: who owns a journey or is on its team, and owners' permissions."""

import datetime as dt

import pytest
from django.utils import timezone

from owners.rules import journey_owner_check, team_member_check
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_current_owner_owns_the_journey_and_a_past_one_no_longer(journey):
    # given a past owner and the current one
    past, current = factories.UserFactory(), factories.UserFactory()
    today = timezone.localdate()
    factories.OwnershipFactory(
        journey=journey,
        person=factories.PersonFactory(user=past),
        started_on=today - dt.timedelta(days=60),
        ended_on=today - dt.timedelta(days=31),
    )
    factories.OwnershipFactory(journey=journey, person=factories.PersonFactory(user=current))

    assert journey_owner_check(current, journey.pk)
    assert not journey_owner_check(past, journey.pk)
    assert not current.has_perm("journeys.change_journey", factories.JourneyFactory())


def test_a_team_member_is_on_the_team_and_a_user_without_a_person_on_none(journey, team_user):
    assert team_member_check(team_user, journey.pk)
    assert not team_member_check(factories.UserFactory(), journey.pk)
    assert not journey_owner_check(team_user, journey.pk)


def test_the_person_of_a_user_is_looked_up_once_per_user_object(journey, owner_user, django_assert_num_queries):
    # given a user object whose person is not known yet
    # when the owner and team checks run, then the person is looked up once (1) plus one query for
    # both roles on the journey (1); asking again costs nothing
    with django_assert_num_queries(2):
        assert journey_owner_check(owner_user, journey.pk)
        assert not team_member_check(owner_user, journey.pk)
        assert journey_owner_check(owner_user, journey.pk)
        assert not team_member_check(owner_user, journey.pk)


def test_the_roles_are_looked_up_per_journey(journey, owner_user, team_user, django_assert_num_queries):
    other = factories.JourneyFactory(slug="other")
    assert (journey_owner_check(owner_user, journey.pk), team_member_check(team_user, journey.pk)) == (True, True)

    # another journey is one query more for each user object, and its answer is its own
    with django_assert_num_queries(2):
        assert not journey_owner_check(owner_user, other.pk)
        assert not team_member_check(team_user, other.pk)
    assert not team_member_check(owner_user, journey.pk)
    assert not journey_owner_check(team_user, journey.pk)


def test_the_owner_and_managers_manage_the_team_and_only_managers_the_organisation(journey, owner_user, team_user):
    manager = factories.ManagerUserFactory()

    assert owner_user.has_perm("owners.manage_team", journey)
    assert manager.has_perm("owners.manage_team", journey)
    assert not team_user.has_perm("owners.manage_team", journey)
    for permission in ("owners.assign_owner", "owners.review_incentive", "owners.manage_organisation"):
        assert manager.has_perm(permission)
        assert not owner_user.has_perm(permission)
