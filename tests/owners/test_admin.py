"""The owners admin shows the organisation, ownerships, teams and incentives, and writes none of them:
owners.services is the only safe writer (hand-overs, history reasons, the guards that keep history)."""

import pytest

from tests import factories
from tests.admin_pages import assert_revert_refused, assert_shown_read_only, assert_writes_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("factory", "changes"),
    [
        (factories.FunctionFactory, {"name": "Renamed", "slug": "renamed"}),
        (factories.PersonFactory, {"name": "Renamed", "email": "renamed@example.com"}),
        (factories.OwnershipFactory, {"mandate": "Renamed"}),
        (factories.TeamMembershipFactory, {"role": "Renamed"}),
        (factories.ResponsibilityFactory, {"function": ""}),
        (factories.IncentiveFactory, {"name": "Renamed"}),
        (factories.IncentiveReviewFactory, {"rationale": "Renamed"}),
    ],
)
def test_the_owners_admin_shows_each_model_and_refuses_every_write(admin_client, factory, changes):
    # given a row
    obj = factory()

    # then its pages answer without a way to save, and every write is refused
    assert_shown_read_only(admin_client, obj)
    assert_writes_refused(admin_client, obj, changes)


def test_an_ownership_with_history_cannot_be_deleted_or_reverted_from_the_admin(admin_client):
    # given an ownership (its history is what the journey's audit trail shows)
    ownership = factories.OwnershipFactory(mandate="Run onboarding")

    # then reverting it to a past version is refused, and it is still there
    assert_revert_refused(admin_client, ownership, {"mandate": "Renamed"})
    assert ownership.history.filter(history_type="-").count() == 0
