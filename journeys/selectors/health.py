"""Reads of journey health: the latest snapshot, its components, alerts, segments and stages explained,
the trend, and the journeys whose health is out of date.

The meaning of every figure (labels, weights, scorers, wording) comes from ``journeys.health_components``.
"""

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.prototypes import built_once

from ..choices import Alert, HealthStatus
from ..health_components import ALERTS, ALERTS_BY_CODE, COMPONENT_NAMES, COMPONENTS, OVERALL
from ..models import HealthSnapshot, Journey, JourneyInstance, StageHealth

TREND_DAYS = 180
# Worst first: a failing status outranks a merely low score; journeys with no data come last.
STATUS_RANK = {
    HealthStatus.CRITICAL: 0,
    HealthStatus.AT_RISK: 1,
    HealthStatus.HEALTHY: 2,
    HealthStatus.INSUFFICIENT_DATA: 3,
}


def stale_journeys() -> QuerySet[Journey]:
    """Active journeys whose data changed after their latest overall snapshot, or never computed."""
    latest_computed = (
        HealthSnapshot.objects.filter(journey=OuterRef("pk"), segment=OVERALL)
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    return (
        Journey.objects.active()
        .annotate(last_computed_at=Subquery(latest_computed))
        .filter(Q(last_computed_at__isnull=True) | Q(data_changed_at__gt=F("last_computed_at")))
        .order_by("pk")
    )


def with_previous_score(queryset: QuerySet[HealthSnapshot]) -> QuerySet[HealthSnapshot]:
    """Annotate snapshots with their segment's previous snapshot (score, as_of) for health_drop text."""
    earlier = HealthSnapshot.objects.filter(
        journey=OuterRef("journey"), segment=OuterRef("segment"), as_of__lt=OuterRef("as_of")
    ).order_by("-as_of")
    return queryset.annotate(
        previous_score=Subquery(earlier.values("score")[:1]),
        previous_as_of=Subquery(earlier.values("as_of")[:1]),
    )


def snapshot_list(*, previous: bool = True) -> QuerySet[HealthSnapshot]:
    """Every snapshot with its journey and previous score: what the API lists.

    A page's stage health comes from ``attach_stage_health`` once the page is read (one query for the
    page); a snapshot read without it loads its own stage health when asked (one query). The previous
    score only explains the alerts: ``previous=False`` (a read without them) leaves out its two subqueries.
    """
    snapshots = HealthSnapshot.objects.select_related("journey")
    return with_previous_score(snapshots) if previous else snapshots


# What a snapshot of the API's list is not asked for: its bookkeeping and the segment sizes (the journey page's).
LIST_UNREAD = ("created_at", "updated_at", "segment_sizes")


@built_once
def snapshot_rows() -> QuerySet[HealthSnapshot]:
    """The snapshots of the API's list: the columns a row shows, its journey's slug as a column (no journey model
    per row, ``HealthSnapshotSerializer.Meta.list_columns``).

    Without the previous score: a page reads it for the few snapshots whose alerts need it
    (``attach_previous_scores``), not with two correlated subqueries for each of its rows.
    """
    return HealthSnapshot.objects.only(
        *(field.name for field in HealthSnapshot._meta.concrete_fields if field.name not in LIST_UNREAD)
    ).annotate(journey_slug=F("journey__slug"))


NEEDS_PREVIOUS = frozenset(alert.code for alert in ALERTS if alert.needs_previous)


def attach_previous_scores(snapshots: list[HealthSnapshot]) -> None:
    """Each snapshot's ``previous_score`` and ``previous_as_of`` (``with_previous_score``'s), read in one query for
    the snapshots whose alerts' sentences need them; None on the others, whose answer does not use them.

    The two subqueries for each of a page's 50 rows were 0.7 ms of the page's 1.5 ms in PostgreSQL, for the
    health drops of a few of them at most.
    """
    needing = [snapshot.pk for snapshot in snapshots if NEEDS_PREVIOUS.intersection(snapshot.alerts or ())]
    previous = {}
    if needing:
        rows = (
            with_previous_score(HealthSnapshot.objects.filter(pk__in=needing))
            .order_by()
            .values_list("pk", "previous_score", "previous_as_of")
        )
        previous = {pk: (score, as_of) for pk, score, as_of in rows}
    for snapshot in snapshots:
        snapshot.previous_score, snapshot.previous_as_of = previous.get(snapshot.pk, (None, None))


@dataclass(frozen=True, slots=True)
class StageRef:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class StageHealthRow:
    """What a stage health row shows (``StageHealthSerializer``'s fields), without building two models."""

    stage_id: int
    stage: StageRef
    reached: int
    abandoned_here: int
    interactions: int
    csat: float | None


STAGE_HEALTH_COLUMNS = ("snapshot_id", "stage_id", "stage__name", "stage__position")
STAGE_HEALTH_VALUES = ("reached", "abandoned_here", "interactions", "csat")


@built_once
def _stage_health_values() -> QuerySet:
    """Stage health rows as ``STAGE_HEALTH_COLUMNS`` and ``STAGE_HEALTH_VALUES``, their stage joined, unordered."""
    return StageHealth.objects.order_by().values_list(*STAGE_HEALTH_COLUMNS, *STAGE_HEALTH_VALUES)


def attach_stage_health(snapshots: list[HealthSnapshot]) -> None:
    """Each snapshot's stage health as ``stage_health_rows``, in stage order, in one query for them all.

    500 rows of a page of 50 were 1,000 models (each row and its stage): 4.3 ms of a 16 ms request.
    """
    by_snapshot: dict[int, list[StageHealthRow]] = {snapshot.pk: [] for snapshot in snapshots}
    if not by_snapshot:
        return
    rows = _stage_health_values().filter(snapshot_id__in=list(by_snapshot))
    for snapshot_id, stage_id, name, position, *values in rows:
        by_snapshot[snapshot_id].append(StageHealthRow(stage_id, StageRef(name, position), *values))
    for snapshot in snapshots:
        snapshot.stage_health_rows = sorted(by_snapshot[snapshot.pk], key=_stage_order)


def _stage_order(row) -> tuple[int, int]:
    return (row.stage.position, row.stage_id)


def stage_health_in_order(snapshot: HealthSnapshot) -> list:
    """The snapshot's stage health by stage position: the attached rows, or its own (prefetched or not)."""
    attached = getattr(snapshot, "stage_health_rows", None)
    if attached is not None:
        return attached
    return sorted(snapshot.stage_health.all(), key=_stage_order)


def latest_overall_snapshot(journey: Journey) -> HealthSnapshot | None:
    return (
        with_previous_score(HealthSnapshot.objects.filter(journey=journey, segment=OVERALL))
        .prefetch_related("stage_health__stage")
        .order_by("-as_of")
        .first()
    )


_component_values = operator.attrgetter(*COMPONENT_NAMES)


def _component_figures(snapshot: HealthSnapshot) -> list[tuple]:
    """(component, value, score rounded, effective weight) for each component, in order."""
    values = _component_values(snapshot)
    scores = [component.score(value) for component, value in zip(COMPONENTS, values, strict=True)]
    counted = sum(
        component.weight
        for component, score in zip(COMPONENTS, scores, strict=True)
        if component.weight and score is not None
    )
    return [
        (
            component,
            value,
            None if score is None else round(score, 1),
            round(100 * component.weight / counted, 1) if component.weight and score is not None and counted else None,
        )
        for component, value, score in zip(COMPONENTS, values, scores, strict=True)
    ]


def component_rows(snapshot: HealthSnapshot) -> list[dict]:
    """Each component with value, display text, score, nominal and effective weight, label and meaning."""
    return [
        {
            "name": component.name,
            "label": component.label,
            "value": value,
            "display": component.display(value) if value is not None else "no data",
            "score": score,
            "weight": component.weight,
            "effective_weight": effective,
            "informational": component.informational,
            "meaning": component.meaning,
        }
        for component, value, score, effective in _component_figures(snapshot)
    ]


def component_representation(snapshot: HealthSnapshot) -> list[dict]:
    """The components as the API gives them (``HealthComponentSerializer``'s fields and types), built directly.

    What ``component_rows`` gives and ``HealthComponentSerializer`` makes of it (tests/core/test_representation.py),
    without the display texts and the field-by-field representation: a list page has ten components for each of
    its 50 snapshots, and that detour was a quarter of the snapshots list.
    """
    return [
        {
            "name": component.name,
            "label": component.label,
            "value": None if value is None else float(value),
            "score": None if score is None else float(score),
            "weight": component.weight,
            "effective_weight": effective,
            "meaning": component.meaning,
        }
        for component, value, score, effective in _component_figures(snapshot)
    ]


def explain_alert(code: str, snapshot: HealthSnapshot) -> str:
    """One sentence a journey owner can act on."""
    alert = ALERTS_BY_CODE.get(code)
    return alert.explain(snapshot) if alert is not None else code


def alert_rows(snapshot: HealthSnapshot) -> list[dict]:
    return [
        {
            "code": code,
            "label": Alert(code).label if code in Alert.values else code,
            "explanation": explain_alert(code, snapshot),
        }
        for code in snapshot.alerts
    ]


def segment_rows(snapshot: HealthSnapshot) -> list[dict]:
    """Every segment seen in the snapshot's window: n, and score/status where it had a snapshot.

    Segments below ``min_sample`` have no snapshot; they are listed with their n so that a
    reader knows they exist but are too small to judge. The n come from the overall snapshot
    (``segment_sizes``, stored by the recompute); only a snapshot stored before that field existed
    makes this count the window's instances (at 10 million instances: 0.56 s for the largest journey).
    """
    if snapshot.segment_sizes is not None:
        seen = dict(snapshot.segment_sizes)
    else:
        counts = (
            JourneyInstance.objects.filter(
                journey_id=snapshot.journey_id,
                started_at__gt=snapshot.window_start,
                started_at__lte=snapshot.window_end,
            )
            .exclude(segment=OVERALL)
            .order_by()
            .values("segment")
            .annotate(n=Count("id"))
        )
        seen = {row["segment"]: row["n"] for row in counts}
    scored = {
        row.segment: row
        for row in HealthSnapshot.objects.filter(journey_id=snapshot.journey_id, as_of=snapshot.as_of).exclude(
            segment=OVERALL
        )
    }
    rows = []
    for segment in sorted(set(seen) | set(scored)):
        segment_snapshot = scored.get(segment)
        rows.append(
            {
                "segment": segment,
                "sample_size": segment_snapshot.sample_size if segment_snapshot else seen.get(segment, 0),
                "score": segment_snapshot.score if segment_snapshot else None,
                "status": segment_snapshot.status if segment_snapshot else HealthStatus.INSUFFICIENT_DATA,
                "status_label": HealthStatus(
                    segment_snapshot.status if segment_snapshot else HealthStatus.INSUFFICIENT_DATA
                ).label,
                "below_min_sample": segment_snapshot is None,
                "alerts": list(segment_snapshot.alerts) if segment_snapshot else [],
            }
        )
    return rows


def stage_rows(snapshot: HealthSnapshot) -> list[dict]:
    rows = stage_health_in_order(snapshot)
    return [
        {
            "stage": row.stage_id,
            "name": row.stage.name,
            "position": row.stage.position,
            "reached": row.reached,
            "abandoned_here": row.abandoned_here,
            "interactions": row.interactions,
            "csat": row.csat,
        }
        for row in rows
    ]


def trend(journey: Journey, *, days: int = TREND_DAYS, until: dt.date | None = None) -> list[dict]:
    """The overall daily snapshots of the last ``days`` days, oldest first, for the trend charts."""
    until = until or timezone.localdate()
    return list(
        HealthSnapshot.objects.filter(
            journey=journey, segment=OVERALL, as_of__gt=until - dt.timedelta(days=days), as_of__lte=until
        )
        .order_by("as_of")
        .values("as_of", "score", "status", *COMPONENT_NAMES)
    )


def latest_overall_snapshots(journey_ids: list[int]) -> dict[int, HealthSnapshot]:
    """Per journey, its latest overall snapshot (with the previous score), in one query for all.

    The latest id per journey is one descending read of the unique (journey, segment, as_of) index
    (a subquery per journey row); only those rows get the previous-score subqueries, not the
    journey's whole history.
    """
    newest = (
        HealthSnapshot.objects.filter(journey_id=OuterRef("pk"), segment=OVERALL)
        .order_by("-as_of", "-id")
        .values("id")[:1]
    )
    latest_ids = Journey.objects.filter(pk__in=journey_ids).annotate(newest=Subquery(newest)).values("newest")
    latest = with_previous_score(HealthSnapshot.objects.filter(pk__in=latest_ids).defer("channel_mix"))
    return {snapshot.journey_id: snapshot for snapshot in latest}


def worst_segments(
    journey_ids: list[int], *, latest: dict[int, HealthSnapshot] | None = None
) -> dict[int, HealthSnapshot]:
    """Per journey, the worst of the segment snapshots of the day of its latest overall snapshot.

    ``latest`` (from ``latest_overall_snapshots``) names that day per journey; the segments of
    those days are then read in one query on the snapshots' day index. Without it, one query more.
    """
    if latest is None:
        latest = latest_overall_snapshots(journey_ids)
    wanted = set(journey_ids)
    days = {journey_id: snapshot.as_of for journey_id, snapshot in latest.items() if journey_id in wanted}
    if not days:
        return {}
    segments = (
        HealthSnapshot.objects.filter(journey_id__in=list(days), as_of__in=set(days.values()))
        .exclude(segment=OVERALL)
        .only("id", "journey_id", "segment", "as_of", "score", "status", "sample_size")
    )
    worst: dict[int, HealthSnapshot] = {}
    for snapshot in segments:
        if snapshot.as_of != days[snapshot.journey_id]:
            continue  # a day that is another journey's latest, not this one's
        current = worst.get(snapshot.journey_id)
        if current is None or health_key(snapshot) < health_key(current):
            worst[snapshot.journey_id] = snapshot
    return worst


def health_key(snapshot: HealthSnapshot) -> tuple:
    """Sort key, worst first: status, then score, then segment name."""
    score = snapshot.score if snapshot.score is not None else Decimal(101)
    return (STATUS_RANK.get(snapshot.status, 9), score, snapshot.segment)
