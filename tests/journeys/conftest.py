"""Fixtures of the journeys tests: drawn maps, panels, uploads, and small hand-built health datasets."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from journeys import panels
from journeys.choices import Channel, Outcome
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
def ingest_only_user(db):
    """An account holding nothing but journeys.add_journeyinstance (the ingest permission)."""
    user = factories.UserFactory(username="feed")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="journeys", codename="add_journeyinstance")
    )
    return user


# A fixed as-of day, so that every expected figure can be computed by hand.
AS_OF = dt.date(2026, 11, 20)


def moment(days_before: float, *, as_of: dt.date = AS_OF) -> dt.datetime:
    """Noon UTC ``days_before`` days before the as-of day (0 = noon of the as-of day)."""
    noon = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC)
    return noon - dt.timedelta(days=days_before)


@dataclass
class JourneyMap:
    """A journey with two stages and a touchpoint on a few channels in each."""

    journey: object
    stages: list = field(default_factory=list)
    touchpoints: dict = field(default_factory=dict)

    def add_instance(
        self,
        *,
        days_before: float = 1,
        duration: dt.timedelta | None = dt.timedelta(days=2),
        outcome: str = Outcome.COMPLETED,
        satisfaction: int | None = 4,
        segment: str = "",
        interactions=(),
        started_at: dt.datetime | None = None,
    ):
        """An instance and its interactions: each a dict with touchpoint key and any Interaction field."""
        started_at = started_at or moment(days_before)
        in_progress = outcome == Outcome.IN_PROGRESS
        instance = factories.JourneyInstanceFactory(
            journey=self.journey,
            started_at=started_at,
            ended_at=None if in_progress else started_at + duration,
            outcome=outcome,
            satisfaction=satisfaction,
            segment=segment,
        )
        for position, spec in enumerate(interactions, start=1):
            spec = dict(spec)
            touchpoint = self.touchpoints[spec.pop("touchpoint", "call")]
            factories.InteractionFactory(
                instance=instance,
                touchpoint=touchpoint,
                channel=spec.pop("channel", touchpoint.channel),
                occurred_at=spec.pop("occurred_at", started_at + dt.timedelta(hours=position)),
                satisfaction=spec.pop("satisfaction", None),
                **spec,
            )
        return instance


def build_map(**journey_fields) -> JourneyMap:
    journey = factories.JourneyFactory(**journey_fields)
    signup = factories.StageFactory(journey=journey, name="Sign up", position=1)
    setup = factories.StageFactory(journey=journey, name="Set up", position=2)
    touchpoints = {
        "web-form": factories.TouchpointFactory(stage=signup, key="web-form", channel=Channel.WEB),
        "call": factories.TouchpointFactory(stage=signup, key="call", channel=Channel.PHONE),
        "visit": factories.TouchpointFactory(stage=setup, key="visit", channel=Channel.FIELD),
        "app": factories.TouchpointFactory(stage=setup, key="app", channel=Channel.APP),
        "letter": factories.TouchpointFactory(stage=setup, key="letter", channel=Channel.OTHER),
    }
    return JourneyMap(journey=journey, stages=[signup, setup], touchpoints=touchpoints)


@pytest.fixture
def journey_map(db):
    return build_map(name="Broadband onboarding", slug="broadband-onboarding", min_sample=2, window_days=30)


def recent_map(**fields):
    """A journey with data started yesterday and the day before (relative to the real today)."""
    journey_map = build_map(min_sample=1, **fields)
    for days_ago in (1, 2):
        journey_map.add_instance(
            started_at=timezone.now() - dt.timedelta(days=days_ago),
            satisfaction=2,
            interactions=[{"touchpoint": "call", "satisfaction": 5}, {"touchpoint": "visit", "satisfaction": 4}],
        )
    return journey_map
