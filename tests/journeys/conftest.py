"""Fixtures of the journeys tests: a mapped journey and uploads kept out of the real MEDIA_ROOT."""

import pytest
from django.contrib.auth.models import Permission

from journeys.choices import Channel
from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def mapped_journey(journey):
    """The onboarding journey with two stages and three touchpoints."""
    welcome = factories.StageFactory(journey=journey, name="Welcome", position=1)
    setup = factories.StageFactory(journey=journey, name="Set-up", position=2)
    factories.TouchpointFactory(stage=welcome, key="welcome-call", name="Welcome call", channel=Channel.PHONE)
    factories.TouchpointFactory(stage=setup, key="app-setup", name="App set-up", channel=Channel.APP)
    factories.TouchpointFactory(
        stage=setup, key="technician-visit", name="Technician visit", channel=Channel.FIELD, is_moment_of_truth=True
    )
    return journey


@pytest.fixture
def integration_client(api_client, integration_user):
    api_client.force_authenticate(integration_user)
    return api_client


@pytest.fixture
def viewer_client(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)
    return api_client


@pytest.fixture
def ingest_only_user(db):
    """An account holding nothing but journeys.add_journeyinstance (the ingest permission)."""
    user = factories.UserFactory(username="feed")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="journeys", codename="add_journeyinstance")
    )
    return user
