"""Writes and workflows of the improvement loop: issues, initiatives, updates, measurement.

Every write of an Issue or an Initiative locks its row, checks the version the caller read (when
given: a stale one raises ``StaleObjectError``, 409) and increments the version.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import ApplicationError, StaleObjectError
from journeys.choices import Component
from journeys.models import Journey, Stage, Touchpoint
from owners.models import Function, Incentive, Person
from owners.services import person_available_check

from . import deadlines, events, measurement, mentions, selectors
from .choices import INITIATIVE_TRANSITIONS, ISSUE_TRANSITIONS, InitiativeStatus, IssueStatus
from .impact import expected_gain_problem
from .models import COMMENT_EDIT_MINUTES, Comment, Initiative, InitiativeImpact, InitiativeUpdate, Issue

logger = logging.getLogger(__name__)


class MissingPersonError(ApplicationError):
    """The login is not linked to a Person, so the write cannot say who made it."""

    status_code = 400


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()  # "leave as is", distinct from None ("clear")


# What a page or the API says when a role check on the journey refuses (core.web.require).
NOT_ALLOWED_ON_JOURNEY = "Your role on this journey does not allow this."


def missing_person_message(doing: str) -> str:
    return (
        f"Your login is not linked to a person in the directory, so you cannot {doing}. "
        "Ask a manager to link your login to your entry on the People page."
    )


def require_person(user, *, doing: str) -> Person:
    """The user's Person, or a clear error telling how to get one."""
    person = selectors.person_of(user)
    if person is None:
        raise MissingPersonError(missing_person_message(doing))
    return person


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleObjectError(
            f"This {obj._meta.verbose_name} was changed by someone else since you opened it "
            f"(you had version {version}, it is now at version {obj.version}). Reload it and try again.",
            extra={"current_version": obj.version},
        )


def _save(obj) -> None:
    obj.version += 1
    obj.full_clean()
    obj.save()


def _validate_location(*, journey: Journey, stage: Stage | None, touchpoint: Touchpoint | None) -> Stage | None:
    """The stage and touchpoint must belong to the journey; a touchpoint alone implies its stage."""
    errors = {}
    if stage is not None and stage.journey_id != journey.pk:
        errors["stage"] = f"The stage “{stage}” is not part of the journey “{journey}”."
    if touchpoint is not None:
        if touchpoint.journey_id != journey.pk:
            errors["touchpoint"] = f"The touchpoint “{touchpoint}” is not part of the journey “{journey}”."
        elif stage is not None and touchpoint.stage_id != stage.pk and "stage" not in errors:
            errors["touchpoint"] = f"The touchpoint “{touchpoint}” is not in the stage “{stage}”."
    if errors:
        raise ValidationError(errors)
    if touchpoint is not None and stage is None:
        return touchpoint.stage
    return stage


# --- issues ------------------------------------------------------------------------------------


@transaction.atomic
def issue_log(
    *,
    journey: Journey,
    reported_by: Person,
    title: str,
    symptom: str,
    category: str,
    severity: int,
    stage: Stage | None = None,
    touchpoint: Touchpoint | None = None,
    functions: Iterable[Function] = (),
    incentive: Incentive | None = None,
    due_date: dt.date | None | _Unset = UNSET,
) -> Issue:
    """A team member logs a root-cause issue against a journey, optionally a stage or touchpoint.

    Without ``due_date`` the issue is due by its severity's default (``improvements.deadlines``);
    ``due_date=None`` logs it with no deadline.

    With ``incentive`` the issue addresses that incentive's conflict with the journey; a second one
    while the first stands (anything but won't fix) is refused with a pointer to it.
    """
    stage = _validate_location(journey=journey, stage=stage, touchpoint=touchpoint)
    if incentive is not None:
        # Locks the incentive's row: two managers raising the same conflict at once get one issue.
        Incentive.objects.select_for_update().filter(pk=incentive.pk).first()
        existing = selectors.conflict_issue(incentive_id=incentive.pk, journey_id=journey.pk)
        if existing is not None:
            raise ApplicationError(
                f"This conflict is already addressed by issue #{existing.pk} “{existing.title}”.", field="incentive"
            )
    issue = Issue(
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        title=title,
        symptom=symptom,
        category=category,
        severity=severity,
        reported_by=reported_by,
        status=IssueStatus.REPORTED,
        incentive=incentive,
        due_date=(
            deadlines.default_due_date(severity, logged_on=timezone.localdate()) if due_date is UNSET else due_date
        ),
    )
    issue.full_clean()
    issue.save()
    issue.functions.set(functions)
    events.issue_emit(issue=issue, created=True)
    return issue


ISSUE_EDITABLE_FIELDS = (
    "title",
    "symptom",
    "category",
    "severity",
    "stage",
    "touchpoint",
    "root_cause",
    "assignee",
    "due_date",
)


def _follow_severity(issue: Issue, data: dict) -> None:
    """A new severity moves the due date only while it is the old severity's default: a date someone
    chose (or cleared) stays as it is, and a new due date in the same change wins."""
    if "severity" not in data or int(data["severity"]) == int(issue.severity):
        return
    if "due_date" in data and data["due_date"] != issue.due_date:
        return
    logged_on = timezone.localdate(issue.created_at)
    if issue.due_date == deadlines.default_due_date(issue.severity, logged_on=logged_on):
        data["due_date"] = deadlines.default_due_date(data["severity"], logged_on=logged_on)


@transaction.atomic
def issue_edit(*, issue: Issue, data: dict, version: int | None = None) -> Issue:
    """Change an issue's content; ``status`` in ``data`` goes through the workflow (``issue_triage``)."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _check_version(issue, version)
    previous_status = issue.status
    unknown = set(data) - set(ISSUE_EDITABLE_FIELDS) - {"functions", "status"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    if "assignee" in data and data["assignee"] != issue.assignee:
        person_available_check(data["assignee"], field="assignee")
    data = dict(data)
    _follow_severity(issue, data)
    for name in ISSUE_EDITABLE_FIELDS:
        if name in data:
            setattr(issue, name, data[name])
    issue.stage = _validate_location(journey=issue.journey, stage=issue.stage, touchpoint=issue.touchpoint)
    if "status" in data and data["status"] != issue.status:
        _apply_issue_transition(issue, data["status"])
    _save(issue)
    if "functions" in data:
        issue.functions.set(data["functions"])
    events.issue_emit(issue=issue, previous_status=previous_status)
    return issue


def _apply_issue_transition(issue: Issue, target: str) -> None:
    try:
        target = IssueStatus(target)
    except ValueError:
        raise ValidationError({"status": f"“{target}” is not an issue status."}) from None
    current = IssueStatus(issue.status)
    allowed = ISSUE_TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(sorted(str(s.label).lower() for s in allowed)) or "none: the issue is finished"
        raise ApplicationError(
            f"An issue cannot move from “{current.label}” to “{target.label}”. Allowed next: {options}.",
            field="status",
            extra={"allowed": sorted(allowed)},
        )
    if target == IssueStatus.ROOT_CAUSE_CONFIRMED and not issue.root_cause.strip():
        raise ValidationError({"root_cause": "Describe the root cause to confirm it."})
    issue.status = target


@transaction.atomic
def issue_triage(
    *,
    issue: Issue,
    status: str | None = None,
    root_cause: str | None = None,
    assignee: Person | None | _Unset = UNSET,
    version: int | None = None,
) -> Issue:
    """The owner or a manager moves an issue through its workflow, records its root cause, assigns it."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _check_version(issue, version)
    previous_status = issue.status
    if root_cause is not None:
        issue.root_cause = root_cause.strip()
    if assignee is not UNSET:
        if assignee != issue.assignee:
            person_available_check(assignee, field="assignee")
        issue.assignee = assignee
    if status is not None and status != issue.status:
        _apply_issue_transition(issue, status)
    _save(issue)
    events.issue_emit(issue=issue, previous_status=previous_status)
    return issue


# --- initiatives -------------------------------------------------------------------------------


def _validate_issues(journey: Journey, issues: list[Issue]) -> None:
    if not issues:
        raise ValidationError({"issues": "An initiative addresses at least one issue of its journey."})
    foreign = [issue for issue in issues if issue.journey_id != journey.pk]
    if foreign:
        titles = ", ".join(f"“{issue.title}”" for issue in foreign)
        raise ValidationError({"issues": f"These issues belong to another journey than “{journey}”: {titles}."})


INITIATIVE_EDITABLE_FIELDS = (
    "title",
    "hypothesis",
    "lead",
    "target_component",
    "target_value",
    "start_date",
    "due_date",
    "measurement_days",
    "effort",
    "expected_gain",
    "scope_segments",
    "comparison_segments",
)
# Who is measured is fixed once the work starts (the before period is read against it).
SCOPE_FIELDS = ("scope_segments", "comparison_segments", "comparison_journeys")
SCOPE_SETTABLE_STATUSES = (InitiativeStatus.PROPOSED, InitiativeStatus.APPROVED)


def _clean_segments(values) -> list[str]:
    return sorted({str(value).strip() for value in values or () if str(value).strip()})


def _validate_plan(initiative: Initiative, comparison_journeys: list[Journey] | None) -> None:
    """The expected gain fits its component; the comparison group is not the target."""
    errors = {}
    baseline = selectors.component_value(
        selectors.latest_overall_snapshot(journey_id=initiative.journey_id), initiative.target_component
    )
    problem = expected_gain_problem(initiative.target_component, initiative.expected_gain, baseline=baseline)
    if problem:
        errors["expected_gain"] = problem
    initiative.scope_segments = _clean_segments(initiative.scope_segments)
    initiative.comparison_segments = _clean_segments(initiative.comparison_segments)
    if initiative.comparison_segments and not initiative.scope_segments:
        errors["comparison_segments"] = (
            "Comparison segments are other segments of the same journey: choose the segments the initiative "
            "targets first (with the whole journey as target, its segments are part of it)."
        )
    overlap = set(initiative.scope_segments) & set(initiative.comparison_segments)
    if overlap:
        errors["comparison_segments"] = f"A segment cannot be both target and comparison: {', '.join(sorted(overlap))}."
    if comparison_journeys and any(journey.pk == initiative.journey_id for journey in comparison_journeys):
        errors["comparison_journeys"] = "The initiative's own journey cannot be its comparison."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_propose(
    *,
    journey: Journey,
    title: str,
    issues: Iterable[Issue],
    lead: Person | None = None,
    hypothesis: str = "",
    functions: Iterable[Function] = (),
    target_component: str = Component.SCORE,
    target_value: float | None = None,
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
    measurement_days: int = 30,
    effort: Decimal | None = None,
    expected_gain: float | None = None,
    scope_segments: Iterable[str] = (),
    comparison_segments: Iterable[str] = (),
    comparison_journeys: Iterable[Journey] = (),
) -> Initiative:
    """The journey's owner or a manager proposes an initiative addressing issues of that journey."""
    issues = list(issues)
    comparison_journeys = list(comparison_journeys)
    _validate_issues(journey, issues)
    person_available_check(lead, field="lead")
    initiative = Initiative(
        journey=journey,
        title=title,
        hypothesis=hypothesis,
        lead=lead,
        status=InitiativeStatus.PROPOSED,
        target_component=target_component,
        target_value=target_value,
        start_date=start_date,
        due_date=due_date,
        measurement_days=measurement_days,
        effort=effort,
        expected_gain=expected_gain,
        scope_segments=list(scope_segments),
        comparison_segments=list(comparison_segments),
    )
    _validate_plan(initiative, comparison_journeys)
    initiative.full_clean()
    initiative.save()
    initiative.issues.set(issues)
    initiative.functions.set(functions)
    initiative.comparison_journeys.set(comparison_journeys)
    return initiative


@transaction.atomic
def initiative_edit(*, initiative: Initiative, data: dict, version: int | None = None) -> Initiative:
    """Change an initiative's plan; ``status`` in ``data`` goes through the workflow."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _check_version(initiative, version)
    unknown = (
        set(data)
        - set(INITIATIVE_EDITABLE_FIELDS)
        - {
            "issues",
            "functions",
            "status",
            "delivered_on",
            "comparison_journeys",
        }
    )
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    changed_scope = [
        name
        for name in SCOPE_FIELDS
        if name in data
        and (
            sorted(j.pk for j in data[name]) != sorted(initiative.comparison_journeys.values_list("pk", flat=True))
            if name == "comparison_journeys"
            else _clean_segments(data[name]) != getattr(initiative, name)
        )
    ]
    if changed_scope and initiative.status not in SCOPE_SETTABLE_STATUSES:
        raise ValidationError(dict.fromkeys(changed_scope, "Who is measured is fixed once the work has started."))
    if (
        "target_component" in data
        and data["target_component"] != initiative.target_component
        and initiative.baseline_value is not None
    ):
        raise ValidationError(
            {"target_component": "The baseline was recorded for this component; it cannot change once work started."}
        )
    if "lead" in data and data["lead"] != initiative.lead:
        person_available_check(data["lead"], field="lead")
    for name in INITIATIVE_EDITABLE_FIELDS:
        if name in data:
            setattr(initiative, name, data[name])
    if "issues" in data:
        _validate_issues(initiative.journey, list(data["issues"]))
    comparison_journeys = list(data["comparison_journeys"]) if "comparison_journeys" in data else None
    if {"expected_gain", "target_component", *SCOPE_FIELDS} & set(data):
        _validate_plan(initiative, comparison_journeys)
    if comparison_journeys is not None:
        initiative.comparison_journeys.set(comparison_journeys)
    if "status" in data and data["status"] != initiative.status:
        _apply_initiative_transition(initiative, data["status"], delivered_on=data.get("delivered_on"))
    elif initiative.status == InitiativeStatus.APPROVED and ({"expected_gain", *SCOPE_FIELDS} & set(data)):
        _record_power(initiative)
    _save(initiative)
    if "issues" in data:
        initiative.issues.set(data["issues"])
    if "functions" in data:
        initiative.functions.set(data["functions"])
    return initiative


def _apply_initiative_transition(
    initiative: Initiative, target: str, *, delivered_on: dt.date | None = None, today: dt.date | None = None
) -> None:
    today = today or timezone.localdate()
    try:
        target = InitiativeStatus(target)
    except ValueError:
        raise ValidationError({"status": f"“{target}” is not an initiative status."}) from None
    current = InitiativeStatus(initiative.status)
    allowed = INITIATIVE_TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(sorted(str(s.label).lower() for s in allowed)) or "none: the initiative is finished"
        raise ApplicationError(
            f"An initiative cannot move from “{current.label}” to “{target.label}”. Allowed next: {options}.",
            field="status",
            extra={"allowed": sorted(allowed)},
        )
    if target == InitiativeStatus.APPROVED:
        _record_power(initiative, today=today)
    elif target == InitiativeStatus.IN_PROGRESS:
        _record_baseline(initiative)
    elif target == InitiativeStatus.DELIVERED:
        delivered_on = delivered_on or today
        if delivered_on > today:
            raise ValidationError({"delivered_on": "The delivery date cannot be in the future."})
        if initiative.start_date and delivered_on < initiative.start_date:
            raise ValidationError({"delivered_on": "The delivery date cannot be before the start date."})
        initiative.delivered_on = delivered_on
    elif target == InitiativeStatus.MEASURED:
        _record_result(initiative, today=today)
    initiative.status = target


def measurement_groups(initiative: Initiative) -> measurement.Groups:
    """The target (the journey, or its chosen segments) and the comparison group, as instance filters."""
    target = Q(journey_id=initiative.journey_id)
    if initiative.scope_segments:
        target &= Q(segment__in=initiative.scope_segments)
    parts = []
    if initiative.comparison_segments:
        parts.append(Q(journey_id=initiative.journey_id, segment__in=initiative.comparison_segments))
    journey_ids = list(initiative.comparison_journeys.values_list("pk", flat=True)) if initiative.pk else []
    if journey_ids:
        parts.append(Q(journey_id__in=journey_ids))
    comparison = None
    for part in parts:
        comparison = part if comparison is None else comparison | part
    return measurement.Groups(
        target=target, comparison=comparison, has_target_duration=initiative.journey.target_duration is not None
    )


def _record_power(initiative: Initiative, *, today: dt.date | None = None) -> None:
    """The minimum detectable effect from the before period, and whether the expected gain is below it."""
    today = today or timezone.localdate()
    # A start in the future: the last complete days stand in for the before period.
    start = min(initiative.start_date or today, today)
    before, _ = measurement.periods_of(start_date=start, delivered_on=None, days=initiative.measurement_days)
    mde = measurement.minimum_detectable_effect(
        measure=initiative.target_component, groups=measurement_groups(initiative), before=before
    )
    initiative.mde = mde
    initiative.underpowered = _underpowered(initiative.expected_gain, mde)


def _underpowered(expected_gain: float | None, mde: float | None) -> bool | None:
    if expected_gain is None or mde is None:
        return None
    return abs(expected_gain) < mde


def _record_baseline(initiative: Initiative) -> None:
    component = Component(initiative.target_component)
    snapshot = selectors.latest_overall_snapshot(journey_id=initiative.journey_id)
    value = selectors.component_value(snapshot, component)
    if snapshot is None:
        raise ApplicationError(
            f"“{initiative.journey}” has no health snapshot yet, so there is no baseline to measure this "
            "initiative against. Recompute the journey's health, then start the work.",
            field="status",
        )
    if value is None:
        raise ApplicationError(
            f"The latest health snapshot of “{initiative.journey}” (as of {snapshot.as_of:%d %b %Y}) has no value "
            f"for {component.label.lower()}, so there is no baseline. Wait for data on it or target another component.",
            field="status",
        )
    initiative.baseline_value = value


def _measurement_due_on(initiative: Initiative) -> dt.date:
    """The first day the after period is complete: the day after its last day."""
    return initiative.delivered_on + dt.timedelta(days=initiative.measurement_days + 1)


def _record_result(initiative: Initiative, *, today: dt.date) -> None:
    """Measure both periods from instances: effect, interval, verdict; stored on the initiative's impact."""
    component = Component(initiative.target_component)
    due_on = _measurement_due_on(initiative)
    if due_on > today:
        raise ApplicationError(
            f"The after period runs until {due_on - dt.timedelta(days=1):%d %b %Y} "
            f"({initiative.measurement_days} days after delivery); the initiative can be measured from "
            f"{due_on:%d %b %Y}, and is measured automatically then.",
            field="status",
        )
    start = initiative.start_date or initiative.delivered_on
    before, after = measurement.periods_of(
        start_date=start, delivered_on=initiative.delivered_on, days=initiative.measurement_days
    )
    result = measurement.measure_impact(
        measure=component.value, groups=measurement_groups(initiative), before=before, after=after, seed=initiative.pk
    )
    if result.effect is None:
        missing = [
            name
            for name, value in (
                ("before the start", result.before),
                ("after delivery", result.after),
                ("in the comparison's periods", result.comparison_change if result.comparison_before_n else 0),
            )
            if value is None
        ]
        raise ApplicationError(
            f"No {component.label.lower()} can be computed {' or '.join(missing)}: "
            f"{result.before_n} journeys started before, {result.after_n} after. "
            "The initiative cannot be measured on these periods.",
            field="status",
        )
    initiative.result_value = result.after
    initiative.mde = result.mde
    initiative.underpowered = _underpowered(initiative.expected_gain, result.mde)
    InitiativeImpact.objects.update_or_create(
        initiative=initiative,
        defaults={
            "effect": result.effect,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "verdict": result.verdict,
            "before": result.before,
            "after": result.after,
            "before_n": result.before_n,
            "after_n": result.after_n,
            "before_first_day": before.first_day,
            "before_last_day": before.last_day,
            "after_first_day": after.first_day,
            "after_last_day": after.last_day,
            "comparison_before": result.comparison_before,
            "comparison_after": result.comparison_after,
            "comparison_before_n": result.comparison_before_n,
            "comparison_after_n": result.comparison_after_n,
            "comparison_change": result.comparison_change,
            "resamples": measurement.RESAMPLES,
            "measured_at": timezone.now(),
        },
    )


@transaction.atomic
def initiative_transition(
    *,
    initiative: Initiative,
    status: str,
    delivered_on: dt.date | None = None,
    version: int | None = None,
) -> Initiative:
    """Move an initiative through its workflow.

    in_progress records the baseline from the latest overall snapshot (refused without one);
    delivered sets delivered_on (today unless given); measured records the result.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _check_version(initiative, version)
    previous_status = initiative.status
    _apply_initiative_transition(initiative, status, delivered_on=delivered_on)
    _save(initiative)
    events.initiative_status_emit(initiative=initiative, previous_status=previous_status)
    return initiative


@transaction.atomic
def initiative_measure(*, initiative_id: int, today: dt.date | None = None) -> bool:
    """Record the result of one delivered initiative whose window has passed; True if it was measured.

    Safe to run twice: an initiative that is no longer delivered, or not yet due, is left alone.
    """
    today = today or timezone.localdate()
    initiative = Initiative.objects.select_for_update().filter(pk=initiative_id).first()
    if initiative is None or initiative.status != InitiativeStatus.DELIVERED or initiative.delivered_on is None:
        return False
    if _measurement_due_on(initiative) > today:
        return False
    try:
        _apply_initiative_transition(initiative, InitiativeStatus.MEASURED, today=today)
    except ApplicationError as reason:
        logger.info("Initiative %s not measured yet: %s", initiative.pk, reason.message)
        return False
    _save(initiative)
    events.initiative_status_emit(initiative=initiative, previous_status=InitiativeStatus.DELIVERED)
    return True


def initiatives_measure_due(*, today: dt.date | None = None) -> list[int]:
    """Measure every delivered initiative whose window has passed, each in its own transaction."""
    today = today or timezone.localdate()
    return [
        initiative_id
        for initiative_id in selectors.initiatives_due_for_measurement(today=today)
        if initiative_measure(initiative_id=initiative_id, today=today)
    ]


# --- updates -----------------------------------------------------------------------------------


@transaction.atomic
def initiative_update_post(*, initiative: Initiative, author: Person, body: str, progress: int) -> InitiativeUpdate:
    """A team member, the owner or a manager posts progress on an initiative."""
    if initiative.status == InitiativeStatus.CANCELLED:
        raise ApplicationError("This initiative was cancelled; it takes no more updates.")
    update = InitiativeUpdate(initiative=initiative, author=author, body=body.strip(), progress=progress)
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def initiative_assess_power(*, initiative: Initiative, today: dt.date | None = None) -> Initiative:
    """(Re)compute the minimum detectable effect and the underpowered flag from the before period.

    Approval does this itself; this is for initiatives recorded after the fact (the demo, an import).
    """
    initiative = Initiative.objects.select_for_update().select_related("journey").get(pk=initiative.pk)
    _record_power(initiative, today=today)
    _save(initiative)
    return initiative


@transaction.atomic
def initiative_record_impact(*, initiative: Initiative, today: dt.date | None = None) -> Initiative:
    """Measure a measured initiative's periods again (figures recorded after the fact, late data)."""
    initiative = Initiative.objects.select_for_update().select_related("journey").get(pk=initiative.pk)
    if initiative.status != InitiativeStatus.MEASURED:
        raise ApplicationError("Only a measured initiative can be measured again.", field="status")
    _record_result(initiative, today=today or timezone.localdate())
    _save(initiative)
    return initiative


# --- comments ----------------------------------------------------------------------------------

COMMENT_EMPTY = "Write something before posting."
COMMENT_TOO_LATE = (
    f"A comment can be edited or deleted only in the first {COMMENT_EDIT_MINUTES} minutes after it was posted."
)
COMMENT_NOT_YOURS = "Only the author of a comment may edit or delete it."


def comment_still_changeable(comment: Comment, *, now: dt.datetime | None = None) -> bool:
    """Whether the author's 15 minutes to edit or delete ``comment`` are still running."""
    now = now or timezone.now()
    return now < comment.created_at + dt.timedelta(minutes=COMMENT_EDIT_MINUTES)


def _check_changeable(comment: Comment, author: Person) -> None:
    if comment.author_id != author.pk:
        raise ApplicationError(COMMENT_NOT_YOURS)
    if not comment_still_changeable(comment):
        raise ApplicationError(COMMENT_TOO_LATE)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": COMMENT_EMPTY})
    return body


@transaction.atomic
def comment_post(*, item: Issue | Initiative, author: Person, body: str) -> Comment:
    """A team member, the owner or a manager comments on an issue or an initiative.

    The people the text mentions are recorded and told once the comment is committed
    (``comment.created``, heard by the notifications and webhooks apps).
    """
    body = _clean_body(body)
    comment = Comment(journey_id=item.journey_id, author=author, body=body)
    if isinstance(item, Issue):
        comment.issue = item
    else:
        comment.initiative = item
    comment.full_clean()
    comment.save()
    mentioned = [person for person in mentions.resolve_mentions(body) if person.pk != author.pk]
    comment.mentioned.set(mentioned)
    events.comment_emit(comment=comment, created=True, newly_mentioned=mentioned)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, author: Person, body: str) -> Comment:
    """The author rewrites their comment within its first 15 minutes; only newly mentioned people are told."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _check_changeable(comment, author)
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save()
    already = set(comment.mentioned.values_list("pk", flat=True))
    added = [
        person
        for person in mentions.resolve_mentions(comment.body)
        if person.pk != author.pk and person.pk not in already
    ]
    comment.mentioned.add(*added)
    events.comment_emit(comment=comment, created=False, newly_mentioned=added)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, author: Person) -> None:
    """The author takes their comment back within its first 15 minutes (the history keeps a record)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _check_changeable(comment, author)
    comment.delete()
