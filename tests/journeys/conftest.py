"""Fixtures of the journey map tests: a drawn map, and a clean panel registry."""

from pathlib import Path

import pytest

from journeys import panels
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
