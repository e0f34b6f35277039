"""The history reads as the pages do (issue 18, item 11): people's names, yes/no, values in their units."""

import datetime as dt
from decimal import Decimal

import pytest

from improvements.models import Initiative
from journeys.models import Touchpoint
from tests import factories

pytestmark = pytest.mark.django_db


def _made_by(user, *models):
    for model in models:
        model.history.model.objects.update(history_user=user)


def test_the_journey_history_names_people_and_shows_values_as_the_pages_do(client, journey, owner_user):
    # given: an initiative whose baseline was recorded, and a touchpoint made a moment of truth, by the owner
    touchpoint = factories.TouchpointFactory(stage__journey=journey, name="Technician visit", is_moment_of_truth=False)
    initiative = factories.InitiativeFactory(journey=journey, title="Fix first time", target_component="journey_csat")
    initiative.baseline_value = Decimal("2.6897")
    initiative.save()
    touchpoint.is_moment_of_truth = True
    touchpoint.save()
    _made_by(owner_user, Initiative, Touchpoint)

    # when
    client.force_login(owner_user)
    text = " ".join(client.get("/journeys/onboarding/history/").content.decode().split())

    # then
    assert "Owner Person changed" in text  # the person, not the login "owner"
    assert "owner changed" not in text
    assert "2.69" in text  # as the initiative's page shows its baseline
    assert "2.6897" not in text
    assert "False" not in text
    assert "True" not in text


def test_the_initiative_history_names_the_person_who_changed_it(client, journey, owner_user):
    initiative = factories.InitiativeFactory(journey=journey, title="Fix first time", target_component="journey_csat")
    initiative.due_date = dt.date(2027, 1, 15)
    initiative.target_value = Decimal("3.5")
    initiative.save()
    _made_by(owner_user, Initiative)

    client.force_login(owner_user)
    text = " ".join(client.get(initiative.get_absolute_url()).content.decode().split())

    assert "<strong>Owner Person</strong> changed" in text
    assert "15 Jan 2027" in text
    assert "3.50" in text  # a rating, to two decimals as on the page
