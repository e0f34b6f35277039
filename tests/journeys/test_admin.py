"""The journeys admin shows maps, instances, interactions, health and imports, and writes none of them:
journeys.services and ingest are the only safe writers (versions, ingest rules, the data-changed mark)."""

import pytest

from tests import factories
from tests.admin_pages import admin_url, assert_revert_refused, assert_shown_read_only, assert_writes_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("factory", "changes"),
    [
        (factories.JourneyFactory, {"name": "Renamed", "slug": "renamed", "status": "retired"}),
        (factories.StageFactory, {"name": "Renamed"}),
        (factories.TouchpointFactory, {"name": "Renamed", "key": "renamed"}),
        (factories.JourneyInstanceFactory, {"external_id": "renamed"}),
        (factories.InteractionFactory, {"external_id": "renamed"}),
        (factories.HealthSnapshotFactory, {"segment": "renamed"}),
        (factories.ImportFactory, {"original_name": "renamed.csv"}),
        (factories.PendingRecomputeFactory, {"first_day": "2020-01-01"}),
    ],
)
def test_the_journeys_admin_shows_each_model_and_refuses_every_write(admin_client, factory, changes):
    # given a row
    obj = factory()

    # then its pages answer without a way to save, and every write is refused
    assert_shown_read_only(admin_client, obj)
    assert_writes_refused(admin_client, obj, changes)


def test_a_journey_changed_from_the_admin_keeps_its_name_and_version(admin_client):
    # given a journey
    journey = factories.JourneyFactory(name="Onboarding")
    version = journey.version

    # when its admin page is posted
    assert_writes_refused(admin_client, journey, {"name": "Renamed"})

    # then neither its name nor its version moved
    journey.refresh_from_db()
    assert (journey.name, journey.version) == ("Onboarding", version)


def test_reverting_a_journey_to_a_past_version_from_the_admin_is_refused(admin_client):
    journey = factories.JourneyFactory(name="Onboarding")

    assert_revert_refused(admin_client, journey, {"name": "Renamed", "slug": journey.slug, "status": "active"})


def test_the_journey_page_of_the_admin_lists_its_stages(admin_client):
    # given a journey with a stage
    stage = factories.StageFactory(name="Sign up")

    # when its admin page is shown
    html = admin_client.get(admin_url(stage.journey, "change", stage.journey.pk)).content.decode()

    # then the stage is listed, and cannot be added to or removed there
    assert "Sign up" in html
    assert 'name="stages-MAX_NUM_FORMS" value="0"' in html
    assert 'name="stages-0-DELETE"' not in html
