"""The improvements app's domain events (``core.events``): issues and initiatives."""

from core.events import emit, register_event_type
from journeys.events import journey_reference
from owners.events import person_reference

from .choices import InitiativeStatus, IssueStatus

ISSUE_CREATED = "issue.created"
ISSUE_UPDATED = "issue.updated"
ISSUE_RESOLVED = "issue.resolved"
INITIATIVE_STATUS_CHANGED = "initiative.status_changed"
INITIATIVE_MEASURED = "initiative.measured"
COMMENT_CREATED = "comment.created"
COMMENT_EDITED = "comment.edited"
COMMENT_EVENTS = (COMMENT_CREATED, COMMENT_EDITED)


def register_event_types() -> None:
    register_event_type(ISSUE_CREATED, "An issue was logged", "Sent when someone logs a root-cause issue.")
    register_event_type(
        ISSUE_UPDATED, "An issue changed", "Sent after an edit or a triage step (status, root cause, assignee...)."
    )
    register_event_type(ISSUE_RESOLVED, "An issue was resolved", "Sent when an issue moves to resolved.")
    register_event_type(
        INITIATIVE_STATUS_CHANGED, "An initiative changed status", "Sent at every step of an initiative's workflow."
    )
    register_event_type(
        INITIATIVE_MEASURED, "An initiative was measured", "Sent when an initiative's impact has been measured."
    )
    register_event_type(
        COMMENT_CREATED, "A comment was posted", "Sent when someone comments on an issue or an initiative."
    )
    register_event_type(
        COMMENT_EDITED, "A comment was edited", "Sent when the author edits a comment (within its first 15 minutes)."
    )


def issue_payload(issue) -> dict:
    return {
        "issue": {
            "id": issue.pk,
            "title": issue.title,
            "status": issue.status,
            "severity": issue.severity,
            "category": issue.category,
            "root_cause": issue.root_cause,
            "assignee": person_reference(issue.assignee),
            "reported_by": person_reference(issue.reported_by),
            "version": issue.version,
            "path": issue.get_absolute_url(),
        },
        "journey": journey_reference(issue.journey),
    }


def issue_emit(*, issue, created: bool = False, previous_status: str | None = None) -> None:
    """``issue.created`` for a new issue, else ``issue.updated`` (and ``issue.resolved`` when it was just resolved)."""
    if created:
        emit(ISSUE_CREATED, lambda: issue_payload(issue))
        return
    emit(ISSUE_UPDATED, lambda: {**issue_payload(issue), "previous_status": previous_status})
    if issue.status == IssueStatus.RESOLVED and previous_status != IssueStatus.RESOLVED:
        emit(ISSUE_RESOLVED, lambda: issue_payload(issue))


def initiative_payload(initiative) -> dict:
    impact = getattr(initiative, "impact", None) if initiative.status == InitiativeStatus.MEASURED else None
    return {
        "initiative": {
            "id": initiative.pk,
            "title": initiative.title,
            "status": initiative.status,
            "target_component": initiative.target_component,
            "baseline_value": initiative.baseline_value,
            "result_value": initiative.result_value,
            "delivered_on": initiative.delivered_on.isoformat() if initiative.delivered_on else None,
            "lead": person_reference(initiative.lead),
            "version": initiative.version,
            "path": initiative.get_absolute_url(),
        },
        "impact": (
            {"effect": impact.effect, "ci_low": impact.ci_low, "ci_high": impact.ci_high, "verdict": impact.verdict}
            if impact is not None
            else None
        ),
        "journey": journey_reference(initiative.journey),
    }


def initiative_status_emit(*, initiative, previous_status: str) -> None:
    """``initiative.status_changed`` at a workflow step, and ``initiative.measured`` when it is the measurement."""
    if initiative.status == previous_status:
        return
    emit(INITIATIVE_STATUS_CHANGED, lambda: {**initiative_payload(initiative), "previous_status": previous_status})
    if initiative.status == InitiativeStatus.MEASURED:
        emit(INITIATIVE_MEASURED, lambda: initiative_payload(initiative))


def comment_payload(comment, newly_mentioned) -> dict:
    item = comment.item
    kind = "issue" if comment.issue_id else "initiative"
    return {
        "comment": {
            "id": comment.pk,
            "body": comment.body,
            "author": person_reference(comment.author),
            "mentioned": [person_reference(person) for person in comment.mentioned.all()],
            "newly_mentioned": [person_reference(person) for person in newly_mentioned],
            "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "path": comment.get_absolute_url(),
        },
        kind: {"id": item.pk, "title": item.title, "path": item.get_absolute_url()},
        "journey": journey_reference(comment.journey),
    }


def comment_emit(*, comment, created: bool, newly_mentioned) -> None:
    """``comment.created`` or ``comment.edited``, naming the people the text mentions for the first time."""
    newly_mentioned = list(newly_mentioned)
    emit(COMMENT_CREATED if created else COMMENT_EDITED, lambda: comment_payload(comment, newly_mentioned))
