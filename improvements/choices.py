"""Choices and workflows of the improvements app."""

from django.db import models


class IssueCategory(models.TextChoices):
    OPERATIONAL_CAPABILITY = "operational_capability", "Operational capability"
    DISJOINTED_TECHNOLOGY = "disjointed_technology", "Disjointed technology"
    CONFLICTING_OBJECTIVES = "conflicting_objectives", "Conflicting objectives"
    CULTURE = "culture", "Culture"
    POLICY_PROCESS = "policy_process", "Policy or process"
    PEOPLE_SKILLS = "people_skills", "People and skills"
    OTHER = "other", "Other"


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class IssueStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    INVESTIGATING = "investigating", "Investigating"
    ROOT_CAUSE_CONFIRMED = "root_cause_confirmed", "Root cause confirmed"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    WONT_FIX = "wont_fix", "Won't fix"


ISSUE_TRANSITIONS = {
    IssueStatus.REPORTED: {IssueStatus.INVESTIGATING, IssueStatus.WONT_FIX},
    IssueStatus.INVESTIGATING: {IssueStatus.ROOT_CAUSE_CONFIRMED, IssueStatus.WONT_FIX},
    IssueStatus.ROOT_CAUSE_CONFIRMED: {IssueStatus.RESOLVED, IssueStatus.WONT_FIX},
    IssueStatus.RESOLVED: {IssueStatus.CLOSED, IssueStatus.INVESTIGATING},
    IssueStatus.CLOSED: set(),
    IssueStatus.WONT_FIX: set(),
}
OPEN_ISSUE_STATUSES = (IssueStatus.REPORTED, IssueStatus.INVESTIGATING, IssueStatus.ROOT_CAUSE_CONFIRMED)


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    MEASURED = "measured", "Measured"
    CANCELLED = "cancelled", "Cancelled"


INITIATIVE_TRANSITIONS = {
    InitiativeStatus.PROPOSED: {InitiativeStatus.APPROVED, InitiativeStatus.CANCELLED},
    InitiativeStatus.APPROVED: {InitiativeStatus.IN_PROGRESS, InitiativeStatus.CANCELLED},
    InitiativeStatus.IN_PROGRESS: {InitiativeStatus.DELIVERED, InitiativeStatus.CANCELLED},
    InitiativeStatus.DELIVERED: {InitiativeStatus.MEASURED},
    InitiativeStatus.MEASURED: set(),
    InitiativeStatus.CANCELLED: set(),
}
IN_FLIGHT_INITIATIVE_STATUSES = (InitiativeStatus.APPROVED, InitiativeStatus.IN_PROGRESS, InitiativeStatus.DELIVERED)


class ImpactVerdict(models.TextChoices):
    IMPROVED = "improved", "Improved"
    WORSENED = "worsened", "Worsened"
    INCONCLUSIVE = "inconclusive", "Inconclusive"
