"""Fixtures of the improvement loop: a journey map, issues, initiatives, users per role, a clock."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def stage(journey):
    return factories.StageFactory(journey=journey, name="Installation", position=1)


@pytest.fixture
def touchpoint(stage):
    return factories.TouchpointFactory(stage=stage, key="technician-visit", name="Technician visit")


@pytest.fixture
def other_journey(db):
    return factories.JourneyFactory(name="Billing", slug="billing")


@pytest.fixture
def foreign_touchpoint(other_journey):
    return factories.TouchpointFactory(stage__journey=other_journey, key="first-bill", name="First bill")


@pytest.fixture
def issue(journey):
    return factories.IssueFactory(journey=journey, title="Technician arrives without the router")


@pytest.fixture
def initiative(journey, issue):
    initiative = factories.InitiativeFactory(journey=journey, title="Kit check before dispatch")
    initiative.issues.add(issue)
    return initiative


@pytest.fixture
def user_in_role(request, viewer_user, manager_user, admin_user, owner_user, team_user):
    """``user_in_role(role)``: a user in that role on the ``journey`` fixture (None = anonymous).

    The admin gets a Person so that writes naming their author can succeed.
    """

    def make(role):
        if role == "anonymous":
            return None
        if role == "admin" and not hasattr(admin_user, "person"):
            factories.PersonFactory(user=admin_user, name="Admin Person")
        return {
            "viewer": viewer_user,
            "team": team_user,
            "owner": owner_user,
            "manager": manager_user,
            "admin": admin_user,
        }[role]

    return make


@pytest.fixture
def freeze_today(monkeypatch):
    """``freeze_today(date)``: timezone.now (hence localdate) answers noon UTC of that day."""

    def freeze(day: dt.date):
        moment = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze
