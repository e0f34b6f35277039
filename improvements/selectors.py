"""Reads of the improvements app: lists with their joins, the journey panel, audit history."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from core.history import HistoryEntry, changes, people_names, related_names, user_label
from core.rules import is_manager
from journeys.choices import Component
from journeys.health_components import OVERALL
from journeys.models import HealthSnapshot, Journey
from owners.models import Function, Ownership, Person, TeamMembership

from .choices import (
    IN_FLIGHT_INITIATIVE_STATUSES,
    OPEN_ISSUE_STATUSES,
    InitiativeStatus,
    Severity,
)
from .models import Initiative, InitiativeUpdate, Issue

# Initiatives past these statuses can no longer be late.
FINISHED_INITIATIVE_STATUSES = (InitiativeStatus.DELIVERED, InitiativeStatus.MEASURED, InitiativeStatus.CANCELLED)


# --- people and roles --------------------------------------------------------------------------


def person_of(user) -> Person | None:
    """The directory entry of a login, or None when the login is not linked to a person."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def steerable_journey_ids(user) -> set[int] | None:
    """Journeys whose issues the user may triage and whose initiatives they may manage.

    Mirrors ``can_steer_journey`` of core/rules.py in one query for whole lists; None = all.
    """
    if not user.is_authenticated:
        return set()
    if is_manager(user):
        return None
    return set(Ownership.objects.active().filter(person__user=user).values_list("journey_id", flat=True).distinct())


def contributable_journey_ids(user) -> set[int] | None:
    """Journeys on which the user may log issues and post updates (``can_contribute_to_journey``)."""
    steerable = steerable_journey_ids(user)
    if steerable is None:
        return None
    return steerable | set(TeamMembership.objects.filter(person__user=user).values_list("journey_id", flat=True))


def user_journey_ids(user, which: str) -> set[int] | None:
    """``steerable`` or ``contributable`` journey ids, read once per user object (a request's user):
    a page asks several times (its buttons, its form's choices)."""
    attribute = f"_throughline_{which}_journey_ids"
    if not hasattr(user, attribute):
        reader = steerable_journey_ids if which == "steerable" else contributable_journey_ids
        setattr(user, attribute, reader(user))
    return getattr(user, attribute)


# --- health snapshots --------------------------------------------------------------------------


def latest_overall_snapshot(*, journey_id: int) -> HealthSnapshot | None:
    """The journey's newest snapshot for all customers (segment '')."""
    return HealthSnapshot.objects.filter(journey_id=journey_id, segment=OVERALL).order_by("-as_of").first()


def component_value(snapshot: HealthSnapshot | None, component: str) -> float | None:
    """A snapshot's value of a health component (``score`` or one of the component columns)."""
    if snapshot is None:
        return None
    value = getattr(snapshot, Component(component).value)
    return None if value is None else float(value)


# --- issues ------------------------------------------------------------------------------------


def issue_list() -> QuerySet[Issue]:
    """Every issue with what a list row shows, in a constant number of queries."""
    return Issue.objects.select_related("journey", "stage", "touchpoint", "reported_by", "assignee").prefetch_related(
        Prefetch("functions", queryset=Function.objects.order_by("name"))
    )


def issue_detail_queryset() -> QuerySet[Issue]:
    return issue_list().prefetch_related(
        Prefetch("initiatives", queryset=Initiative.objects.select_related("lead").order_by("status", "title"))
    )


# --- initiatives -------------------------------------------------------------------------------


def _latest_progress():
    latest = InitiativeUpdate.objects.filter(initiative=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(latest.values("progress")[:1])


def initiative_list(*, today: dt.date | None = None) -> QuerySet[Initiative]:
    """Every initiative with its lead, journey, latest progress, overdue flag and gain per person-day."""
    today = today or timezone.localdate()
    return (
        Initiative.objects.select_related("journey", "lead")
        .prefetch_related(Prefetch("functions", queryset=Function.objects.order_by("name")))
        .annotate(
            latest_progress=_latest_progress(),
            is_overdue=Case(
                When(Q(due_date__lt=today) & ~Q(status__in=FINISHED_INITIATIVE_STATUSES), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            # Null when either is missing; effort is never zero (database constraint).
            gain_per_person_day=F("expected_gain") / Cast("effort", FloatField()),
        )
    )


def initiative_ranking(*, today: dt.date | None = None) -> QuerySet[Initiative]:
    """Initiatives by expected gain per person-day, the best value first; unknown effort or gain last."""
    return initiative_list(today=today).order_by(
        F("gain_per_person_day").desc(nulls_last=True), F("due_date").asc(nulls_last=True), "id"
    )


def initiative_detail_queryset() -> QuerySet[Initiative]:
    return initiative_list().prefetch_related(
        Prefetch("issues", queryset=Issue.objects.order_by("-severity", "title")),
        Prefetch("updates", queryset=InitiativeUpdate.objects.select_related("author")),
    )


def initiative_board(queryset: QuerySet[Initiative]) -> list[dict]:
    """The board's columns, one per status in workflow order, each with its cards."""
    columns = {status: [] for status in InitiativeStatus}
    for initiative in queryset:
        columns[initiative.status].append(initiative)
    return [{"status": status, "label": status.label, "cards": cards} for status, cards in columns.items()]


def initiative_updates() -> QuerySet[InitiativeUpdate]:
    return InitiativeUpdate.objects.select_related("initiative__journey", "author")


def initiatives_due_for_measurement(*, today: dt.date) -> list[int]:
    """Ids of delivered initiatives whose measurement window has ended by ``today``."""
    candidates = Initiative.objects.filter(status=InitiativeStatus.DELIVERED, delivered_on__isnull=False).values_list(
        "id", "delivered_on", "measurement_days"
    )
    return [pk for pk, delivered_on, days in candidates if delivered_on + dt.timedelta(days=days) <= today]


# --- the journey page panel --------------------------------------------------------------------


@dataclass
class JourneyPanel:
    journey: Journey
    open_issue_counts: list[dict]
    open_issue_total: int
    top_open_issues: list[Issue]
    initiatives_in_flight: list[Initiative]
    can_log_issue: bool
    can_manage_initiatives: bool


def journey_panel(*, journey: Journey, user) -> JourneyPanel:
    """Open issues by severity and initiatives in flight for one journey: a constant number of queries."""
    open_issues = Issue.objects.filter(journey=journey, status__in=OPEN_ISSUE_STATUSES)
    counts = dict(open_issues.order_by().values("severity").annotate(n=Count("id")).values_list("severity", "n"))
    by_severity = [
        {"severity": severity, "label": severity.label, "count": counts.get(severity.value, 0)}
        for severity in sorted(Severity, reverse=True)
    ]
    top = list(open_issues.select_related("stage", "touchpoint").order_by("-severity", "-created_at")[:5])
    in_flight = list(
        initiative_list().filter(journey=journey, status__in=IN_FLIGHT_INITIATIVE_STATUSES).order_by("due_date", "id")
    )
    return JourneyPanel(
        journey=journey,
        open_issue_counts=by_severity,
        open_issue_total=sum(counts.values()),
        top_open_issues=top,
        initiatives_in_flight=in_flight,
        can_log_issue=user.has_perm("improvements.log_issue", journey),
        can_manage_initiatives=user.has_perm("improvements.manage_initiative", journey),
    )


# --- audit history -----------------------------------------------------------------------------


def history_entries(obj) -> list[HistoryEntry]:
    """Who changed what and when, newest first: each historical record diffed with the previous one.

    Field labels are the model's verbose names; choices show their labels and foreign keys the
    name of what they point to, fetched in one query per related model (never one per record).
    The pieces are the merged feeds' (core.history).
    """
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    names = related_names((model, record) for record in records)
    people = people_names(records)
    label, subject = str(model._meta.verbose_name).capitalize(), str(obj)
    entries = []
    previous = None
    for record in records:
        if record.history_type == "+" or previous is None:
            kind, changed = "created", []
        elif record.history_type == "-":
            kind, changed = "deleted", []
        else:
            kind, changed = "changed", changes(model, previous, record, names)
        if kind != "changed" or changed:
            who = user_label(record.history_user, people)
            entries.append(HistoryEntry(record.history_date, who, kind, label, subject, changed))
        previous = record
    entries.reverse()
    return entries
