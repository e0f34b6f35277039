"""Reads of the portfolio page (``/``): every active journey's health, issues, initiatives and gaps,
and the logged-in person's own work.

The portfolio joins all three apps, so it lives in improvements (the last app of the chain
journeys <- owners <- improvements). Everything is fetched set-wise in a constant number of queries,
whatever the number of journeys; filters and sorting then run in Python over the rows, so a filter
never changes the query count either (a portfolio has tens of journeys, not thousands).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import BooleanField, Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from core.reversing import url_with
from journeys.choices import Alert, HealthStatus, Tier
from journeys.health_components import ALERTS_BY_CODE, OVERALL
from journeys.models import HealthSnapshot, Journey
from journeys.selectors.framework import top_level_journeys
from journeys.selectors.health import STATUS_RANK, latest_overall_snapshots, worst_segments
from owners.choices import Gap
from owners.models import Function, Ownership, Person, TeamMembership
from owners.selectors import JourneyGaps, journeys_gaps

from .choices import IN_FLIGHT_INITIATIVE_STATUSES, OPEN_ISSUE_STATUSES, InitiativeStatus, Severity
from .models import Initiative, Issue
from .selectors import overdue_issue_condition, person_of

TREND_WEEKS = 12
MY_WORK_LIMIT = 20
NO_OWNER = "none"


class Group:
    NONE = ""
    TOP = "top"
    CHOICES = ((NONE, "No grouping"), (TOP, "Top-level journey"))


class Sort:
    WORST = "worst"
    BEST = "best"
    NAME = "name"
    CHOICES = ((WORST, "Health, worst first"), (BEST, "Health, best first"), (NAME, "Name"))


# --- rows ------------------------------------------------------------------------------------------


@dataclass
class AlertLabel:
    code: str
    label: str
    explanation: str


@dataclass
class PortfolioRow:
    """One journey of the portfolio with everything its row shows."""

    journey: Journey
    gaps: JourneyGaps
    snapshot: HealthSnapshot | None = None
    worst_segment: HealthSnapshot | None = None
    trend: list[tuple[dt.date, float]] = field(default_factory=list)
    alerts: list[AlertLabel] = field(default_factory=list)
    issue_counts: list[dict] = field(default_factory=list)
    open_issue_total: int = 0
    overdue_issue_total: int = 0
    initiatives: list["InitiativeInFlight"] = field(default_factory=list)
    # Set on the first row of each group when the portfolio is grouped by top-level journey.
    starts_group: "PortfolioGroup | None" = None

    @property
    def owner(self) -> Person | None:
        return self.gaps.owner.person if self.gaps.owner else None

    @property
    def score(self) -> Decimal | None:
        return self.snapshot.score if self.snapshot else None

    @property
    def status(self) -> str | None:
        return self.snapshot.status if self.snapshot else None

    @property
    def status_label(self) -> str:
        return HealthStatus(self.snapshot.status).label if self.snapshot else "Not computed"

    @property
    def worst_segment_label(self) -> str:
        return HealthStatus(self.worst_segment.status).label if self.worst_segment else ""

    @property
    def segment_worse_than_overall(self) -> bool:
        """The point of the column: a key segment failing behind an overall score that looks fine."""
        if self.worst_segment is None or self.snapshot is None:
            return False
        return STATUS_RANK[self.worst_segment.status] < STATUS_RANK[self.snapshot.status]

    @property
    def gap_labels(self) -> list[dict]:
        return [{"code": code, "label": Gap(code).label} for code in self.gaps.codes]

    @property
    def alert_codes(self) -> set[str]:
        return {alert.code for alert in self.alerts}


def alert_label(code: str, snapshot: HealthSnapshot) -> AlertLabel:
    """A short label and a one-line reason with the snapshot's own figures (the journey page says more)."""
    alert = ALERTS_BY_CODE.get(code)
    if alert is None:
        return AlertLabel(code=code, label=code.replace("_", " ").capitalize(), explanation="")
    return AlertLabel(code=code, label=alert.label, explanation=alert.reason(snapshot))


def _trends(journey_ids: list[int], *, today: dt.date) -> dict[int, list[tuple[dt.date, float]]]:
    """Per journey, its overall scores of the last ``TREND_WEEKS`` weeks, oldest first.

    The scores come as floats from the database (a ``numeric`` read as ``Decimal`` and then converted
    cost a third of this read): the same value, as both convert the same decimal to the nearest float.
    """
    since = today - dt.timedelta(weeks=TREND_WEEKS)
    rows = (
        HealthSnapshot.objects.filter(
            journey_id__in=journey_ids, segment=OVERALL, as_of__gt=since, as_of__lte=today, score__isnull=False
        )
        .order_by("journey_id", "as_of")
        .values_list("journey_id", "as_of", Cast("score", FloatField()))
    )
    return {
        journey_id: [(as_of, score) for _journey_id, as_of, score in points]
        for journey_id, points in groupby(rows, key=itemgetter(0))
    }


def _open_issue_counts(journey_ids: list[int], *, today: dt.date) -> tuple[dict[int, dict[int, int]], dict[int, int]]:
    """Open issues per journey and severity, and the overdue ones per journey, in one query."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    overdue: dict[int, int] = defaultdict(int)
    rows = (
        Issue.objects.filter(journey_id__in=journey_ids, status__in=OPEN_ISSUE_STATUSES)
        .order_by()
        .values_list("journey_id", "severity")
        .annotate(n=Count("id"), late=Count("id", filter=overdue_issue_condition(today=today)))
    )
    for journey_id, severity, n, late in rows:
        counts[journey_id][severity] = n
        overdue[journey_id] += late
    return counts, overdue


@dataclass(frozen=True, slots=True)
class InitiativeInFlight:
    """What a portfolio row shows of an initiative in flight: a link, its title and its status.

    Not a model: two hundred deferred ``Initiative`` instances cost 4 ms a portfolio, these a tenth."""

    pk: int
    journey_id: int
    title: str
    status: str
    due_date: dt.date | None

    def get_status_display(self) -> str:
        return InitiativeStatus(self.status).label

    def get_absolute_url(self) -> str:
        return url_with("improvements:initiative-detail", "pk", self.pk)


def _initiatives_in_flight(journey_ids: list[int]) -> dict[int, list[InitiativeInFlight]]:
    by_journey: dict[int, list[InitiativeInFlight]] = defaultdict(list)
    order = {status: index for index, status in enumerate(InitiativeStatus.values)}
    initiatives = [
        InitiativeInFlight(*values)
        for values in Initiative.objects.filter(
            journey_id__in=journey_ids, status__in=IN_FLIGHT_INITIATIVE_STATUSES
        ).values_list("id", "journey_id", "title", "status", "due_date")
    ]
    for initiative in sorted(initiatives, key=lambda i: (order[i.status], i.due_date or dt.date.max, i.pk)):
        by_journey[initiative.journey_id].append(initiative)
    return by_journey


def portfolio_rows(*, today: dt.date | None = None) -> list[PortfolioRow]:
    """Every active journey with its health, worst segment, trend, alerts, issues, initiatives and gaps.

    Ten queries or so, whatever the number of journeys.
    """
    today = today or timezone.localdate()
    journeys = list(Journey.objects.active().order_by("name"))
    if not journeys:
        return []
    ids = [journey.pk for journey in journeys]
    gaps = journeys_gaps(journeys, today=today, verdicts_only=True)  # the rows show which gaps, not why
    snapshots = latest_overall_snapshots(ids)
    worst = worst_segments(ids, latest=snapshots)
    trends = _trends(ids, today=today)
    issue_counts, overdue_counts = _open_issue_counts(ids, today=today)
    initiatives = _initiatives_in_flight(ids)

    rows = []
    for journey in journeys:
        snapshot = snapshots.get(journey.pk)
        counts = issue_counts.get(journey.pk, {})
        rows.append(
            PortfolioRow(
                journey=journey,
                gaps=gaps[journey.pk],
                snapshot=snapshot,
                worst_segment=worst.get(journey.pk),
                trend=trends.get(journey.pk, []),
                alerts=[alert_label(code, snapshot) for code in snapshot.alerts] if snapshot else [],
                issue_counts=[
                    {"severity": severity.value, "label": severity.label, "count": counts.get(severity.value, 0)}
                    for severity in sorted(Severity, reverse=True)
                ],
                open_issue_total=sum(counts.values()),
                overdue_issue_total=overdue_counts.get(journey.pk, 0),
                initiatives=initiatives.get(journey.pk, []),
            )
        )
    return rows


# --- filters and sorting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    tier: str = ""
    status: str = ""
    owner: str = ""  # a person id, or NO_OWNER
    function: str = ""  # a function slug
    alert: str = ""
    sort: str = Sort.WORST
    group: str = Group.NONE

    @property
    def active(self) -> bool:
        return any((self.tier, self.status, self.owner, self.function, self.alert))


def _matches(row: PortfolioRow, filters: PortfolioFilters) -> bool:
    if filters.tier and row.journey.tier != filters.tier:
        return False
    if filters.status and row.status != filters.status:
        return False
    if filters.owner == NO_OWNER and row.owner is not None:
        return False
    if filters.owner and filters.owner != NO_OWNER and (row.owner is None or str(row.owner.pk) != filters.owner):
        return False
    if filters.function and filters.function not in {function.slug for function in row.gaps.functions}:
        return False
    return not (filters.alert and filters.alert not in row.alert_codes)


def _worst_first_key(row: PortfolioRow) -> tuple:
    if row.snapshot is None:
        return (1, 0, row.journey.name)
    score = row.snapshot.score if row.snapshot.score is not None else Decimal(101)
    return (0, score, row.journey.name)


def _best_first_key(row: PortfolioRow) -> tuple:
    if row.snapshot is None or row.snapshot.score is None:
        return (1, 0, row.journey.name)
    return (0, -row.snapshot.score, row.journey.name)


def filter_and_sort(rows: list[PortfolioRow], filters: PortfolioFilters) -> list[PortfolioRow]:
    """The rows the filters keep, sorted by health score (worst or best first; no score last) or name."""
    kept = [row for row in rows if _matches(row, filters)]
    if filters.sort == Sort.NAME:
        return sorted(kept, key=lambda row: row.journey.name.lower())
    if filters.sort == Sort.BEST:
        return sorted(kept, key=_best_first_key)
    return sorted(kept, key=_worst_first_key)


def filter_choices(rows: list[PortfolioRow]) -> dict:
    """Choices of the filter form: owners of the portfolio's journeys, every function (one query)."""
    owners = sorted({row.owner.pk: row.owner for row in rows if row.owner}.values(), key=lambda person: person.name)
    return {
        "tier": list(Tier.choices),
        "status": list(HealthStatus.choices),
        "owner": [(NO_OWNER, "No owner"), *((str(person.pk), person.name) for person in owners)],
        "function": list(Function.objects.order_by("name").values_list("slug", "name")),
        "alert": list(Alert.choices),
        "sort": list(Sort.CHOICES),
        "group": list(Group.CHOICES),
    }


@dataclass
class PortfolioGroup:
    """The rows of the journeys under one top-level journey of the framework (itself included)."""

    top: Journey
    rows: list[PortfolioRow]


def group_by_top_level(rows: list[PortfolioRow]) -> list[PortfolioGroup]:
    """The rows grouped by the top-level journey of the framework each sits under (a journey at the top
    heads its own group), groups by name, rows in the order given. One query for the whole framework."""
    tops = top_level_journeys()
    groups: dict[int, PortfolioGroup] = {}
    for row in rows:
        top = tops[row.journey.pk]
        groups.setdefault(top.pk, PortfolioGroup(top=top, rows=[])).rows.append(row)
    ordered = sorted(groups.values(), key=lambda group: (group.top.name.lower(), group.top.pk))
    for group in ordered:
        group.rows[0].starts_group = group
    return ordered


def grouped_rows(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    """The rows in the order of their groups, the first of each marked with its group for the heading."""
    return [row for group in group_by_top_level(rows) for row in group.rows]


@dataclass
class GapSummary:
    code: str
    label: str
    journeys: list[Journey]


def gap_summary(rows: list[PortfolioRow]) -> list[GapSummary]:
    """Per kind of gap, the journeys that have it (kinds without any journey are left out)."""
    summaries = [GapSummary(code=code.value, label=code.label, journeys=[]) for code in Gap]
    by_code = {summary.code: summary for summary in summaries}
    for row in rows:
        for code in row.gaps.codes:
            by_code[code].journeys.append(row.journey)
    return [summary for summary in summaries if summary.journeys]


# --- my work ---------------------------------------------------------------------------------------


@dataclass
class MyWork:
    person: Person | None
    owned: list[Ownership] = field(default_factory=list)
    seats: list[TeamMembership] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.owned or self.seats or self.issues or self.initiatives)


def my_work(user, rows: list[PortfolioRow]) -> MyWork:
    """The logged-in person's journeys, seats, open issues, initiatives and the alerts on their journeys.

    Alerts come from the rows (the latest overall snapshot of each active journey), so they cost no query.
    """
    person = person_of(user)
    if person is None:
        return MyWork(person=None)
    owned = list(Ownership.objects.active().filter(person=person).select_related("journey").order_by("journey__name"))
    seats = list(TeamMembership.objects.filter(person=person).select_related("journey").order_by("journey__name"))
    today = timezone.localdate()
    issues = list(
        Issue.objects.filter(Q(assignee=person) | Q(reported_by=person), status__in=OPEN_ISSUE_STATUSES)
        .select_related("journey", "assignee", "reported_by")
        .annotate(
            is_overdue=Case(
                When(overdue_issue_condition(today=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        # Overdue first: what is late needs the person's attention before what is merely severe.
        .order_by("-is_overdue", "-severity", "-created_at", "-id")[:MY_WORK_LIMIT]
    )
    initiatives = list(
        Initiative.objects.filter(lead=person)
        .exclude(status__in=(InitiativeStatus.MEASURED, InitiativeStatus.CANCELLED))
        .select_related("journey")
        .order_by(F("due_date").asc(nulls_last=True), "id")[:MY_WORK_LIMIT]
    )
    rows_by_journey = {row.journey.pk: row for row in rows}
    for entry in (*owned, *seats):
        entry.row = rows_by_journey.get(entry.journey_id)  # its health, when the journey is active
    mine = {ownership.journey_id for ownership in owned} | {seat.journey_id for seat in seats}
    alerts = [
        {"journey": row.journey, "snapshot": row.snapshot, "alert": alert}
        for row in rows
        if row.journey.pk in mine
        for alert in row.alerts
    ]
    return MyWork(person=person, owned=owned, seats=seats, issues=issues, initiatives=initiatives, alerts=alerts)
