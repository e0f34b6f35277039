"""Fixtures of the journeys tests: small hand-built datasets for the health engine."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from journeys.choices import Channel, Outcome
from tests import factories

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
