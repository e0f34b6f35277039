"""improvements.rules: the improvement loop on journeys' roles."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_team_logs_issues_and_posts_updates_and_a_viewer_does_not(journey, team_user, viewer_user):
    initiative = factories.InitiativeFactory(journey=journey)

    assert team_user.has_perm("improvements.log_issue", journey)
    assert team_user.has_perm("improvements.post_update", initiative)
    assert not viewer_user.has_perm("improvements.log_issue", journey)
    assert not viewer_user.has_perm("improvements.post_update", initiative)
    assert not team_user.has_perm("improvements.log_issue", factories.JourneyFactory())


def test_the_owner_triages_issues_and_manages_initiatives_and_the_team_does_not(journey, owner_user, team_user):
    issue = factories.IssueFactory(journey=journey)
    initiative = factories.InitiativeFactory(journey=journey)

    assert owner_user.has_perm("improvements.triage_issue", issue)
    assert owner_user.has_perm("improvements.manage_initiative", initiative)
    assert not team_user.has_perm("improvements.triage_issue", issue)
    assert not team_user.has_perm("improvements.manage_initiative", initiative)
    assert factories.ManagerUserFactory().has_perm("improvements.triage_issue", issue)
