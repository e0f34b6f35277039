"""Shared fixtures: users in each role of design section 9."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def manager_user(db):
    user = factories.ManagerUserFactory(username="manager")
    factories.PersonFactory(user=user, name="Manager Person")
    return user


@pytest.fixture
def viewer_user(db):
    user = factories.UserFactory(username="viewer")
    factories.PersonFactory(user=user, name="Viewer Person")
    return user


@pytest.fixture
def viewer_client(api_client, viewer_user):
    """An API client authenticated as the viewer."""
    api_client.force_authenticate(viewer_user)
    return api_client


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def integration_user(db):
    user = factories.UserFactory(username="integration")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="journeys",
            codename__in=["add_journeyinstance", "change_journeyinstance", "add_interaction", "add_import"],
        )
    )
    return user


@pytest.fixture
def journey(db):
    return factories.JourneyFactory(name="Onboarding", slug="onboarding")


@pytest.fixture
def owner_user(journey):
    user = factories.UserFactory(username="owner")
    person = factories.PersonFactory(user=user, name="Owner Person")
    factories.OwnershipFactory(journey=journey, person=person)
    return user


@pytest.fixture
def team_user(journey):
    user = factories.UserFactory(username="teammate")
    person = factories.PersonFactory(user=user, name="Team Person")
    factories.TeamMembershipFactory(journey=journey, person=person)
    return user
