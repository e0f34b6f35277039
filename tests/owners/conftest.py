"""Fixtures of the owners tests: a small organisation around the `journey` fixture."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from owners.choices import Verdict
from tests import factories

ROLES = ["viewer", "team", "owner", "manager", "admin"]


@pytest.fixture
def user_in_role(request):
    """The user of a role of design section 9 (team and owner are of the `journey` fixture)."""

    def get(role):
        if role == "anonymous":
            return None
        fixture = {"team": "team_user", "owner": "owner_user"}.get(role, f"{role}_user")
        return request.getfixturevalue(fixture)

    return get


@dataclass
class Organisation:
    journey: object
    touchpoints: list
    customer_service: object
    field_operations: object
    billing: object
    handle_time: object
    first_contact: object
    jobs_per_day: object
    retired_measure: object
    collections: object


def build_organisation(journey, *, today=None):
    """A journey with three touchpoints delivered by two functions, a team and some verdicts.

    Worked out by hand:
    - touchpoints: welcome call (Customer Service), installation (Field Operations and Customer
      Service), welcome letter (nobody);
    - team: one Customer Service person, so Field Operations is uncovered;
    - active incentives of the touching functions: handle time and first-contact resolution
      (Customer Service), jobs per day (Field Operations) = 3 (the retired measure is inactive;
      Billing touches nothing);
    - current verdicts: handle time conflicting (an older aligned verdict is history), first-contact
      resolution aligned, jobs per day unreviewed -> harmonisation index 1/3;
    - the map was drawn 200 days ago and never reviewed, so it is stale.
    """
    today = today or timezone.localdate()
    type(journey).objects.filter(pk=journey.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    journey.refresh_from_db()
    stage = factories.StageFactory(journey=journey, name="Welcome", position=1)
    welcome_call = factories.TouchpointFactory(stage=stage, name="Welcome call", key="welcome-call", position=1)
    installation = factories.TouchpointFactory(stage=stage, name="Installation", key="installation", position=2)
    letter = factories.TouchpointFactory(stage=stage, name="Welcome letter", key="welcome-letter", position=3)
    customer_service = factories.FunctionFactory(name="Customer Service", slug="customer-service")
    field_operations = factories.FunctionFactory(name="Field Operations", slug="field-operations")
    billing = factories.FunctionFactory(name="Billing", slug="billing")
    factories.ResponsibilityFactory(touchpoint=welcome_call, function=customer_service)
    factories.ResponsibilityFactory(touchpoint=installation, function=field_operations)
    factories.ResponsibilityFactory(touchpoint=installation, function=customer_service)
    factories.TeamMembershipFactory(journey=journey, person=factories.PersonFactory(function=customer_service))
    handle_time = factories.IncentiveFactory(function=customer_service, name="Average handle time")
    first_contact = factories.IncentiveFactory(function=customer_service, name="First-contact resolution")
    jobs_per_day = factories.IncentiveFactory(function=field_operations, name="Jobs per day")
    retired_measure = factories.IncentiveFactory(function=field_operations, name="Retired measure", active=False)
    collections = factories.IncentiveFactory(function=billing, name="Collections")
    now = timezone.now()
    factories.IncentiveReviewFactory(
        incentive=handle_time, journey=journey, verdict=Verdict.ALIGNED, reviewed_at=now - dt.timedelta(days=10)
    )
    factories.IncentiveReviewFactory(
        incentive=handle_time,
        journey=journey,
        verdict=Verdict.CONFLICTING,
        rationale="Rewards short calls; onboarding needs long ones.",
        reviewed_at=now - dt.timedelta(days=1),
    )
    factories.IncentiveReviewFactory(incentive=first_contact, journey=journey, verdict=Verdict.ALIGNED)
    factories.IncentiveReviewFactory(incentive=retired_measure, journey=journey, verdict=Verdict.CONFLICTING)
    return Organisation(
        journey=journey,
        touchpoints=[welcome_call, installation, letter],
        customer_service=customer_service,
        field_operations=field_operations,
        billing=billing,
        handle_time=handle_time,
        first_contact=first_contact,
        jobs_per_day=jobs_per_day,
        retired_measure=retired_measure,
        collections=collections,
    )


@pytest.fixture
def organisation(journey):
    return build_organisation(journey)
