import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError, StaleObjectError
from improvements import services
from improvements.choices import INITIATIVE_TRANSITIONS, ISSUE_TRANSITIONS, InitiativeStatus, IssueStatus
from improvements.models import Initiative, Issue
from journeys.choices import Component
from tests import factories

from .helpers import add_instances, periods, snapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)

# Sorted: the targets are sets, and every pytest-xdist process must collect the same tests in the same order.
LEGAL_ISSUE_MOVES = sorted((source, target) for source, targets in ISSUE_TRANSITIONS.items() for target in targets)
ILLEGAL_ISSUE_MOVES = [
    (source, target)
    for source in IssueStatus
    for target in IssueStatus
    if target != source and target not in ISSUE_TRANSITIONS[source]
]
LEGAL_INITIATIVE_MOVES = sorted(
    (source, target) for source, targets in INITIATIVE_TRANSITIONS.items() for target in targets
)
ILLEGAL_INITIATIVE_MOVES = [
    (source, target)
    for source in InitiativeStatus
    for target in InitiativeStatus
    if target != source and target not in INITIATIVE_TRANSITIONS[source]
]


# --- logging issues ----------------------------------------------------------------------------


def test_a_team_member_logs_an_issue_at_a_touchpoint_and_its_stage_is_filled_in(journey, touchpoint):
    reporter = factories.PersonFactory()
    billing = factories.FunctionFactory(slug="billing", name="Billing")

    issue = services.issue_log(
        journey=journey,
        reported_by=reporter,
        title="Router missing",
        symptom="Second visit needed",
        category="operational_capability",
        severity=3,
        touchpoint=touchpoint,
        functions=[billing],
    )

    issue.refresh_from_db()
    assert issue.status == IssueStatus.REPORTED
    assert issue.stage == touchpoint.stage
    assert issue.reported_by == reporter
    assert list(issue.functions.all()) == [billing]
    assert issue.version == 1


def test_a_stage_of_another_journey_is_refused_and_nothing_is_written(journey, foreign_touchpoint):
    with pytest.raises(ValidationError) as error:
        services.issue_log(
            journey=journey,
            reported_by=factories.PersonFactory(),
            title="Wrong place",
            symptom="-",
            category="other",
            severity=1,
            stage=foreign_touchpoint.stage,
        )

    assert "is not part of the journey" in error.value.message_dict["stage"][0]
    assert not Issue.objects.exists()


def test_a_touchpoint_of_another_journey_is_refused_and_nothing_is_written(journey, foreign_touchpoint):
    with pytest.raises(ValidationError) as error:
        services.issue_log(
            journey=journey,
            reported_by=factories.PersonFactory(),
            title="Wrong place",
            symptom="-",
            category="other",
            severity=1,
            touchpoint=foreign_touchpoint,
        )

    assert "is not part of the journey" in error.value.message_dict["touchpoint"][0]
    assert not Issue.objects.exists()


def test_a_touchpoint_outside_the_chosen_stage_is_refused(journey, stage, touchpoint):
    other_stage = factories.StageFactory(journey=journey, name="Activation", position=2)

    with pytest.raises(ValidationError) as error:
        services.issue_log(
            journey=journey,
            reported_by=factories.PersonFactory(),
            title="Mismatch",
            symptom="-",
            category="other",
            severity=1,
            stage=other_stage,
            touchpoint=touchpoint,
        )

    assert "is not in the stage" in error.value.message_dict["touchpoint"][0]
    assert not Issue.objects.exists()


def test_a_user_without_a_person_gets_a_clear_error(admin_user):
    with pytest.raises(services.MissingPersonError) as error:
        services.require_person(admin_user, doing="log an issue")

    assert "not linked to a person" in error.value.message
    assert error.value.status_code == 400


# --- the issue workflow ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), LEGAL_ISSUE_MOVES)
def test_every_legal_issue_transition_is_applied_and_bumps_the_version(journey, source, target):
    issue = factories.IssueFactory(journey=journey, status=source, root_cause="Dispatch skips the kit check")

    moved = services.issue_triage(issue=issue, status=target, version=1)

    moved.refresh_from_db()
    assert moved.status == target
    assert moved.version == 2


@pytest.mark.parametrize(("source", "target"), ILLEGAL_ISSUE_MOVES)
def test_every_illegal_issue_transition_is_refused_with_a_message_and_changes_nothing(journey, source, target):
    issue = factories.IssueFactory(journey=journey, status=source, root_cause="Known")

    with pytest.raises(ApplicationError) as error:
        services.issue_triage(issue=issue, status=target, root_cause="Changed too")

    assert "cannot move from" in error.value.message
    issue.refresh_from_db()
    assert (issue.status, issue.root_cause, issue.version) == (source, "Known", 1)


def test_confirming_a_root_cause_requires_one(journey):
    issue = factories.IssueFactory(journey=journey, status=IssueStatus.INVESTIGATING, root_cause="")

    with pytest.raises(ValidationError) as error:
        services.issue_triage(issue=issue, status=IssueStatus.ROOT_CAUSE_CONFIRMED, root_cause="   ")

    assert "root_cause" in error.value.message_dict
    issue.refresh_from_db()
    assert issue.status == IssueStatus.INVESTIGATING


def test_triage_records_the_root_cause_and_the_assignee_with_the_move(journey):
    issue = factories.IssueFactory(journey=journey, status=IssueStatus.INVESTIGATING)
    assignee = factories.PersonFactory()

    services.issue_triage(
        issue=issue, status=IssueStatus.ROOT_CAUSE_CONFIRMED, root_cause="No kit check", assignee=assignee
    )

    issue.refresh_from_db()
    assert (issue.status, issue.root_cause, issue.assignee) == ("root_cause_confirmed", "No kit check", assignee)


def test_a_stale_version_is_refused_and_nothing_changes(issue):
    services.issue_edit(issue=issue, data={"title": "First writer"}, version=1)

    with pytest.raises(StaleObjectError):
        services.issue_edit(issue=issue, data={"title": "Second writer"}, version=1)

    issue.refresh_from_db()
    assert (issue.title, issue.version) == ("First writer", 2)


def test_editing_an_issue_onto_a_touchpoint_of_another_journey_is_refused(issue, foreign_touchpoint):
    with pytest.raises(ValidationError):
        services.issue_edit(issue=issue, data={"touchpoint": foreign_touchpoint})

    issue.refresh_from_db()
    assert issue.touchpoint is None
    assert issue.version == 1


# --- proposing initiatives ---------------------------------------------------------------------


def test_an_initiative_addresses_issues_of_its_own_journey(journey, issue, other_journey):
    foreign_issue = factories.IssueFactory(journey=other_journey, title="Bill wrong")

    with pytest.raises(ValidationError) as error:
        services.initiative_propose(journey=journey, title="Fix", issues=[issue, foreign_issue])

    assert "Bill wrong" in error.value.message_dict["issues"][0]
    assert not Initiative.objects.exists()


def test_an_initiative_needs_at_least_one_issue(journey):
    with pytest.raises(ValidationError) as error:
        services.initiative_propose(journey=journey, title="Fix", issues=[])

    assert "at least one issue" in error.value.message_dict["issues"][0]
    assert not Initiative.objects.exists()


def test_a_proposed_initiative_starts_proposed_without_baseline(journey, issue):
    initiative = services.initiative_propose(
        journey=journey,
        title="Kit check",
        issues=[issue],
        target_component=Component.REPEAT_RATE,
        target_value=0.1,
        effort=5,
        expected_gain=-0.05,
    )

    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.PROPOSED
    assert initiative.baseline_value is None
    assert list(initiative.issues.all()) == [issue]


# --- the initiative workflow -------------------------------------------------------------------


def _initiative_ready_to_leave(journey, source, freeze_today):
    """An initiative in ``source`` whose every next move has what it needs (snapshot, dates)."""
    freeze_today(TODAY)
    snapshot(journey, TODAY, journey_csat=3.8)
    initiative = factories.InitiativeFactory(
        journey=journey,
        status=source,
        target_component=Component.JOURNEY_CSAT,
        baseline_value=3.5 if source not in ("proposed", "approved") else None,
        delivered_on=TODAY - dt.timedelta(days=40) if source in ("delivered", "measured") else None,
        measurement_days=30,
    )
    if initiative.delivered_on:
        before, after = periods(initiative)
        add_instances(journey, before, [3, 4, 4, 5])
        add_instances(journey, after, [4, 4, 5, 5])
    return initiative


@pytest.mark.parametrize(("source", "target"), LEGAL_INITIATIVE_MOVES)
def test_every_legal_initiative_transition_is_applied(journey, freeze_today, source, target):
    initiative = _initiative_ready_to_leave(journey, source, freeze_today)

    moved = services.initiative_transition(initiative=initiative, status=target, version=1)

    moved.refresh_from_db()
    assert moved.status == target
    assert moved.version == 2


@pytest.mark.parametrize(("source", "target"), ILLEGAL_INITIATIVE_MOVES)
def test_every_illegal_initiative_transition_is_refused_and_changes_nothing(journey, freeze_today, source, target):
    initiative = _initiative_ready_to_leave(journey, source, freeze_today)

    with pytest.raises(ApplicationError) as error:
        services.initiative_transition(initiative=initiative, status=target)

    assert "cannot move from" in error.value.message
    initiative.refresh_from_db()
    assert (initiative.status, initiative.version) == (source, 1)


def test_starting_work_records_the_baseline_from_the_latest_overall_snapshot(journey, freeze_today):
    freeze_today(TODAY)
    initiative = factories.InitiativeFactory(journey=journey, status="approved", target_component="repeat_rate")
    snapshot(journey, TODAY - dt.timedelta(days=3), repeat_rate=0.30)
    snapshot(journey, TODAY - dt.timedelta(days=1), repeat_rate=0.25)
    snapshot(journey, TODAY, repeat_rate=0.10, segment="business")  # a segment's snapshot is not the overall one

    services.initiative_transition(initiative=initiative, status="in_progress")

    initiative.refresh_from_db()
    assert initiative.status == "in_progress"
    assert initiative.baseline_value == pytest.approx(0.25)


def test_starting_work_reads_the_score_when_the_score_is_targeted(journey, freeze_today):
    freeze_today(TODAY)
    initiative = factories.InitiativeFactory(journey=journey, status="approved", target_component="score")
    snapshot(journey, TODAY, score=71.5)

    services.initiative_transition(initiative=initiative, status="in_progress")

    initiative.refresh_from_db()
    assert initiative.baseline_value == pytest.approx(71.5)


def test_starting_work_without_any_snapshot_is_refused(journey):
    initiative = factories.InitiativeFactory(journey=journey, status="approved")

    with pytest.raises(ApplicationError) as error:
        services.initiative_transition(initiative=initiative, status="in_progress")

    assert "no health snapshot" in error.value.message
    initiative.refresh_from_db()
    assert (initiative.status, initiative.baseline_value) == ("approved", None)


def test_starting_work_when_the_component_has_no_value_is_refused(journey, freeze_today):
    freeze_today(TODAY)
    initiative = factories.InitiativeFactory(journey=journey, status="approved", target_component="on_time_rate")
    snapshot(journey, TODAY, on_time_rate=None)

    with pytest.raises(ApplicationError) as error:
        services.initiative_transition(initiative=initiative, status="in_progress")

    assert "no value for on-time rate" in error.value.message
    initiative.refresh_from_db()
    assert initiative.status == "approved"


def test_delivering_sets_today_unless_a_date_is_given(journey, freeze_today):
    freeze_today(TODAY)
    today_one = factories.InitiativeFactory(journey=journey, status="in_progress")
    dated_one = factories.InitiativeFactory(journey=journey, status="in_progress")

    services.initiative_transition(initiative=today_one, status="delivered")
    services.initiative_transition(initiative=dated_one, status="delivered", delivered_on=dt.date(2026, 11, 1))

    today_one.refresh_from_db()
    dated_one.refresh_from_db()
    assert today_one.delivered_on == TODAY
    assert dated_one.delivered_on == dt.date(2026, 11, 1)


def test_a_delivery_date_in_the_future_is_refused(journey, freeze_today):
    freeze_today(TODAY)
    initiative = factories.InitiativeFactory(journey=journey, status="in_progress")

    with pytest.raises(ValidationError) as error:
        services.initiative_transition(initiative=initiative, status="delivered", delivered_on=TODAY + dt.timedelta(1))

    assert "delivered_on" in error.value.message_dict
    initiative.refresh_from_db()
    assert (initiative.status, initiative.delivered_on) == ("in_progress", None)


def test_measuring_by_hand_before_the_window_has_passed_is_refused(journey, freeze_today):
    freeze_today(TODAY)
    snapshot(journey, TODAY, journey_csat=4.2)
    initiative = factories.InitiativeFactory(
        journey=journey,
        status="delivered",
        baseline_value=3.5,
        delivered_on=TODAY - dt.timedelta(days=10),
        measurement_days=30,
    )

    with pytest.raises(ApplicationError) as error:
        services.initiative_transition(initiative=initiative, status="measured")

    assert "after period runs until 12 Dec 2026" in error.value.message
    assert "can be measured from 13 Dec 2026" in error.value.message
    initiative.refresh_from_db()
    assert (initiative.status, initiative.result_value) == ("delivered", None)


def test_changing_the_target_component_after_the_baseline_is_refused(journey, issue):
    initiative = factories.InitiativeFactory(journey=journey, status="in_progress", baseline_value=3.5)

    with pytest.raises(ValidationError):
        services.initiative_edit(initiative=initiative, data={"target_component": "score"})

    initiative.refresh_from_db()
    assert initiative.target_component == "journey_csat"


def test_an_initiative_edit_with_a_stale_version_is_refused(initiative):
    services.initiative_edit(initiative=initiative, data={"title": "First"}, version=1)

    with pytest.raises(StaleObjectError):
        services.initiative_edit(initiative=initiative, data={"title": "Second"}, version=1)

    initiative.refresh_from_db()
    assert (initiative.title, initiative.version) == ("First", 2)


# --- updates -----------------------------------------------------------------------------------


def test_posting_an_update_adds_to_the_timeline(initiative):
    author = factories.PersonFactory()

    update = services.initiative_update_post(initiative=initiative, author=author, body=" Pilot live ", progress=30)

    assert (update.body, update.progress, update.author) == ("Pilot live", 30, author)


def test_progress_beyond_100_is_refused(initiative):
    with pytest.raises(ValidationError):
        services.initiative_update_post(initiative=initiative, author=factories.PersonFactory(), body="x", progress=120)

    assert not initiative.updates.exists()


def test_a_cancelled_initiative_takes_no_update(journey):
    initiative = factories.InitiativeFactory(journey=journey, status="cancelled")

    with pytest.raises(ApplicationError):
        services.initiative_update_post(initiative=initiative, author=factories.PersonFactory(), body="x", progress=1)

    assert not initiative.updates.exists()
