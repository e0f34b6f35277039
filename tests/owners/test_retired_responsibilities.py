"""A retired touchpoint keeps who delivered it; the responsibilities grid neither shows nor changes it."""

import pytest

from core.errors import ApplicationError
from journeys.services import maps as map_services
from owners import services
from owners.models import Responsibility

pytestmark = pytest.mark.django_db


def test_saving_the_grid_keeps_the_responsibilities_of_a_retired_touchpoint(organisation):
    # given
    welcome_call, installation, letter = organisation.touchpoints
    map_services.touchpoint_retire(touchpoint=installation)
    kept = set(Responsibility.objects.filter(touchpoint=installation).values_list("touchpoint_id", "function_id"))
    assert kept  # the organisation fixture has someone deliver the installation

    # when the grid (which does not show the retired touchpoint) is saved with one pair
    services.responsibilities_set(journey=organisation.journey, pairs={(letter.pk, organisation.billing.pk)})

    # then the retired touchpoint's responsibilities are untouched
    assert set(Responsibility.objects.filter(touchpoint=installation).values_list("touchpoint_id", "function_id")) == (
        kept
    )


def test_the_grid_cannot_assign_a_retired_touchpoint(organisation):
    _, installation, _ = organisation.touchpoints
    map_services.touchpoint_retire(touchpoint=installation)
    before = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))

    with pytest.raises(ApplicationError, match="retired"):
        services.responsibilities_set(journey=organisation.journey, pairs={(installation.pk, organisation.billing.pk)})

    assert set(Responsibility.objects.values_list("touchpoint_id", "function_id")) == before


def test_the_grid_page_leaves_a_retired_touchpoint_out(client, organisation, manager_user):
    _, installation, _ = organisation.touchpoints
    map_services.touchpoint_retire(touchpoint=installation)
    client.force_login(manager_user)

    response = client.get(f"/journeys/{organisation.journey.slug}/responsibilities/")

    assert response.status_code == 200
    assert installation.name not in response.content.decode()
