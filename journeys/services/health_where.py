"""Where to act (design section 13): touchpoint health, hand-offs, real paths and key drivers.

Computed by the health recompute (``journeys.services.health``) over the same window and stored
in the same transaction as the snapshots. One reading statement per recompute: the window's
interactions are marked once (a materialised CTE of window functions over each instance in order,
occurred_at then id) and three plain aggregates read it:

- per start day, segment, touchpoint and channel change: the touchpoint and hand-off totals;
- per start day, path and outcome: the instances that took that path (a path is the stage
  positions of an instance's interactions in order, consecutive repeats collapsed, built by an
  ordered string aggregate used as a window function: deterministic on PostgreSQL and SQLite);
- for the key drivers only (the latest day, not a backfill): per rated instance and stage, the
  rated count and satisfaction sum and the repeat, re-identification and hand-off counts.

Like the section 4 engine, the statement returns integer sums and counts; the divisions, the path
figures (back-steps, skips, flow, all derived from the counted paths) and the LMG statistics happen
in Python on those few numbers, so PostgreSQL and SQLite give identical figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import Lag, Lead, RowNumber

from .. import key_drivers
from ..choices import Outcome
from ..health_components import OVERALL, VALUE_DECIMALS
from ..models import (
    HandoffHealth,
    HealthSnapshot,
    Interaction,
    Journey,
    JourneyInstance,
    KeyDrivers,
    PathSummary,
    Stage,
    TouchpointHealth,
)

TOP_PATHS = 10
PATH_SEPARATOR = ">"
MAX_STAGE_PREDICTORS = 9
STAGE_COVERAGE = 0.5  # a stage is a predictor when rated in at least half of the rated instances
CASES_PER_PREDICTOR = 10
COUNT_PREDICTORS = (
    ("repeat_contacts", "Repeat contacts"),
    ("reidentifications", "Re-identifications"),
    ("handoffs", "Channel hand-offs"),
)
QUADRANTS = {
    (True, False): "fix first",
    (True, True): "protect",
    (False, False): "keep at parity",
    (False, True): "possible over-investment",
}

TOUCHPOINT_FIELDS = (
    "interactions",
    "instances",
    "rated",
    "satisfaction",
    "repeats",
    "reidentified",
    "abandoned_after",
    "reached_rated",
    "reached_satisfaction",
)
HANDOFF_FIELDS = ("count", "reidentified", "repeats", "rated_pairs", "satisfaction_change")
PATH_FIELDS = ("instances", "rated", "satisfaction")

WHERE_SQL = """
WITH marked AS MATERIALIZED ({rows}),
touchpoint_totals AS (
    SELECT day, segment, touchpoint_id,
           CASE WHEN previous_channel <> channel THEN previous_channel END AS from_channel, channel,
           COUNT(*) AS interactions,
           SUM(CASE WHEN first_at_touchpoint = 1 THEN 1 ELSE 0 END) AS instances,
           COUNT(satisfaction) AS rated,
           SUM(satisfaction) AS satisfaction,
           SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS repeats,
           SUM(CASE WHEN is_reidentified THEN 1 ELSE 0 END) AS reidentified,
           SUM(CASE WHEN next_interaction IS NULL AND outcome = %s THEN 1 ELSE 0 END) AS abandoned_after,
           SUM(CASE WHEN first_at_touchpoint = 1 AND instance_satisfaction IS NOT NULL THEN 1 ELSE 0 END)
               AS reached_rated,
           SUM(CASE WHEN first_at_touchpoint = 1 THEN instance_satisfaction END) AS reached_satisfaction,
           SUM(CASE WHEN satisfaction IS NOT NULL AND previous_satisfaction IS NOT NULL THEN 1 ELSE 0 END)
               AS rated_pairs,
           SUM(CASE WHEN satisfaction IS NOT NULL AND previous_satisfaction IS NOT NULL
                    THEN satisfaction - previous_satisfaction END) AS satisfaction_change
    FROM marked
    GROUP BY day, segment, touchpoint_id, CASE WHEN previous_channel <> channel THEN previous_channel END, channel
),
steps AS (
    SELECT day, outcome, instance_satisfaction,
           {path_aggregate}(CAST(stage_position AS TEXT), '{separator}') OVER (
               PARTITION BY instance_id ORDER BY occurred_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
           ) AS path,
           ROW_NUMBER() OVER (PARTITION BY instance_id ORDER BY occurred_at, id) AS step
    FROM marked
    WHERE previous_position IS NULL OR previous_position <> stage_position
),
path_totals AS (
    SELECT day, path, outcome, COUNT(*) AS instances, COUNT(instance_satisfaction) AS rated,
           SUM(instance_satisfaction) AS satisfaction
    FROM steps WHERE step = 1
    GROUP BY day, path, outcome
)
SELECT 't', day, segment, touchpoint_id, from_channel, channel, CAST(NULL AS TEXT), CAST(NULL AS TEXT),
       interactions, instances, rated, satisfaction, repeats, reidentified, abandoned_after, reached_rated,
       reached_satisfaction, rated_pairs, satisfaction_change
FROM touchpoint_totals
UNION ALL
SELECT 'p', day, NULL, NULL, NULL, NULL, path, outcome, instances, rated, satisfaction, 0, 0, 0, 0, 0, 0, 0, 0
FROM path_totals
{driver_rows}
"""
# Only for the key drivers: per rated instance and stage (instance id in the touchpoint column,
# its satisfaction and the stage position in the first two figures).
DRIVER_ROWS_SQL = """
UNION ALL
SELECT 'd', day, NULL, instance_id, NULL, NULL, NULL, NULL,
       MAX(instance_satisfaction), stage_position, COUNT(satisfaction), SUM(satisfaction),
       SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END), SUM(CASE WHEN is_reidentified THEN 1 ELSE 0 END),
       SUM(CASE WHEN previous_channel IS NOT NULL AND previous_channel <> channel THEN 1 ELSE 0 END), 0, 0, 0, 0
FROM marked
WHERE instance_satisfaction IS NOT NULL
GROUP BY day, instance_id, stage_position
"""


class _Daily:
    """Per key, integer totals per local start day, summed over any run of days."""

    def __init__(self, first_day: dt.date, fields: tuple[str, ...]):
        self.first_day = first_day
        self.fields = fields
        self.days: dict = {}

    def add(self, key, day: dt.date, values) -> None:
        per_day = self.days.setdefault(key, {})
        current = per_day.get(day)
        values = [int(value or 0) for value in values]
        per_day[day] = values if current is None else [a + b for a, b in zip(current, values, strict=True)]

    def window(self, first: dt.date, last: dt.date) -> dict:
        """{key: {field: total}} over the days first..last, for the keys seen in those days."""
        result = {}
        for key, per_day in self.days.items():
            totals = [0] * len(self.fields)
            seen = False
            for day, values in per_day.items():
                if first <= day <= last:
                    seen = True
                    totals = [a + b for a, b in zip(totals, values, strict=True)]
            if seen:
                result[key] = dict(zip(self.fields, totals, strict=True))
        return result


@dataclass
class WhereGathered:
    touchpoints: _Daily
    handoffs: _Daily
    paths: _Daily
    stages: dict[int, str]  # position -> name
    driver_rows: list[tuple] | None = None  # (instance_id, satisfaction, {position: (rated, sum)}, counts)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def gather(
    journey: Journey, *, start: dt.datetime, end: dt.datetime, first_day: dt.date, day, with_drivers: bool
) -> WhereGathered:
    """One reading statement (and, for the key drivers, one for rated instances without interactions)."""
    ordered = {"partition_by": [F("instance_id")], "order_by": [F("occurred_at").asc(), F("id").asc()]}
    rows = (
        Interaction.objects.filter(
            instance__journey=journey, instance__started_at__gt=start, instance__started_at__lte=end
        )
        .order_by()
        .values(
            "id",
            "instance_id",
            "occurred_at",
            "channel",
            "satisfaction",
            "touchpoint_id",
            is_repeat=F("repeat"),
            is_reidentified=F("reidentified"),
            day=day,
            segment=F("instance__segment"),
            outcome=F("instance__outcome"),
            instance_satisfaction=F("instance__satisfaction"),
            stage_position=F("touchpoint__stage__position"),
            previous_channel=Window(Lag("channel"), **ordered),
            previous_satisfaction=Window(Lag("satisfaction"), **ordered),
            previous_position=Window(Lag("touchpoint__stage__position"), **ordered),
            next_interaction=Window(Lead("id"), **ordered),
            first_at_touchpoint=Window(
                RowNumber(), partition_by=[F("instance_id"), F("touchpoint_id")], order_by=ordered["order_by"]
            ),
        )
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = WHERE_SQL.format(
        rows=rows_sql,
        path_aggregate="string_agg" if connection.vendor == "postgresql" else "group_concat",
        separator=PATH_SEPARATOR,
        driver_rows=DRIVER_ROWS_SQL if with_drivers else "",
    )
    touchpoints = _Daily(first_day, TOUCHPOINT_FIELDS)
    handoffs = _Daily(first_day, HANDOFF_FIELDS)
    paths = _Daily(first_day, PATH_FIELDS)
    per_instance: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*rows_params, Outcome.ABANDONED))
        fetched = cursor.fetchall()
    for kind, row_day, segment, reference, from_channel, channel, path, outcome, *figures in fetched:
        if kind == "t":
            row_day = _as_date(row_day)
            values = figures[: len(TOUCHPOINT_FIELDS)]
            touchpoints.add((OVERALL, reference), row_day, values)
            if segment != OVERALL:
                touchpoints.add((segment, reference), row_day, values)
            if from_channel is not None:
                # interactions, reidentified, repeats, rated pairs, satisfaction change of the arriving interaction
                handoffs.add(
                    (from_channel, channel), row_day, (figures[0], figures[5], figures[4], figures[9], figures[10])
                )
        elif kind == "p":
            paths.add((path, outcome), _as_date(row_day), figures[: len(PATH_FIELDS)])
        else:
            satisfaction, position, rated, total, repeats, reidentified, changes = (int(v or 0) for v in figures[:7])
            entry = per_instance.setdefault(reference, [satisfaction, {}, [0, 0, 0]])
            entry[1][position] = (rated, total)
            entry[2] = [entry[2][0] + repeats, entry[2][1] + reidentified, entry[2][2] + changes]
    driver_rows = None
    if with_drivers:
        # Rated instances with no interaction at all are rows of the model too (zero counts, no stage rating).
        silent = JourneyInstance.objects.filter(
            journey=journey, started_at__gt=start, started_at__lte=end, satisfaction__isnull=False
        ).filter(~Exists(Interaction.objects.filter(instance_id=OuterRef("pk"))))
        for instance_id, satisfaction in silent.values_list("id", "satisfaction"):
            per_instance[instance_id] = [satisfaction, {}, [0, 0, 0]]
        # Sorted by id: the bootstrap resamples rows by index, so the order must not depend on the database.
        driver_rows = [(key, *per_instance[key]) for key in sorted(per_instance)]
    stages = dict(Stage.objects.filter(journey=journey).order_by("position").values_list("position", "name"))
    return WhereGathered(
        touchpoints=touchpoints, handoffs=handoffs, paths=paths, stages=stages, driver_rows=driver_rows
    )


# --- the figures of one day ------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, VALUE_DECIMALS) if denominator else None


@dataclass
class WhereDay:
    touchpoints: dict[str, list[TouchpointHealth]] = field(default_factory=dict)  # segment -> rows
    handoffs: list[HandoffHealth] = field(default_factory=list)
    paths: PathSummary | None = None
    drivers: KeyDrivers | None = None


def compute_day(
    gathered: WhereGathered,
    *,
    journey: Journey,
    as_of: dt.date,
    first_day: dt.date,
    populations: dict[str, dict],
    segments: list[str],
    with_drivers: bool,
) -> WhereDay:
    """Every figure of section 13 for the window first_day..as_of; ``populations`` are section 4's totals."""
    day = WhereDay()
    touchpoint_totals = gathered.touchpoints.window(first_day, as_of)
    for segment in segments:
        population = populations.get(segment, {})
        rows = []
        for (row_segment, touchpoint_id), totals in sorted(touchpoint_totals.items(), key=lambda item: item[0][1]):
            if row_segment != segment:
                continue
            not_reached_rated = population.get("rated_instances", 0) - totals["reached_rated"]
            not_reached_satisfaction = population.get("instance_satisfaction", 0) - totals["reached_satisfaction"]
            rows.append(
                TouchpointHealth(
                    touchpoint_id=touchpoint_id,
                    interactions=totals["interactions"],
                    instances=totals["instances"],
                    reach=_ratio(totals["instances"], population.get("instances", 0)) or 0.0,
                    csat=_ratio(totals["satisfaction"], totals["rated"]),
                    repeat_rate=_ratio(totals["repeats"], totals["interactions"]) or 0.0,
                    reidentification_rate=_ratio(totals["reidentified"], totals["interactions"]) or 0.0,
                    abandoned_after=totals["abandoned_after"],
                    journey_csat_reached=_ratio(totals["reached_satisfaction"], totals["reached_rated"]),
                    journey_csat_not_reached=_ratio(not_reached_satisfaction, not_reached_rated),
                )
            )
        day.touchpoints[segment] = rows
    for (from_channel, to_channel), totals in sorted(gathered.handoffs.window(first_day, as_of).items()):
        day.handoffs.append(
            HandoffHealth(
                from_channel=from_channel,
                to_channel=to_channel,
                count=totals["count"],
                reidentification_rate=_ratio(totals["reidentified"], totals["count"]) or 0.0,
                repeat_rate=_ratio(totals["repeats"], totals["count"]) or 0.0,
                satisfaction_change=_ratio(totals["satisfaction_change"], totals["rated_pairs"]),
            )
        )
    day.paths = path_summary(gathered.paths.window(first_day, as_of), gathered.stages)
    if with_drivers and gathered.driver_rows is not None:
        day.drivers = drivers_figures(
            gathered.driver_rows, stages=gathered.stages, journey=journey, as_of=as_of, min_sample=journey.min_sample
        )
    return day


def _steps(path: str) -> list[int]:
    return [int(step) for step in path.split(PATH_SEPARATOR)]


def _back_steps(steps: list[int]) -> int:
    return sum(1 for before, after in zip(steps, steps[1:], strict=False) if after < before)


def path_summary(counted: dict[tuple[str, str], dict], stages: dict[int, str]) -> PathSummary:
    """In-order rate, back-steps, skip rate per stage, top paths and the directly-follows flow."""
    with_path = sum(totals["instances"] for totals in counted.values())
    in_order = back_steps = completed = 0
    reached_completed = dict.fromkeys(stages, 0)
    by_path: dict[str, dict] = {}
    flow: dict[tuple[str, str], int] = {}
    for (path, outcome), totals in counted.items():
        steps = _steps(path)
        count = totals["instances"]
        back = _back_steps(steps)
        back_steps += back * count
        in_order += count if back == 0 else 0
        if outcome == Outcome.COMPLETED:
            completed += count
            for position in set(steps):
                if position in reached_completed:
                    reached_completed[position] += count
        entry = by_path.setdefault(path, {"instances": 0, "rated": 0, "satisfaction": 0, "completed": 0, "ended": 0})
        entry["instances"] += count
        entry["rated"] += totals["rated"]
        entry["satisfaction"] += totals["satisfaction"]
        if outcome in (Outcome.COMPLETED, Outcome.ABANDONED):
            entry["ended"] += count
            entry["completed"] += count if outcome == Outcome.COMPLETED else 0
        nodes = ["start", *(f"stage:{step}" for step in steps), outcome]
        for source, target in zip(nodes, nodes[1:], strict=False):
            flow[(source, target)] = flow.get((source, target), 0) + count

    def names(path: str) -> list[str]:
        return [stages.get(step, f"stage {step}") for step in _steps(path)]

    ranked = sorted(by_path.items(), key=lambda item: (-item[1]["instances"], " > ".join(names(item[0]))))
    top_paths = [
        {
            "stages": names(path),
            "positions": _steps(path),
            "instances": entry["instances"],
            "share": _ratio(entry["instances"], with_path),
            "journey_csat": _ratio(entry["satisfaction"], entry["rated"]),
            "completion_rate": _ratio(entry["completed"], entry["ended"]),
            "back_steps": _back_steps(_steps(path)),
        }
        for path, entry in ranked[:TOP_PATHS]
    ]
    return PathSummary(
        instances_with_path=with_path,
        in_order_rate=_ratio(in_order, with_path),
        back_steps_per_instance=_ratio(back_steps, with_path),
        skip_rates=[
            {
                "position": position,
                "name": name,
                "skip_rate": _ratio(completed - reached_completed[position], completed),
            }
            for position, name in stages.items()
        ],
        top_paths=top_paths,
        flow=[
            {"source": source, "target": target, "count": count}
            for (source, target), count in sorted(flow.items(), key=lambda item: (-item[1], item[0]))
        ],
    )


def drivers_figures(
    rows: list[tuple], *, stages: dict[int, str], journey: Journey, as_of: dt.date, min_sample: int
) -> KeyDrivers:
    """LMG importance of the stage satisfactions and effort counts for the journey's satisfaction (section 13)."""
    rated_instances = len(rows)
    coverage = {
        position: sum(1 for _, _, by_stage, _ in rows if by_stage.get(position, (0, 0))[0] > 0) for position in stages
    }
    covered = [
        position
        for position in sorted(stages, key=lambda position: (-coverage[position], position))
        if rated_instances and coverage[position] / rated_instances >= STAGE_COVERAGE
    ][:MAX_STAGE_PREDICTORS]
    covered.sort()
    candidates = [(f"stage:{position}", stages[position], position) for position in covered] + [
        (name, label, None) for name, label in COUNT_PREDICTORS
    ]
    complete = [row for row in rows if all(row[2].get(position, (0, 0))[0] > 0 for position in covered)]
    y = np.array([row[1] for row in complete], dtype=float)
    columns = []
    for _, _, position in candidates:
        if position is not None:
            columns.append([row[2][position][1] / row[2][position][0] for row in complete])
    for index in range(len(COUNT_PREDICTORS)):
        columns.append([row[3][index] for row in complete])
    x = np.array(columns, dtype=float).T if complete else np.zeros((0, len(candidates)))
    kept = [index for index in range(len(candidates)) if complete and np.ptp(x[:, index]) > 0]
    needed = max(min_sample, CASES_PER_PREDICTOR * len(kept or candidates))
    drivers = KeyDrivers(rated_instances=rated_instances, complete_cases=len(complete), needed_cases=needed)
    if not kept or len(complete) < needed or np.ptp(y) == 0:
        return drivers
    x = x[:, kept]
    figures = key_drivers.lmg(x, y, seed=[journey.pk, as_of.toordinal()])
    performance = x.mean(axis=0)
    predictors = []
    for column, index in enumerate(kept):
        name, label, position = candidates[index]
        importance = float(figures.importance[column])
        predictors.append(
            {
                "name": name,
                "label": label,
                "stage_position": position,
                "importance": round(importance, VALUE_DECIMALS),
                "share": round(importance / figures.r_squared, VALUE_DECIMALS) if figures.r_squared > 0 else None,
                "coefficient": round(float(figures.coefficients[column]), VALUE_DECIMALS),
                "performance": round(float(performance[column]), VALUE_DECIMALS),
                "ci_low": round(float(figures.ci_low[column]), VALUE_DECIMALS),
                "ci_high": round(float(figures.ci_high[column]), VALUE_DECIMALS),
                "quadrant": None,
            }
        )
    stage_predictors = [predictor for predictor in predictors if predictor["stage_position"] is not None]
    if stage_predictors:
        mean_importance = sum(p["importance"] for p in stage_predictors) / len(stage_predictors)
        mean_performance = sum(p["performance"] for p in stage_predictors) / len(stage_predictors)
        for predictor in stage_predictors:
            high = predictor["importance"] > mean_importance
            performing = predictor["performance"] >= mean_performance
            predictor["quadrant"] = QUADRANTS[(high, performing)]
    drivers.r_squared = round(figures.r_squared, VALUE_DECIMALS)
    drivers.predictors = predictors
    return drivers


# --- storing, inside the recompute's transaction -------------------------------------------------


def store(day: WhereDay, *, snapshots: list[HealthSnapshot], replaced: bool) -> None:
    """Replace the section 13 rows of the day's snapshots (called by the health engine's atomic store)."""
    by_segment = {snapshot.segment: snapshot for snapshot in snapshots}
    overall = by_segment[OVERALL]
    if replaced:
        ids = [snapshot.pk for snapshot in snapshots]
        TouchpointHealth.objects.filter(snapshot_id__in=ids).delete()
        HandoffHealth.objects.filter(snapshot_id=overall.pk).delete()
        PathSummary.objects.filter(snapshot_id=overall.pk).delete()
        if day.drivers is not None:
            KeyDrivers.objects.filter(snapshot_id=overall.pk).delete()
    touchpoint_rows = []
    for segment, rows in day.touchpoints.items():
        for row in rows:
            row.snapshot = by_segment[segment]
            touchpoint_rows.append(row)
    TouchpointHealth.objects.bulk_create(touchpoint_rows)
    for row in day.handoffs:
        row.snapshot = overall
    HandoffHealth.objects.bulk_create(day.handoffs)
    if day.paths is not None:
        day.paths.snapshot = overall
        day.paths.save()
    if day.drivers is not None:
        day.drivers.snapshot = overall
        day.drivers.save()
