"""Raising an issue from a conflicting verdict (issue 18, item 10): once raised it is linked, not raised again,
and the conflict stops being an ownership gap while the issue stands."""

import pytest
from django.urls import reverse

from improvements import services
from improvements.choices import IssueCategory, IssueStatus
from improvements.links import conflict_issue_path
from improvements.models import Issue
from owners.choices import Gap
from owners.selectors import journey_gaps
from tests.owners.conftest import build_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(journey):
    return build_organisation(journey)


def _raise(client, org, **extra):
    return client.post(
        reverse("improvements:issue-create"),
        {
            "journey": org.journey.pk,
            "title": "Handle time against onboarding",
            "symptom": "Customers call back.",
            "category": IssueCategory.CONFLICTING_OBJECTIVES,
            "severity": 3,
            "functions": [org.customer_service.pk],
            "incentive": org.handle_time.pk,
            **extra,
        },
    )


def test_the_raise_link_carries_the_incentive_and_the_form_keeps_it(client, org, manager_user):
    client.force_login(manager_user)
    path = conflict_issue_path(journey=org.journey, incentive=org.handle_time)

    response = client.get(path)

    assert f"incentive={org.handle_time.pk}" in path
    assert f'name="incentive" value="{org.handle_time.pk}"' in response.content.decode()


def test_a_raised_conflict_is_linked_on_the_matrix_and_the_gap_clears(client, org, manager_user):
    client.force_login(manager_user)
    assert Gap.CONFLICTING_INCENTIVES in journey_gaps(org.journey).codes

    response = _raise(client, org)

    issue = Issue.objects.get()
    assert response.status_code == 302
    assert issue.incentive == org.handle_time
    gaps = journey_gaps(org.journey)
    assert Gap.CONFLICTING_INCENTIVES not in gaps.codes
    assert [standing.issue for standing in gaps.addressed_conflicts] == [issue]
    matrix = client.get(reverse("owners:matrix")).content.decode()
    assert f"Issue #{issue.pk} raised (reported)" in matrix
    assert conflict_issue_path(journey=org.journey, incentive=org.handle_time).replace("&", "&amp;") not in matrix
    review = client.get(reverse("owners:review", kwargs={"pk": org.handle_time.pk, "slug": org.journey.slug}))
    assert f'Addressed by <a href="{issue.get_absolute_url()}">issue #{issue.pk}' in review.content.decode()
    assert "Raise a root-cause issue" not in review.content.decode()


def test_following_an_old_raise_link_opens_the_issue_already_raised(client, org, manager_user):
    client.force_login(manager_user)
    _raise(client, org)
    issue = Issue.objects.get()

    response = client.get(conflict_issue_path(journey=org.journey, incentive=org.handle_time), follow=True)

    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    assert f"already raised as issue #{issue.pk}" in response.content.decode()


def test_raising_the_same_conflict_twice_is_refused_and_nothing_is_added(client, org, manager_user):
    client.force_login(manager_user)
    _raise(client, org)

    response = _raise(client, org, title="Again")

    assert response.status_code == 400
    assert "already addressed by issue" in response.content.decode()
    assert Issue.objects.count() == 1


def test_a_wont_fix_issue_no_longer_addresses_the_conflict(org, manager_user):
    issue = services.issue_log(
        journey=org.journey,
        reported_by=manager_user.person,
        title="Handle time",
        symptom="Calls cut short.",
        category=IssueCategory.CONFLICTING_OBJECTIVES,
        severity=2,
        incentive=org.handle_time,
    )
    Issue.objects.filter(pk=issue.pk).update(status=IssueStatus.WONT_FIX)

    gaps = journey_gaps(org.journey)

    assert Gap.CONFLICTING_INCENTIVES in gaps.codes
    assert gaps.addressed_conflicts == []
    again = services.issue_log(
        journey=org.journey,
        reported_by=manager_user.person,
        title="Handle time, second try",
        symptom="Calls cut short.",
        category=IssueCategory.CONFLICTING_OBJECTIVES,
        severity=2,
        incentive=org.handle_time,
    )
    assert again.pk != issue.pk
