"""Reads of the owners app: ownership gaps, the harmonisation matrix, blueprint lanes, profiles.

Every function here costs a constant number of queries, whatever the number of journeys,
functions or incentives: rows are fetched set-wise and joined in Python by id.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from journeys.choices import JourneyStatus
from journeys.health_components import OVERALL
from journeys.models import HealthSnapshot, Journey
from journeys.selectors.maps import map_is_stale

from .choices import EvidenceSignal, Gap, Verdict
from .links import conflict_issues
from .models import (
    AlertNotification,
    Function,
    Incentive,
    IncentiveEvidence,
    IncentiveReview,
    MeasurementImport,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)

UNASSIGNED_LANE = "Unassigned"
UNREVIEWED = "unreviewed"
NOT_TOUCHED = "not_touched"


@dataclass(frozen=True, slots=True)
class ReviewVerdict:
    """What the gaps themselves read of a current review: a page that shows only the gaps (the portfolio)
    loads no more, and builds no model (a thousand reviews cost 8 ms as deferred models)."""

    id: int
    incentive_id: int
    journey_id: int
    verdict: str


VERDICT_FIELDS = tuple(ReviewVerdict.__slots__)


def current_reviews(
    *, journey_ids, incentive_ids=None, verdicts_only: bool = False
) -> dict[tuple[int, int], IncentiveReview | ReviewVerdict]:
    """The current verdict (newest review) per (incentive id, journey id), in one query.

    Whole reviews with their reviewer, or ``ReviewVerdict``\\ s with ``verdicts_only``."""
    journey_ids = list(journey_ids)
    if not journey_ids or (incentive_ids is not None and not incentive_ids):
        return {}
    reviews = IncentiveReview.objects.filter(journey_id__in=journey_ids)
    if incentive_ids is not None:
        reviews = reviews.filter(incentive_id__in=list(incentive_ids))
    reviews = reviews.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("incentive_id"), F("journey_id")],
            order_by=[F("reviewed_at").desc(), F("id").desc()],
        )
    ).filter(rank=1)
    if verdicts_only:
        verdicts = (ReviewVerdict(*row) for row in reviews.values_list(*VERDICT_FIELDS))
        return {(verdict.incentive_id, verdict.journey_id): verdict for verdict in verdicts}
    return {(review.incentive_id, review.journey_id): review for review in reviews.select_related("reviewer")}


def evidence_list(*, incentive_id: int | None = None, journey_id: int | None = None) -> list[IncentiveEvidence]:
    """Stored evidence of one incentive or one journey, in one query."""
    rows = IncentiveEvidence.objects.select_related("incentive__function", "journey")
    if incentive_id is not None:
        rows = rows.filter(incentive_id=incentive_id)
    if journey_id is not None:
        rows = rows.filter(journey_id=journey_id, incentive__active=True)
    return list(rows.order_by("incentive__function__name", "incentive__name", "journey__name"))


def evidence_by_pair(*, journey_ids, incentive_ids) -> dict[tuple[int, int], IncentiveEvidence]:
    """(incentive id, journey id) -> stored evidence, in one query (the points left out: they are for one form)."""
    journey_ids, incentive_ids = list(journey_ids), list(incentive_ids)
    if not journey_ids or not incentive_ids:
        return {}
    rows = IncentiveEvidence.objects.filter(journey_id__in=journey_ids, incentive_id__in=incentive_ids).defer(
        "points", "components"
    )
    return {(row.incentive_id, row.journey_id): row for row in rows}


def evidence_for(*, incentive: Incentive, journey: Journey) -> IncentiveEvidence | None:
    return IncentiveEvidence.objects.filter(incentive=incentive, journey=journey).first()


def raised_issue(*, incentive: Incentive, journey: Journey):
    """The issue raised about this incentive's conflict with the journey, or None."""
    return conflict_issues({(incentive.pk, journey.pk)}).get((incentive.pk, journey.pk))


def functions_touching(journey_ids) -> dict[int, set[int]]:
    """Journey id -> ids of the functions responsible for at least one of its touchpoints."""
    touching: dict[int, set[int]] = defaultdict(set)
    pairs = (
        Responsibility.objects.filter(touchpoint__journey_id__in=list(journey_ids))
        .values_list("touchpoint__journey_id", "function_id")
        .distinct()
    )
    for journey_id, function_id in pairs:
        touching[journey_id].add(function_id)
    return touching


@dataclass
class IncentiveStanding:
    incentive: Incentive
    review: IncentiveReview | ReviewVerdict | None
    evidence: IncentiveEvidence | None = None
    issue: object | None = None  # the root-cause issue raised about a conflicting verdict, if any

    @property
    def verdict(self) -> str:
        return self.review.verdict if self.review else UNREVIEWED


@dataclass
class JourneyGaps:
    """The ownership gaps of design section 7 for one journey, and its harmonisation index."""

    journey: Journey
    owner: Ownership | None
    functions: list[Function] = field(default_factory=list)
    uncovered_functions: list[Function] = field(default_factory=list)
    unreviewed_incentives: list[Incentive] = field(default_factory=list)
    conflicting_incentives: list[IncentiveStanding] = field(default_factory=list)
    addressed_conflicts: list[IncentiveStanding] = field(default_factory=list)
    evidence_disagreements: list[IncentiveStanding] = field(default_factory=list)
    standings: list[IncentiveStanding] = field(default_factory=list)
    no_owner: bool = False
    stale_map: bool = False
    aligned_count: int = 0
    incentive_count: int = 0

    @property
    def harmonisation_index(self) -> float | None:
        """Aligned current verdicts / active incentives of the functions touching the journey."""
        if not self.incentive_count:
            return None
        return self.aligned_count / self.incentive_count

    @property
    def codes(self) -> list[str]:
        found = {
            Gap.NO_OWNER: self.no_owner,
            Gap.UNCOVERED_FUNCTIONS: bool(self.uncovered_functions),
            Gap.UNREVIEWED_INCENTIVES: bool(self.unreviewed_incentives),
            Gap.CONFLICTING_INCENTIVES: bool(self.conflicting_incentives),
            Gap.STALE_MAP: self.stale_map,
            Gap.EVIDENCE_DISAGREES: bool(self.evidence_disagreements),
        }
        return [code.value for code, present in found.items() if present]

    @property
    def has_gaps(self) -> bool:
        return bool(self.codes)


def journeys_gaps(journeys, *, today: dt.date | None = None, verdicts_only: bool = False) -> dict[int, JourneyGaps]:
    """Gaps of every journey given (a list or queryset), keyed by journey id: eight queries at most.

    ``verdicts_only``: the standings' reviews are ``ReviewVerdict``\\ s (no rationale, dates or
    reviewer), for pages that show which gaps there are, not why (the portfolio).

    A conflicting verdict that a root-cause issue addresses (raised from the matrix, not won't-fix) is
    no longer a gap: someone is acting on it. An aligned verdict that the evidence contradicts (a
    conflict signal) is one: ``evidence_disagrees``.
    """
    journeys = list(journeys)
    if not journeys:
        return {}
    today = today or timezone.localdate()
    journey_ids = [journey.pk for journey in journeys]

    owners = {
        ownership.journey_id: ownership
        for ownership in Ownership.objects.active().filter(journey_id__in=journey_ids).select_related("person")
    }
    touching = functions_touching(journey_ids)
    team_functions: dict[int, set[int]] = defaultdict(set)
    for journey_id, function_id in TeamMembership.objects.filter(journey_id__in=journey_ids).values_list(
        "journey_id", "person__function_id"
    ):
        if function_id is not None:
            team_functions[journey_id].add(function_id)
    function_ids = set().union(*touching.values()) if touching else set()
    functions = {}
    if function_ids:
        functions = {
            function.pk: function
            for function in Function.objects.filter(pk__in=function_ids).prefetch_related(
                Prefetch("incentives", queryset=Incentive.objects.filter(active=True), to_attr="active_incentives")
            )
        }
    incentive_ids = [incentive.pk for function in functions.values() for incentive in function.active_incentives]
    reviews = current_reviews(journey_ids=journey_ids, incentive_ids=incentive_ids, verdicts_only=verdicts_only)
    evidence = evidence_by_pair(journey_ids=journey_ids, incentive_ids=incentive_ids)
    issues = conflict_issues(pair for pair, review in reviews.items() if review.verdict == Verdict.CONFLICTING)

    result = {}
    for journey in journeys:
        is_active = journey.status == JourneyStatus.ACTIVE
        touching_functions = sorted(
            (functions[function_id] for function_id in touching.get(journey.pk, ())), key=lambda f: f.name
        )
        gaps = JourneyGaps(
            journey=journey,
            owner=owners.get(journey.pk),
            functions=touching_functions,
            no_owner=is_active and journey.pk not in owners,
            stale_map=is_active and map_is_stale(journey, today=today),
        )
        covered = team_functions.get(journey.pk, set())
        for function in touching_functions:
            if function.pk not in covered:
                gaps.uncovered_functions.append(function)
            for incentive in function.active_incentives:  # the prefetch set incentive.function: no query
                pair = (incentive.pk, journey.pk)
                standing = IncentiveStanding(
                    incentive=incentive, review=reviews.get(pair), evidence=evidence.get(pair), issue=issues.get(pair)
                )
                gaps.standings.append(standing)
                gaps.incentive_count += 1
                if standing.review is None:
                    gaps.unreviewed_incentives.append(incentive)
                elif standing.review.verdict == Verdict.CONFLICTING:
                    (gaps.addressed_conflicts if standing.issue else gaps.conflicting_incentives).append(standing)
                elif standing.review.verdict == Verdict.ALIGNED:
                    gaps.aligned_count += 1
                    if standing.evidence is not None and standing.evidence.signal == EvidenceSignal.CONFLICT:
                        gaps.evidence_disagreements.append(standing)
        result[journey.pk] = gaps
    return result


def journey_gaps(journey: Journey, *, today: dt.date | None = None) -> JourneyGaps:
    return journeys_gaps([journey], today=today)[journey.pk]


# --- blueprint lanes ---------------------------------------------------------------------------


def blueprint_lanes(journey, touchpoints) -> list[tuple[str, set[int]]]:
    """Swimlanes of the service blueprint: one per function delivering a touchpoint, in one query.

    Touchpoints that no function delivers go to a last lane, "Unassigned" (present only when some
    touchpoint has no function, so a fully assigned blueprint shows no empty lane).
    """
    wanted = {touchpoint.pk for touchpoint in touchpoints}
    lanes: dict[str, set[int]] = {}
    assigned: set[int] = set()
    rows = (
        Responsibility.objects.filter(touchpoint__journey_id=journey.pk)
        .order_by("function__name", "touchpoint_id")
        .values_list("function__name", "touchpoint_id")
    )
    for function_name, touchpoint_id in rows:
        if touchpoint_id in wanted:
            lanes.setdefault(function_name, set()).add(touchpoint_id)
            assigned.add(touchpoint_id)
    result = list(lanes.items())
    unassigned = wanted - assigned
    if unassigned:
        result.append((UNASSIGNED_LANE, unassigned))
    return result


# --- incentive matrix --------------------------------------------------------------------------


@dataclass
class MatrixCell:
    incentive: Incentive
    journey: Journey
    state: str  # aligned | neutral | conflicting | unreviewed | not_touched
    review: IncentiveReview | None = None
    evidence: IncentiveEvidence | None = None
    issue: object | None = None

    @property
    def evidence_mark(self) -> str:
        """The cell's evidence in words ('' when there is no signal either way)."""
        if self.evidence is None:
            return ""
        if self.evidence.signal == EvidenceSignal.CONFLICT:
            return "Evidence: conflict"
        if self.evidence.signal == EvidenceSignal.ALIGNMENT:
            return "Evidence: aligned"
        return ""

    @property
    def evidence_disagrees(self) -> bool:
        return (
            self.state == Verdict.ALIGNED
            and self.evidence is not None
            and self.evidence.signal == EvidenceSignal.CONFLICT
        )

    @property
    def touched(self) -> bool:
        return self.state != NOT_TOUCHED

    @property
    def label(self) -> str:
        if self.state == NOT_TOUCHED:
            return "Not touched"
        if self.state == UNREVIEWED:
            return "Unreviewed"
        return Verdict(self.state).label


@dataclass
class MatrixColumn:
    journey: Journey
    harmonisation_index: float | None


@dataclass
class MatrixGroup:
    function: Function
    rows: list[tuple[Incentive, list[MatrixCell]]]


@dataclass
class IncentiveMatrix:
    columns: list[MatrixColumn]
    groups: list[MatrixGroup]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def incentive_matrix(*, function_slug: str | None = None) -> IncentiveMatrix:
    """Active incentives (rows, grouped by function) by the journeys their functions touch."""
    incentives = Incentive.objects.filter(active=True).select_related("function").order_by("function__name", "name")
    if function_slug:
        incentives = incentives.filter(function__slug=function_slug)
    incentives = list(incentives)
    function_ids = {incentive.function_id for incentive in incentives}
    touches: dict[int, set[int]] = defaultdict(set)
    for function_id, journey_id in (
        Responsibility.objects.filter(function_id__in=function_ids)
        .exclude(touchpoint__journey__status=JourneyStatus.RETIRED)
        .values_list("function_id", "touchpoint__journey_id")
        .distinct()
    ):
        touches[function_id].add(journey_id)
    journey_ids = set().union(*touches.values()) if touches else set()
    journeys = list(Journey.objects.filter(pk__in=journey_ids).order_by("name")) if journey_ids else []
    gaps = journeys_gaps(journeys)
    incentive_ids = [incentive.pk for incentive in incentives]
    reviews = current_reviews(journey_ids=journey_ids, incentive_ids=incentive_ids)
    evidence = evidence_by_pair(journey_ids=journey_ids, incentive_ids=incentive_ids)
    issues = conflict_issues(pair for pair, review in reviews.items() if review.verdict == Verdict.CONFLICTING)

    groups: list[MatrixGroup] = []
    for incentive in incentives:
        if not groups or groups[-1].function.pk != incentive.function_id:
            groups.append(MatrixGroup(function=incentive.function, rows=[]))
        cells = []
        for journey in journeys:
            if journey.pk not in touches[incentive.function_id]:
                cells.append(MatrixCell(incentive=incentive, journey=journey, state=NOT_TOUCHED))
                continue
            pair = (incentive.pk, journey.pk)
            review = reviews.get(pair)
            cells.append(
                MatrixCell(
                    incentive=incentive,
                    journey=journey,
                    state=review.verdict if review else UNREVIEWED,
                    review=review,
                    evidence=evidence.get(pair),
                    issue=issues.get(pair),
                )
            )
        groups[-1].rows.append((incentive, cells))
    columns = [
        MatrixColumn(journey=journey, harmonisation_index=gaps[journey.pk].harmonisation_index) for journey in journeys
    ]
    return IncentiveMatrix(columns=columns, groups=groups)


def review_history(*, incentive: Incentive, journey: Journey):
    return IncentiveReview.objects.filter(incentive=incentive, journey=journey).select_related("reviewer")


def function_touches_journey(*, function_id: int, journey_id: int) -> bool:
    return Responsibility.objects.filter(function_id=function_id, touchpoint__journey_id=journey_id).exists()


# --- people and functions ----------------------------------------------------------------------

RECENT_ALERT_DAYS = 30
RECENT_LIMIT = 20


def person_profile(person: Person) -> dict:
    """Everything the person page shows, in a constant number of queries."""
    ownerships = list(person.ownerships.select_related("journey").order_by("-started_on", "-id"))
    seats = list(person.team_memberships.select_related("journey").order_by("journey__name"))
    journey_ids = {o.journey_id for o in ownerships if o.is_active} | {seat.journey_id for seat in seats}
    alerts = []
    if journey_ids:
        since = timezone.localdate() - dt.timedelta(days=RECENT_ALERT_DAYS)
        snapshots = (
            HealthSnapshot.objects.filter(journey_id__in=journey_ids, segment=OVERALL, as_of__gte=since)
            .select_related("journey")
            .order_by("-as_of", "journey__name")
            .only("id", "as_of", "alerts", "score", "status", "journey__name", "journey__slug")
        )
        for snapshot in snapshots:
            for alert in snapshot.alerts or []:
                alerts.append({"journey": snapshot.journey, "as_of": snapshot.as_of, "alert": alert})
        # Alerts that are not health's: the evidence contradicting an aligned verdict (owners' own notices).
        owned = [o.journey_id for o in ownerships if o.is_active]
        for notice in (
            AlertNotification.objects.filter(journey_id__in=owned, alert=Gap.EVIDENCE_DISAGREES, as_of__gte=since)
            .select_related("journey")
            .only("as_of", "alert", "journey__name", "journey__slug")
        ):
            alerts.append({"journey": notice.journey, "as_of": notice.as_of, "alert": notice.alert})
        alerts.sort(key=lambda item: (-item["as_of"].toordinal(), item["journey"].name))
    return {
        "current_ownerships": [o for o in ownerships if o.is_active],
        "past_ownerships": [o for o in ownerships if not o.is_active],
        "seats": seats,
        "recent_alerts": alerts[:RECENT_LIMIT],
        "reported_issues": list(
            person.reported_issues.select_related("journey").order_by("-created_at")[:RECENT_LIMIT]
        ),
        "led_initiatives": list(
            person.led_initiatives.select_related("journey").order_by("-created_at")[:RECENT_LIMIT]
        ),
    }


def function_profile(function: Function) -> dict:
    """Touchpoints the function delivers (by journey), its incentives, people and journeys touched."""
    responsibilities = list(
        function.responsibilities.select_related("touchpoint__stage", "touchpoint__journey").order_by(
            "touchpoint__journey__name", "touchpoint__stage__position", "touchpoint__position"
        )
    )
    by_journey: dict[int, dict] = {}
    for responsibility in responsibilities:
        journey = responsibility.touchpoint.journey
        by_journey.setdefault(journey.pk, {"journey": journey, "touchpoints": []})["touchpoints"].append(
            responsibility.touchpoint
        )
    journeys = [entry["journey"] for entry in by_journey.values()]
    gaps = journeys_gaps(journeys)
    for entry in by_journey.values():
        entry["gaps"] = gaps[entry["journey"].pk]
    return {
        "journeys": list(by_journey.values()),
        "incentives": list(function.incentives.order_by("-active", "name")),
        "people": list(function.people.order_by("name")),
    }


def journey_panel(journey: Journey, *, user) -> dict:
    """Context of the ownership panel on the journey page."""
    gaps = journey_gaps(journey)
    team = list(
        TeamMembership.objects.filter(journey=journey).select_related("person__function").order_by("person__name")
    )
    return {
        "gaps": gaps,
        "owner": gaps.owner,
        "team": team,
        "can_assign_owner": user.has_perm("owners.assign_owner"),
        "can_manage_team": user.has_perm("owners.manage_team", journey),
        "can_edit_responsibilities": user.has_perm("journeys.change_journey", journey),
    }


def measurement_imports(*, with_errors: bool = False) -> QuerySet[MeasurementImport]:
    """Measurement imports with their uploader; the error reports (up to 1,000 entries) only when asked."""
    queryset = MeasurementImport.objects.select_related("created_by")
    return queryset if with_errors else queryset.defer("errors")
