"""The journey health engine (design section 4): compute and store a journey's health.

What the components are (weights, scorers, thresholds, wording) is in ``journeys.health_components``;
reading and explaining the stored snapshots is in ``journeys.selectors.health``.

Everything is set-based SQL. Per journey there are two reading queries, whether one day or a
backfill of many days is computed:

1. instances of the window grouped by segment (and local start day for a backfill): counts,
   satisfaction sums, outcomes, on-time count (ORM);
2. interactions of the window, marked by window functions over each instance in order (previous
   channel, next interaction, running and total count of rated interactions, digital/assisted use,
   first interaction in its stage), all sharing one sort; one plain GROUP BY around them (raw SQL
   over the ORM-built rows) gives the totals per segment and stage (and start day for a backfill).
   Every step is linear in the window's rows: no correlated subquery, no ``pk IN (...)`` filter.

The queries return integer sums and counts only; the divisions happen in Python on those few
numbers, so PostgreSQL and SQLite give bit-for-bit identical figures (no database-side integer
division, float averaging or rounding is involved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag, Lead, RowNumber, TruncDate
from django.utils import timezone

from core.errors import ApplicationError

from ..choices import ASSISTED_CHANNELS, DIGITAL_CHANNELS, HealthStatus, Outcome
from ..events import health_alerts_emit
from ..health_components import (
    AT_RISK_FROM,
    COMPONENT_NAMES,
    COMPONENTS,
    HEALTHY_FROM,
    OVERALL,
    VALUE_DECIMALS,
    PopulationTotals,
    component_values,
    raised_alerts,
)
from ..models import HealthSnapshot, Interaction, Journey, JourneyInstance, Stage, StageHealth
from ..signals import health_recomputed
from . import health_where
from .retention import first_recomputable_day

# --- the window -----------------------------------------------------------------------------------


def health_window(*, as_of: dt.date, window_days: int) -> tuple[dt.datetime, dt.datetime]:
    """(start, end] of the window: end is the last instant of the as-of day in the project's time zone.

    The start is ``window_days`` calendar days earlier at the same wall-clock time, so a window
    always covers whole local days even across a daylight-saving change.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=zone)
    start = dt.datetime.combine(as_of - dt.timedelta(days=window_days), dt.time.max, tzinfo=zone)
    return start, end


# --- the computation --------------------------------------------------------------------------
#
# The database does every per-row computation and returns integer totals per local start day
# (and segment, and stage). A day's window is then a contiguous run of start days: the window
# (T - window_days, T] with T the end of the as-of day covers exactly the local start dates
# as_of - window_days + 1 .. as_of. Running totals over the days make any window a subtraction,
# so a backfill of 180 days costs the same two reading queries as a single day.

INSTANCE_FIELDS = (
    "instances",
    "rated_instances",
    "instance_satisfaction",
    "completed",
    "abandoned",
    "on_time",
    "digital_only",
    "assisted_only",
    "cross_channel",
)
INTERACTION_FIELDS = (
    "interactions",
    "rated_interactions",
    "interaction_satisfaction",
    "repeats",
    "reidentified",
    "handoffs",
    "decay_instances",
    "first_rated_satisfaction",
    "last_rated_satisfaction",
)
POPULATION_FIELDS = INSTANCE_FIELDS + INTERACTION_FIELDS
STAGE_FIELDS = ("reached", "abandoned_here", "interactions", "rated", "satisfaction")


@dataclass
class _Population(PopulationTotals):
    """The totals the components are computed from, plus the channel mix of the same population."""

    digital_only: int = 0
    assisted_only: int = 0
    cross_channel: int = 0


def _round_score(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def overall_score(values: dict[str, float | None]) -> Decimal | None:
    """Weighted mean of the scores that exist, weights renormalised over them; one decimal."""
    weighted = total_weight = 0.0
    for component in COMPONENTS:
        score = component.score(values.get(component.name))
        if score is None or component.weight is None:
            continue
        weighted += component.weight * score
        total_weight += component.weight
    if not total_weight:
        return None
    return _round_score(weighted / total_weight)


def health_status(*, score: Decimal | None, sample_size: int, min_sample: int) -> str:
    if sample_size < min_sample or score is None:
        return HealthStatus.INSUFFICIENT_DATA
    if score >= HEALTHY_FROM:
        return HealthStatus.HEALTHY
    if score >= AT_RISK_FROM:
        return HealthStatus.AT_RISK
    return HealthStatus.CRITICAL


def _channel_mix(population: _Population) -> dict:
    total = population.digital_only + population.assisted_only + population.cross_channel
    return {
        "digital_only": round(population.digital_only / total, VALUE_DECIMALS) if total else None,
        "assisted_only": round(population.assisted_only / total, VALUE_DECIMALS) if total else None,
        "cross_channel": round(population.cross_channel / total, VALUE_DECIMALS) if total else None,
        "instances": total,
    }


class _RunningTotals:
    """Per key (a segment or a stage), running totals of integer fields over consecutive days."""

    def __init__(self, first_day: dt.date, last_day: dt.date, fields: tuple[str, ...]):
        self.first_day = first_day
        self.length = (last_day - first_day).days + 1
        self.fields = fields
        self.daily: dict = {}

    def add(self, key, day: dt.date, row: dict) -> None:
        days = self.daily.setdefault(key, [None] * self.length)
        index = (day - self.first_day).days
        values = [row.get(name) or 0 for name in self.fields]
        current = days[index]
        days[index] = values if current is None else [a + b for a, b in zip(current, values, strict=True)]

    def finish(self) -> None:
        """Turn daily totals into running totals (index i = sum of days 0..i-1)."""
        self.running = {}
        for key, days in self.daily.items():
            running = [[0] * len(self.fields)]
            for values in days:
                running.append(
                    running[-1] if values is None else [a + b for a, b in zip(running[-1], values, strict=True)]
                )
            self.running[key] = running

    def known_keys(self) -> list:
        return list(self.running)

    def window(self, key, first: dt.date, last: dt.date) -> dict[str, int]:
        """Totals of the days first..last (inclusive) for one key."""
        running = self.running.get(key)
        if running is None:
            return dict.fromkeys(self.fields, 0)
        start = max((first - self.first_day).days, 0)
        end = (last - self.first_day).days + 1
        return {name: running[end][i] - running[start][i] for i, name in enumerate(self.fields)}


@dataclass
class _Gathered:
    populations: _RunningTotals
    stages: _RunningTotals
    stage_ids: list[int]
    where: health_where.WhereGathered | None = None  # section 13's figures, read by the same recompute


def _gather(journey: Journey, first_as_of: dt.date, last_as_of: dt.date) -> _Gathered:
    """Two reading queries: per start day, the totals of every population and every stage."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first_day = first_as_of - dt.timedelta(days=journey.window_days - 1)
    start, _ = health_window(as_of=first_as_of, window_days=journey.window_days)
    _, end = health_window(as_of=last_as_of, window_days=journey.window_days)
    populations = _RunningTotals(first_day, last_as_of, POPULATION_FIELDS)
    stages = _RunningTotals(first_day, last_as_of, STAGE_FIELDS)
    # A backfill needs totals per start day; a single day's window needs one total: every row then
    # carries the as-of day (a constant, not grouped on), and the queries return a few rows.
    per_day = first_as_of < last_as_of

    def start_day(field: str):
        return TruncDate(field, tzinfo=zone) if per_day else Value(last_as_of, output_field=DateField())

    # 1. Instances, per local start day and segment.
    totals = {
        "instances": Count("id"),
        "rated_instances": Count("satisfaction"),
        "instance_satisfaction": Sum("satisfaction"),
        "completed": Count("id", filter=Q(outcome=Outcome.COMPLETED)),
        "abandoned": Count("id", filter=Q(outcome=Outcome.ABANDONED)),
    }
    if journey.target_duration is not None:
        # Durations compare in SQL on both databases: an interval on PostgreSQL, microseconds on SQLite.
        totals["on_time"] = Count("id", filter=Q(outcome=Outcome.COMPLETED, duration__lte=journey.target_duration))
    instance_rows = (
        JourneyInstance.objects.filter(journey=journey, started_at__gt=start, started_at__lte=end)
        .alias(duration=ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField()))
        .order_by()
        .values("segment", day=start_day("started_at"))
        .annotate(**totals)
    )
    for row in instance_rows:
        populations.add(OVERALL, row["day"], row)
        if row["segment"] != OVERALL:  # instances without a segment count for all customers only
            populations.add(row["segment"], row["day"], row)

    # 2. Interactions, per start day of their instance, segment and stage.
    for row in _interaction_totals(journey, start, end, day=start_day("instance__started_at")):
        populations.add(OVERALL, row["day"], row)
        if row["segment"] != OVERALL:
            populations.add(row["segment"], row["day"], row)
        stages.add(
            row["stage"],
            row["day"],
            {
                "reached": row["reached"],
                "abandoned_here": row["abandoned_here"],
                "interactions": row["interactions"],
                "rated": row["rated_interactions"],
                "satisfaction": row["interaction_satisfaction"],
            },
        )
    populations.finish()
    stages.finish()
    stage_ids = list(Stage.objects.filter(journey=journey).order_by("position").values_list("id", flat=True))
    # Section 13 (where to act) over the same window; the key drivers for a single day only, never a backfill.
    where = health_where.gather(
        journey,
        start=start,
        end=end,
        first_day=first_day,
        day=start_day("instance__started_at"),
        with_drivers=not per_day,
    )
    return _Gathered(populations=populations, stages=stages, stage_ids=stage_ids, where=where)


# The interactions query. The ORM builds the rows: every interaction of the window with its
# instance's start day, segment and outcome, its stage, and window functions over its instance in
# order (occurred_at, then id): the previous channel, the next interaction, the running and the
# total count of rated interactions, whether the instance used a digital or an assisted channel at
# all, and whether the row is the instance's first in its stage. They share one sort of the rows by
# instance (PostgreSQL sorts within each instance for the stage window). One plain GROUP BY around it
# (the ORM cannot aggregate over a subquery) turns the marked rows into integer totals per day,
# segment and stage: the cost is linear in the window's rows, on PostgreSQL and on SQLite.
INTERACTION_TOTALS_SQL = """
SELECT day, segment, stage,
       SUM(CASE WHEN position_in_stage = 1 THEN 1 ELSE 0 END) AS reached,
       COUNT(*) AS interactions,
       COUNT(satisfaction) AS rated_interactions,
       SUM(satisfaction) AS interaction_satisfaction,
       SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS repeats,
       SUM(CASE WHEN is_reidentified THEN 1 ELSE 0 END) AS reidentified,
       SUM(CASE WHEN previous_channel IS NOT NULL AND previous_channel <> channel THEN 1 ELSE 0 END) AS handoffs,
       -- the first and the last of two or more rated interactions of the instance
       SUM(CASE WHEN satisfaction IS NOT NULL AND rated_so_far = 1 AND rated_total >= 2 THEN 1 ELSE 0 END)
           AS decay_instances,
       SUM(CASE WHEN satisfaction IS NOT NULL AND rated_so_far = 1 AND rated_total >= 2 THEN satisfaction END)
           AS first_rated_satisfaction,
       SUM(CASE WHEN satisfaction IS NOT NULL AND rated_so_far = rated_total AND rated_total >= 2 THEN satisfaction END)
           AS last_rated_satisfaction,
       -- the last interaction of an abandoned instance: where it stopped
       SUM(CASE WHEN next_interaction IS NULL AND outcome = %s THEN 1 ELSE 0 END) AS abandoned_here,
       -- the channel mix, counted once per instance (on its first interaction)
       SUM(CASE WHEN previous_channel IS NULL AND used_digital = 1 AND used_assisted = 0 THEN 1 ELSE 0 END)
           AS digital_only,
       SUM(CASE WHEN previous_channel IS NULL AND used_digital = 0 AND used_assisted = 1 THEN 1 ELSE 0 END)
           AS assisted_only,
       SUM(CASE WHEN previous_channel IS NULL AND used_digital = 1 AND used_assisted = 1 THEN 1 ELSE 0 END)
           AS cross_channel
FROM ({rows}) AS interaction_row
GROUP BY day, segment, stage
"""
# The columns of INTERACTION_TOTALS_SQL, in its order.
INTERACTION_TOTAL_FIELDS = (
    "reached",
    *INTERACTION_FIELDS,
    "abandoned_here",
    "digital_only",
    "assisted_only",
    "cross_channel",
)


def _interaction_totals(journey: Journey, start: dt.datetime, end: dt.datetime, *, day) -> list[dict]:
    ordered = {"partition_by": [F("instance_id")], "order_by": [F("occurred_at").asc(), F("id").asc()]}
    whole = {**ordered, "frame": RowRange(start=None, end=None)}
    rows = (
        Interaction.objects.filter(
            instance__journey=journey, instance__started_at__gt=start, instance__started_at__lte=end
        )
        .order_by()
        .values(
            "instance_id",
            "channel",
            "satisfaction",
            is_repeat=F("repeat"),
            is_reidentified=F("reidentified"),
            day=day,
            segment=F("instance__segment"),
            outcome=F("instance__outcome"),
            stage=F("touchpoint__stage_id"),
            previous_channel=Window(Lag("channel"), **ordered),
            next_interaction=Window(Lead("id"), **ordered),
            rated_so_far=Window(Count("satisfaction"), **ordered),
            rated_total=Window(Count("satisfaction"), **whole),
            used_digital=Window(Max(_flag(Q(channel__in=DIGITAL_CHANNELS))), **whole),
            used_assisted=Window(Max(_flag(Q(channel__in=ASSISTED_CHANNELS))), **whole),
            position_in_stage=Window(
                RowNumber(), partition_by=[F("instance_id"), F("touchpoint__stage_id")], order_by=ordered["order_by"]
            ),
        )
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(INTERACTION_TOTALS_SQL.format(rows=rows_sql), (Outcome.ABANDONED, *rows_params))
        fetched = cursor.fetchall()
    return [
        {
            "day": _as_date(day),
            "segment": segment,
            "stage": stage,
            # Sums of sums come back as numeric (Decimal) on PostgreSQL: the figures are integers.
            **{name: int(value or 0) for name, value in zip(INTERACTION_TOTAL_FIELDS, values, strict=True)},
        }
        for day, segment, stage, *values in fetched
    ]


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _as_date(value) -> dt.date:
    """A date from a raw cursor: PostgreSQL gives a date, SQLite its ISO text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _previous_snapshots(journey: Journey, as_of: dt.date) -> dict[str, HealthSnapshot]:
    """The latest snapshot before ``as_of`` of every segment of the journey (one query)."""
    rows = (
        HealthSnapshot.objects.filter(journey=journey, as_of__lt=as_of)
        .annotate(
            recency=Window(RowNumber(), partition_by=[F("segment")], order_by=[F("as_of").desc()]),
        )
        .filter(recency=1)
        .only("id", "segment", "as_of", "score", "alerts")
    )
    return {snapshot.segment: snapshot for snapshot in rows}


@dataclass
class HealthResult:
    """What one recompute wrote: the overall snapshot, the segment snapshots, the alerts that are new."""

    snapshot: HealthSnapshot
    segment_snapshots: list[HealthSnapshot] = field(default_factory=list)
    new_alerts: list[str] = field(default_factory=list)


def journey_health_compute(*, journey: Journey, as_of: dt.date | None = None) -> HealthResult:
    """Compute and store the journey's health as of a day (default: today in the project's time zone).

    Writes the overall snapshot (segment ''), one snapshot per segment with at least
    ``min_sample`` instances in the window, and the overall snapshot's StageHealth rows, all in
    one transaction: readers see the previous figures or the new ones, never a mix. Recomputing
    the same day replaces that day's rows (snapshots of segments that no longer qualify go).
    """
    as_of = as_of or timezone.localdate()
    results = journey_health_backfill(journey=journey, first_as_of=as_of, last_as_of=as_of)
    if results:
        return results[0]
    # Retention removed data of this day's window: its stored figures stand, unchanged.
    stored = {each.segment: each for each in HealthSnapshot.objects.filter(journey=journey, as_of=as_of)}
    if OVERALL not in stored:
        raise ApplicationError(
            f"The data of the health window of {as_of} was removed (retention); it cannot be computed."
        )
    others = [stored[segment] for segment in sorted(stored) if segment != OVERALL]
    return HealthResult(snapshot=stored[OVERALL], segment_snapshots=others, new_alerts=[])


def journey_health_backfill(
    *, journey: Journey, first_as_of: dt.date, last_as_of: dt.date, progress: Callable | None = None
) -> list[HealthResult]:
    """Compute and store the journey's health for every day from ``first_as_of`` to ``last_as_of``.

    The data is read once for the whole range; each day is then stored in its own transaction. Past
    days whose window reaches before what retention removed are left as they are (never recomputed
    from partial data); today is always computed.
    """
    protected_until = first_recomputable_day(journey=journey)
    if protected_until is not None:
        first_as_of = max(first_as_of, min(protected_until, timezone.localdate()))
    if last_as_of < first_as_of:
        return []
    gathered = _gather(journey, first_as_of, last_as_of)
    previous = _previous_snapshots(journey, first_as_of)
    results = []
    as_of = first_as_of
    while as_of <= last_as_of:
        result = _compute_day(journey, as_of, gathered, previous)
        results.append(result)
        # The day just stored is the "previous snapshot" of the next day, segment by segment.
        previous = {**previous, **{each.segment: each for each in [result.snapshot, *result.segment_snapshots]}}
        if progress is not None:
            progress(as_of)
        as_of += dt.timedelta(days=1)
    return results


def _compute_day(
    journey: Journey, as_of: dt.date, gathered: _Gathered, previous: dict[str, HealthSnapshot]
) -> HealthResult:
    start, end = health_window(as_of=as_of, window_days=journey.window_days)
    first_day = as_of - dt.timedelta(days=journey.window_days - 1)
    totals = {key: gathered.populations.window(key, first_day, as_of) for key in gathered.populations.known_keys()}
    segments = sorted(
        segment for segment, row in totals.items() if segment != OVERALL and row["instances"] >= journey.min_sample
    )
    targets = {segment: _Population(**totals.get(segment, {})) for segment in [OVERALL, *segments]}

    segment_sizes = {
        segment: row["instances"] for segment, row in sorted(totals.items()) if segment != OVERALL and row["instances"]
    }

    computed_at = timezone.now()
    snapshots = []
    for segment, population in targets.items():
        values = component_values(population, has_target_duration=journey.target_duration is not None)
        score = overall_score(values)
        previous_snapshot = previous.get(segment)
        snapshot = HealthSnapshot(
            journey=journey,
            segment=segment,
            as_of=as_of,
            computed_at=computed_at,
            window_start=start,
            window_end=end,
            sample_size=population.instances,
            score=score,
            status=health_status(score=score, sample_size=population.instances, min_sample=journey.min_sample),
            channel_mix=_channel_mix(population),
            segment_sizes=segment_sizes if segment == OVERALL else None,
            alerts=raised_alerts(values, score, previous_snapshot.score if previous_snapshot else None),
            **{name: (round(value, VALUE_DECIMALS) if value is not None else None) for name, value in values.items()},
        )
        snapshot.full_clean(exclude=["journey"], validate_unique=False, validate_constraints=False)
        snapshots.append(snapshot)
    stage_rows = []
    for stage_id in gathered.stage_ids:
        stage = gathered.stages.window(stage_id, first_day, as_of)
        stage_rows.append(
            StageHealth(
                stage_id=stage_id,
                reached=stage["reached"],
                abandoned_here=stage["abandoned_here"],
                interactions=stage["interactions"],
                csat=round(stage["satisfaction"] / stage["rated"], VALUE_DECIMALS) if stage["rated"] else None,
            )
        )
    where = health_where.compute_day(
        gathered.where,
        journey=journey,
        as_of=as_of,
        first_day=first_day,
        populations=totals,
        segments=list(targets),
        with_drivers=gathered.where.driver_rows is not None,
    )
    return _store(
        journey=journey, as_of=as_of, snapshots=snapshots, stage_rows=stage_rows, previous=previous, where=where
    )


UPSERT_FIELDS = (
    "computed_at",
    "window_start",
    "window_end",
    "sample_size",
    "score",
    "status",
    "channel_mix",
    "segment_sizes",
    "alerts",
    "updated_at",
    *COMPONENT_NAMES,
)


@transaction.atomic
def _store(
    *,
    journey: Journey,
    as_of: dt.date,
    snapshots: list[HealthSnapshot],
    stage_rows: list[StageHealth],
    previous: dict[str, HealthSnapshot],
    where: health_where.WhereDay,
) -> HealthResult:
    # One recompute of a journey writes at a time: the row lock orders concurrent recomputes.
    Journey.objects.select_for_update().filter(pk=journey.pk).order_by().values_list("pk", flat=True).first()
    existing = {
        snapshot.segment: snapshot
        for snapshot in HealthSnapshot.objects.select_for_update().filter(journey=journey, as_of=as_of)
    }
    # The alerts "before" this recompute: today's earlier figures if any, else the last day's.
    before = existing.get(OVERALL) or previous.get(OVERALL)
    alerts_before = set(before.alerts) if before else set()

    stale = [snapshot.pk for segment, snapshot in existing.items() if segment not in {s.segment for s in snapshots}]
    if stale:
        HealthSnapshot.objects.filter(pk__in=stale).delete()
    to_create = []
    for snapshot in snapshots:
        current = existing.get(snapshot.segment)
        if current is None:
            to_create.append(snapshot)
            continue
        # A plain UPDATE per row: a handful of rows, and far cheaper to build than bulk_update's CASEs.
        snapshot.pk = current.pk
        snapshot.created_at = current.created_at
        snapshot.updated_at = snapshot.computed_at
        HealthSnapshot.objects.filter(pk=current.pk).update(**{name: getattr(snapshot, name) for name in UPSERT_FIELDS})
    HealthSnapshot.objects.bulk_create(to_create)
    overall = snapshots[0]
    if existing.get(OVERALL) is not None:
        StageHealth.objects.filter(snapshot_id=overall.pk).delete()
    for row in stage_rows:
        row.snapshot = overall
    StageHealth.objects.bulk_create(stage_rows)
    health_where.store(where, snapshots=snapshots, replaced=bool(existing))
    new_alerts = [code for code in overall.alerts if code not in alerts_before]
    return HealthResult(snapshot=overall, segment_snapshots=snapshots[1:], new_alerts=new_alerts)


def journey_health_recompute(*, journey: Journey, as_of: dt.date | None = None) -> HealthResult:
    """Compute and store, then tell other apps (after commit) which alerts are new: what the task and command run."""
    result = journey_health_compute(journey=journey, as_of=as_of)
    health_alerts_emit(journey=journey, snapshot=result.snapshot, new_alerts=result.new_alerts)
    transaction.on_commit(
        lambda: health_recomputed.send(
            sender=Journey, journey=journey, snapshot=result.snapshot, new_alerts=result.new_alerts
        )
    )
    return result
