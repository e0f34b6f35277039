"""The improvements admin shows issues, initiatives and their updates, and writes none of them:
their status transitions, baselines, results and versions belong to improvements.services."""

import pytest

from improvements.choices import InitiativeStatus, IssueStatus
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
        (factories.IssueFactory, {"title": "Renamed", "status": IssueStatus.RESOLVED}),
        (factories.InitiativeFactory, {"title": "Renamed", "status": InitiativeStatus.DELIVERED}),
        (factories.InitiativeUpdateFactory, {"body": "Renamed", "progress": 100}),
    ],
)
def test_the_improvements_admin_shows_each_model_and_refuses_every_write(admin_client, factory, changes):
    # given a row
    obj = factory()

    # then its pages answer without a way to save, and every write is refused
    assert_shown_read_only(admin_client, obj)
    assert_writes_refused(admin_client, obj, changes)


def test_an_issue_cannot_be_reverted_to_a_past_version_from_the_admin(admin_client):
    issue = factories.IssueFactory(title="Customers call twice")

    assert_revert_refused(admin_client, issue, {"title": "Renamed"})


def test_the_initiative_page_of_the_admin_lists_its_updates_without_a_way_to_add_one(admin_client):
    # given an initiative with an update
    update = factories.InitiativeUpdateFactory(body="Pilot running in two regions.")

    # when its admin page is shown
    html = admin_client.get(admin_url(update.initiative, "change", update.initiative.pk)).content.decode()

    # then the update is listed, and none can be added or removed there
    assert "Pilot running in two regions." in html
    assert 'name="updates-MAX_NUM_FORMS" value="0"' in html
    assert 'name="updates-0-DELETE"' not in html
