"""Fixtures of the journeys tests: drawn maps, a clean panel registry, uploads kept out of MEDIA_ROOT."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from journeys import panels
from journeys.choices import Channel
from tests import factories

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def drawn_map(journey):
    """The ``journey`` fixture with three stages of two touchpoints each, positions 0..n-1."""
    stages = [
        factories.StageFactory(journey=journey, name=name, position=index)
        for index, name in enumerate(["Order", "Install", "First bill"])
    ]
    touchpoints = {}
    for stage in stages:
        for index in range(2):
            key = f"{stage.name.lower().replace(' ', '-')}-{index}"
            touchpoints[key] = factories.TouchpointFactory(
                stage=stage, key=key, name=f"{stage.name} step {index}", position=index
            )
    return {"journey": journey, "stages": stages, "touchpoints": touchpoints}


@pytest.fixture
def clean_panels():
    """Restore the panel registry and lane provider that a test changes."""
    saved_panels = dict(panels._panels)
    saved_provider = panels._lane_provider
    panels._panels.clear()
    panels._lane_provider = None
    yield panels
    panels._panels.clear()
    panels._panels.update(saved_panels)
    panels._lane_provider = saved_provider


@pytest.fixture
def test_templates(settings):
    """Templates only the tests use (a sample panel)."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]},
    ]


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
