"""Issue deadlines (issue 20.5): default due dates, the overdue flag and filter, and who is told."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from improvements import deadlines, services
from improvements.choices import IssueCategory, IssueStatus, Severity
from improvements.models import Issue
from improvements.portfolio import portfolio_rows
from notifications.models import Notification
from notifications.services import overdue_issues_notify
from owners.services import owner_alerts_notify
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


def _log(journey, severity, **extra) -> Issue:
    return services.issue_log(
        journey=journey,
        reported_by=factories.PersonFactory(),
        title=f"Severity {severity}",
        symptom="Customers call back.",
        category=IssueCategory.OPERATIONAL_CAPABILITY,
        severity=severity,
        **extra,
    )


def _overdue_world(journey):
    """Issues of ``journey`` on TODAY: two overdue, one due today, one past due but resolved, one without a date."""
    late = factories.IssueFactory(journey=journey, title="Late router", due_date=TODAY - dt.timedelta(days=3))
    later = factories.IssueFactory(
        journey=journey, title="Late refund", due_date=TODAY - dt.timedelta(days=40), status=IssueStatus.INVESTIGATING
    )
    factories.IssueFactory(journey=journey, title="Due today", due_date=TODAY)
    factories.IssueFactory(
        journey=journey, title="Finished late", due_date=TODAY - dt.timedelta(days=9), status=IssueStatus.RESOLVED
    )
    factories.IssueFactory(journey=journey, title="No deadline", due_date=None)
    return late, later


# --- the setting -------------------------------------------------------------------------------------


def test_the_due_days_read_severity_names_and_leave_out_the_others():
    assert deadlines.parse_due_days("critical=7, high=30,medium=90") == {4: 7, 3: 30, 2: 90}
    assert deadlines.parse_due_days("Low=365") == {1: 365}
    assert deadlines.parse_due_days("") == {}


@pytest.mark.parametrize("text", ["urgent=3", "critical", "critical=0", "high=soon", "high=-2"])
def test_bad_due_days_are_refused_with_a_message_and_reported_by_the_check(settings, text):
    with pytest.raises(ImproperlyConfigured, match="ISSUE_DUE_DAYS"):
        deadlines.parse_due_days(text)
    settings.ISSUE_DUE_DAYS = text
    assert [error.id for error in deadlines.check_issue_due_days(None)] == ["improvements.E001"]


# --- defaults on create and what a severity change does ---------------------------------------------


@pytest.mark.parametrize(
    ("severity", "due"),
    [
        (Severity.CRITICAL, dt.date(2026, 12, 9)),
        (Severity.HIGH, dt.date(2027, 1, 1)),
        (Severity.MEDIUM, dt.date(2027, 3, 2)),
        (Severity.LOW, None),
    ],
)
def test_a_new_issue_is_due_by_its_severitys_default(journey, freeze_today, severity, due):
    freeze_today(TODAY)

    assert _log(journey, severity).due_date == due


def test_the_defaults_follow_the_setting_and_an_explicit_date_or_none_wins(journey, freeze_today, settings):
    freeze_today(TODAY)
    settings.ISSUE_DUE_DAYS = "critical=2,low=10"

    assert _log(journey, Severity.CRITICAL).due_date == dt.date(2026, 12, 4)
    assert _log(journey, Severity.LOW).due_date == dt.date(2026, 12, 12)
    assert _log(journey, Severity.HIGH).due_date is None
    assert _log(journey, Severity.CRITICAL, due_date=None).due_date is None
    assert _log(journey, Severity.LOW, due_date=dt.date(2027, 5, 1)).due_date == dt.date(2027, 5, 1)


def test_raising_the_severity_moves_a_default_date_but_never_one_someone_chose(journey, freeze_today):
    freeze_today(TODAY)
    default = _log(journey, Severity.MEDIUM)
    chosen = _log(journey, Severity.MEDIUM)
    services.issue_edit(issue=chosen, data={"due_date": dt.date(2027, 2, 14)})
    freeze_today(TODAY + dt.timedelta(days=5))  # the default counts from the day it was logged

    default = services.issue_edit(issue=default, data={"severity": Severity.CRITICAL})
    chosen = services.issue_edit(issue=Issue.objects.get(pk=chosen.pk), data={"severity": Severity.CRITICAL})

    assert default.due_date == dt.date(2026, 12, 9)
    assert chosen.due_date == dt.date(2027, 2, 14)


def test_a_form_that_sends_the_unchanged_date_with_a_new_severity_still_moves_a_default(journey, freeze_today):
    freeze_today(TODAY)
    issue = _log(journey, Severity.MEDIUM)

    issue = services.issue_edit(issue=issue, data={"severity": Severity.LOW, "due_date": issue.due_date})

    assert issue.due_date is None  # low has no default deadline


# --- the overdue flag, the filter, the badges ---------------------------------------------------------


def test_the_api_filters_overdue_issues_and_says_due_date_and_is_overdue(
    api_client, viewer_user, journey, freeze_today, django_assert_max_num_queries
):
    freeze_today(TODAY)
    late, later = _overdue_world(journey)
    api_client.force_authenticate(viewer_user)

    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/issues/?overdue=true")
    everything = api_client.get("/api/v1/issues/?overdue=false").json()["results"]

    rows = response.json()["results"]
    assert {row["title"] for row in rows} == {late.title, later.title}
    assert all(row["is_overdue"] for row in rows)
    assert {row["title"]: row["due_date"] for row in rows}[later.title] == "2026-10-23"
    assert {row["title"] for row in everything} == {"Due today", "Finished late", "No deadline"}


def test_the_issue_list_page_filters_and_badges_overdue_issues(
    client, viewer_user, journey, freeze_today, django_assert_max_num_queries
):
    freeze_today(TODAY)
    late, later = _overdue_world(journey)
    client.force_login(viewer_user)

    with django_assert_max_num_queries(15):  # +1: reporters and assignees are batched lookups, not joins
        response = client.get(reverse("improvements:issue-list") + "?overdue=true")

    page = response.content.decode()
    assert "2 issues." in page
    assert late.title in page
    assert later.title in page
    assert "Due today" not in page
    assert page.count("overdue-badge") == 2


def test_the_issue_page_badges_an_overdue_issue_and_not_a_resolved_one(client, viewer_user, journey, freeze_today):
    freeze_today(TODAY)
    late, _ = _overdue_world(journey)
    resolved = Issue.objects.get(title="Finished late")
    client.force_login(viewer_user)

    assert "(overdue)" in client.get(late.get_absolute_url()).content.decode()
    assert "(overdue)" not in client.get(resolved.get_absolute_url()).content.decode()


def test_the_portfolio_counts_each_journeys_overdue_issues(journey, other_journey, freeze_today):
    freeze_today(TODAY)
    _overdue_world(journey)
    factories.IssueFactory(journey=other_journey, due_date=TODAY - dt.timedelta(days=1), severity=Severity.CRITICAL)

    rows = {row.journey.slug: row for row in portfolio_rows(today=TODAY)}

    assert rows["onboarding"].overdue_issue_total == 2
    assert rows["onboarding"].open_issue_total == 4  # the resolved one is neither open nor overdue
    assert rows["billing"].overdue_issue_total == 1


def test_my_work_puts_my_overdue_issue_first_with_its_badge(client, journey, freeze_today):
    freeze_today(TODAY)
    user = factories.UserFactory()
    me = factories.PersonFactory(user=user)
    factories.IssueFactory(journey=journey, title="Severe, not late", severity=Severity.CRITICAL, assignee=me)
    factories.IssueFactory(
        journey=journey,
        title="Mild but late",
        severity=Severity.LOW,
        assignee=me,
        due_date=TODAY - dt.timedelta(days=2),
    )
    client.force_login(user)

    page = client.get(reverse("home")).content.decode()

    assert "Overdue since 30 Nov" in page
    assert page.index("Mild but late") < page.index("Severe, not late")


# --- who is told ---------------------------------------------------------------------------------------


def test_the_owners_alert_email_lists_the_journeys_overdue_issues(journey, freeze_today):
    freeze_today(TODAY)
    owner = factories.OwnershipFactory(journey=journey).person
    late, later = _overdue_world(journey)

    owner_alerts_notify(journey=journey, as_of=TODAY, new_alerts=["score_drop"])

    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "Overdue issues on this journey:" in message.body
    assert "Late refund (severity medium, due 23 Oct 2026, 40 days late, nobody assigned)" in message.body
    assert "Late router" in message.body
    assert "Due today" not in message.body


def test_owners_and_the_assignee_are_notified_once_of_each_overdue_issue(journey, freeze_today):
    freeze_today(TODAY)
    owner = factories.OwnershipFactory(journey=journey).person
    assignee = factories.PersonFactory()
    late, later = _overdue_world(journey)
    Issue.objects.filter(pk=late.pk).update(assignee=assignee)

    assert overdue_issues_notify(today=TODAY) == 2
    assert overdue_issues_notify(today=TODAY) == 2  # looked at again, told nobody twice

    told = sorted(Notification.objects.filter(key__contains=":overdue:").values_list("recipient__name", "title"))
    assert told == sorted(
        [
            (owner.name, f"Onboarding: issue overdue, {late.title}"),
            (assignee.name, f"Onboarding: issue overdue, {late.title}"),
            (owner.name, f"Onboarding: issue overdue, {later.title}"),
        ]
    )
