"""Did it work: an initiative's impact with inference (design section 14).

Periods are read from instances, not snapshots: before = the ``m`` local days before the start date,
after = the ``m`` local days after delivery (m = measurement_days). Every component is a ratio of
per-instance sums (``journeys.health_components.PopulationTotals``), so the database returns, per
group and period, each distinct per-instance tuple of the sums the component needs with how many
instances share it. A bootstrap resample of instances is then a count per distinct tuple (a
multinomial draw: exactly the same law as drawing instances with replacement) and its totals a
matrix product; when the tuples are too many to draw a multinomial cheaply, instances are drawn by
index in chunks and counted. The cost grows with the resamples times the distinct tuples, not times
the instances, for the components a few levels describe (satisfaction, rates per instance).

The effect is (after - before) of the target minus (after - before) of the comparison when one is
set (difference in differences). The 95% percentile interval comes from 1,000 resamples within each
group and period, seeded from the initiative id, so a rerun and every database give the same figures.
The minimum detectable effect is 2.8 standard errors of the effect (80% power, 5% two-sided), the
standard error from the before period by the delta method (normal approximation), the after period
assumed alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, Lag

from journeys.choices import Outcome
from journeys.health_components import COMPONENTS, SCORE_NAME, component
from journeys.models import Interaction, JourneyInstance
from journeys.services.health import health_window

RESAMPLES = 1_000
CONFIDENCE = 0.95
# 2.8 = z(0.975) + z(0.80): a two-sided 5% test with 80% power, by the normal approximation.
MDE_MULTIPLIER = 2.8
# Up to this many distinct per-instance tuples a multinomial draw of counts is cheaper than drawing instances.
MULTINOMIAL_MAX_LEVELS = 4_096
INDEX_DRAW_CHUNK = 8  # small chunks keep the count matrices in cache

# The per-instance sums, in PopulationTotals' names.
INSTANCE_SUMS = ("rated_instances", "instance_satisfaction", "completed", "abandoned", "on_time")
INTERACTION_SUMS = (
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
# What each measure needs ("instances" is the count of the tuple itself).
NEEDS: dict[str, tuple[str, ...]] = {
    "journey_csat": ("rated_instances", "instance_satisfaction"),
    "touchpoint_csat": ("rated_interactions", "interaction_satisfaction"),
    "csat_gap": ("rated_instances", "instance_satisfaction", "rated_interactions", "interaction_satisfaction"),
    "completion_rate": ("completed", "abandoned"),
    "on_time_rate": ("completed", "on_time"),
    "contacts_per_instance": ("instances", "interactions"),
    "repeat_rate": ("interactions", "repeats"),
    "reidentification_rate": ("interactions", "reidentified"),
    "handoffs_per_instance": ("instances", "handoffs"),
    "satisfaction_decay": ("decay_instances", "first_rated_satisfaction", "last_rated_satisfaction"),
    SCORE_NAME: ("instances", *INSTANCE_SUMS, *INTERACTION_SUMS),
}
_WINDOWED = {"handoffs", "decay_instances", "first_rated_satisfaction", "last_rated_satisfaction"}


# --- the numbers of one group and period ----------------------------------------------------------


@dataclass
class Sample:
    """The distinct per-instance tuples of one group over one period and how many instances share each."""

    fields: tuple[str, ...]
    values: np.ndarray  # K x F integers
    counts: np.ndarray  # K

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def totals(self) -> dict[str, np.ndarray]:
        """The population totals, as 0-d arrays."""
        summed = self.counts.astype(np.float64) @ self.values.astype(np.float64)
        return _as_totals(self.fields, summed[None, :], self.counts.sum(keepdims=True).astype(np.float64))


def _as_totals(fields, summed: np.ndarray, instances: np.ndarray) -> dict[str, np.ndarray]:
    totals = {name: summed[:, i] for i, name in enumerate(fields) if name != "instances"}
    totals["instances"] = instances
    return totals


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def read_sample(*, where: Q, start: dt.datetime, end: dt.datetime, measure: str) -> Sample:
    """One set-based query: the distinct tuples of per-instance sums the measure needs, with their counts."""
    needed = NEEDS[measure]
    fields = tuple(name for name in needed if name != "instances")
    instance_filter = where & Q(started_at__gt=start, started_at__lte=end)
    instances = (
        JourneyInstance.objects.filter(instance_filter)
        .alias(duration=ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField()))
        .order_by()
        .annotate(
            m_rated_instances=_flag(Q(satisfaction__isnull=False)),
            m_instance_satisfaction=Coalesce("satisfaction", 0),
            m_completed=_flag(Q(outcome=Outcome.COMPLETED)),
            m_abandoned=_flag(Q(outcome=Outcome.ABANDONED)),
        )
    )
    selected = ["id", *(f"m_{name}" for name in fields if name in INSTANCE_SUMS and name != "on_time")]
    if "on_time" in fields:
        instances = instances.annotate(
            m_on_time=_flag(Q(outcome=Outcome.COMPLETED, duration__lte=F("journey__target_duration")))
        )
        selected.append("m_on_time")
    instance_sql, instance_params = instances.values(*selected).query.sql_with_params()
    columns = [f"inst.m_{name}" if name in INSTANCE_SUMS else f"COALESCE(x.{name}, 0)" for name in fields]
    interaction_fields = [name for name in fields if name in INTERACTION_SUMS]
    params = list(instance_params)
    source = f"({instance_sql}) inst"
    if interaction_fields:
        windowed = bool(_WINDOWED & set(interaction_fields))
        per_instance_sql, per_instance_params = _per_instance_interactions(instance_filter, windowed=windowed)
        source += f" LEFT JOIN ({per_instance_sql}) x ON x.instance_id = inst.id"
        params += per_instance_params
    names = [f"c{i}" for i in range(len(fields))]
    inner = ", ".join(f"{column} AS {name}" for column, name in zip(columns, names, strict=True))
    group = ", ".join(names)
    # Column names come from the fixed lists above; every value is a parameter.
    sql = f"SELECT {group}, COUNT(*) FROM (SELECT {inner} FROM {source}) t GROUP BY {group}"  # noqa: S608
    # Every column is an integer that is never NULL (COALESCE, CASE, COUNT): straight into an array.
    array = np.array(_fetch_all(sql, params), dtype=np.int64).reshape(-1, len(fields) + 1)
    # Tuples in ascending order (first column first), so row order and database do not matter.
    array = array[np.lexsort(array[:, :-1].T[::-1])] if len(array) else array
    return Sample(fields, array[:, :-1], array[:, -1])


# PostgreSQL, for this one query: no JIT (compiling it costs 0.15-0.3 s, more than it saves on a
# few hundred thousand rows) and sorts and hashes in memory (4 MB spills the window's sort to disk).
# Measured at scale 1: 15% less execution time. Restored afterwards, so a caller's transaction keeps its own.
POSTGRESQL_SETTINGS = {"jit": "off", "work_mem": "32MB"}


def _fetch_all(sql: str, params: list) -> list[tuple]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    names = list(POSTGRESQL_SETTINGS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        previous = cursor.fetchone()
        for name in names:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, POSTGRESQL_SETTINGS[name]])
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        for name, value in zip(names, previous, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return rows


PER_INSTANCE_SQL = """
SELECT instance_id,
       COUNT(*) AS interactions,
       COUNT(satisfaction) AS rated_interactions,
       COALESCE(SUM(satisfaction), 0) AS interaction_satisfaction,
       SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS repeats,
       SUM(CASE WHEN is_reidentified THEN 1 ELSE 0 END) AS reidentified,
       {windowed}
FROM ({rows}) r
GROUP BY instance_id
"""
# One window (the previous channel and the running count of rated interactions share it): the
# instance's rated total is its group's COUNT(satisfaction), and the last rated interaction is the
# rated row with the largest running count, so MAX(running count x 65,536 + satisfaction) minus
# the total x 65,536 is its satisfaction (a smallint of at least 0, by the check constraint).
WINDOWED_COLUMNS = """
       SUM(CASE WHEN previous_channel IS NOT NULL AND previous_channel <> channel THEN 1 ELSE 0 END) AS handoffs,
       CASE WHEN COUNT(satisfaction) >= 2 THEN 1 ELSE 0 END AS decay_instances,
       CASE WHEN COUNT(satisfaction) >= 2
           THEN SUM(CASE WHEN satisfaction IS NOT NULL AND rated_so_far = 1 THEN satisfaction ELSE 0 END)
           ELSE 0 END AS first_rated_satisfaction,
       CASE WHEN COUNT(satisfaction) >= 2
           THEN MAX(CASE WHEN satisfaction IS NOT NULL THEN rated_so_far * 65536 + satisfaction END)
                - COUNT(satisfaction) * 65536
           ELSE 0 END AS last_rated_satisfaction
"""
PLAIN_COLUMNS = "0 AS handoffs, 0 AS decay_instances, 0 AS first_rated_satisfaction, 0 AS last_rated_satisfaction"


def _per_instance_interactions(instance_filter: Q, *, windowed: bool) -> tuple[str, list]:
    """Per instance of the group and period, the sums of its interactions (the same rules as the engine)."""
    prefixed = _prefix(instance_filter, "instance__")
    rows = Interaction.objects.filter(prefixed).order_by()
    values = {"is_repeat": F("repeat"), "is_reidentified": F("reidentified")}
    if windowed:
        ordered = {"partition_by": [F("instance_id")], "order_by": [F("occurred_at").asc(), F("id").asc()]}
        values |= {
            "previous_channel": Window(Lag("channel"), **ordered),
            "rated_so_far": Window(Count("satisfaction"), **ordered),
        }
    rows_sql, rows_params = rows.values("instance_id", "channel", "satisfaction", **values).query.sql_with_params()
    sql = PER_INSTANCE_SQL.format(rows=rows_sql, windowed=WINDOWED_COLUMNS if windowed else PLAIN_COLUMNS)
    return sql, list(rows_params)


def _prefix(condition: Q, prefix: str) -> Q:
    """The same condition on a related model (``journey_id`` -> ``instance__journey_id``)."""
    prefixed = Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            prefixed.children.append(_prefix(child, prefix))
        else:
            lookup, value = child
            prefixed.children.append((prefix + lookup, value))
    return prefixed


# --- values of a measure from totals, vectorised over resamples -----------------------------------


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def measure_values(measure: str, totals: dict[str, np.ndarray], *, has_target_duration: bool) -> np.ndarray:
    """The measure's value for each row of totals (NaN without data): section 4's definitions."""
    t = totals

    def value(name: str) -> np.ndarray:
        if name == "journey_csat":
            return _ratio(t["instance_satisfaction"], t["rated_instances"])
        if name == "touchpoint_csat":
            return _ratio(t["interaction_satisfaction"], t["rated_interactions"])
        if name == "csat_gap":
            return value("touchpoint_csat") - value("journey_csat")
        if name == "completion_rate":
            return _ratio(t["completed"], t["completed"] + t["abandoned"])
        if name == "on_time_rate":
            ratio = _ratio(t["on_time"], t["completed"])
            return ratio if has_target_duration else np.full_like(ratio, np.nan)
        if name == "contacts_per_instance":
            return _ratio(t["interactions"], t["instances"])
        if name == "repeat_rate":
            return _ratio(t["repeats"], t["interactions"])
        if name == "reidentification_rate":
            return _ratio(t["reidentified"], t["interactions"])
        if name == "handoffs_per_instance":
            return _ratio(t["handoffs"], t["instances"])
        if name == "satisfaction_decay":
            first = t["first_rated_satisfaction"]
            return _ratio(first - t["last_rated_satisfaction"], np.where(t["decay_instances"] > 0, first, 0))
        raise KeyError(name)

    if measure != SCORE_NAME:
        return value(measure)
    weighted = np.zeros_like(t["instances"], dtype=np.float64)
    weights = np.zeros_like(weighted)
    for part in COMPONENTS:
        if part.weight is None:
            continue
        raw = value(part.name)
        scored = np.vectorize(part.scorer, otypes=[np.float64])(np.nan_to_num(raw)) if raw.size else raw
        present = ~np.isnan(raw)
        weighted += np.where(present, part.weight * scored, 0.0)
        weights += np.where(present, part.weight, 0.0)
    return _ratio(weighted, weights)


# --- resampling -----------------------------------------------------------------------------------


def resampled_totals(sample: Sample, rng: np.random.Generator, reps: int = RESAMPLES) -> dict[str, np.ndarray]:
    """Totals of ``reps`` resamples of the sample's instances with replacement (reps x fields)."""
    k, n = len(sample.counts), sample.n
    values = sample.values.astype(np.float64)
    if n == 0:
        return _as_totals(sample.fields, np.zeros((reps, len(sample.fields))), np.zeros(reps))
    if k <= MULTINOMIAL_MAX_LEVELS:
        draws = rng.multinomial(n, sample.counts / n, size=reps).astype(np.float64)
        summed = draws @ values
    else:
        # Instance i (in the order of the tuples) has the tuple's values: a draw counts instances
        # directly and one matrix product per chunk sums their values. The totals are sums of
        # integers, exact in float64 whatever the order of the additions.
        values_of_instance = np.repeat(values, sample.counts, axis=0)
        offsets = (np.arange(INDEX_DRAW_CHUNK, dtype=np.int64) * n)[:, None]
        summed = np.empty((reps, values.shape[1]))
        for first in range(0, reps, INDEX_DRAW_CHUNK):
            size = min(INDEX_DRAW_CHUNK, reps - first)
            picked = rng.integers(0, n, size=(size, n), dtype=np.int32) + offsets[:size]
            weights = np.bincount(picked.ravel(), minlength=size * n).reshape(size, n)
            summed[first : first + size] = weights.astype(np.float64) @ values_of_instance
    return _as_totals(sample.fields, summed, np.full(reps, float(n)))


def standard_error(sample: Sample, measure: str, *, has_target_duration: bool) -> float | None:
    """The standard error of the measure over the sample by the delta method (normal approximation).

    The measure is a function f of the per-instance means; its variance is g' S g / n with g the
    gradient of f at the means and S the per-instance covariance (n - 1 in the denominator). For a
    plain ratio R = sum(y) / sum(x) that is sum((y - R x)^2) / ((n - 1) n mean(x)^2).
    """
    n = sample.n
    if n < 2:
        return None
    values = sample.values.astype(np.float64)
    counts = sample.counts.astype(np.float64)
    means = counts @ values / n

    def f(vector: np.ndarray) -> np.ndarray:
        return measure_values(
            measure, _as_totals(sample.fields, vector, np.ones(len(vector))), has_target_duration=has_target_duration
        )

    if np.isnan(f(means[None, :]))[0]:
        return None
    steps = 1e-6 * np.maximum(np.abs(means), 1.0)
    shifted = np.concatenate([means + np.diag(steps), means - np.diag(steps)])
    evaluated = f(shifted)
    gradient = (evaluated[: len(means)] - evaluated[len(means) :]) / (2 * steps)
    gradient = np.nan_to_num(gradient)
    linear = values @ gradient
    centred = linear - (counts @ linear) / n
    variance = (counts @ centred**2) / (n - 1) / n
    if not variance > 1e-15:
        # No spread at all (a handful of identical journeys): the approximation has nothing to go on.
        return None
    return float(np.sqrt(variance))


# --- the whole measurement ------------------------------------------------------------------------


@dataclass
class Period:
    first_day: dt.date
    last_day: dt.date


def periods_of(*, start_date: dt.date, delivered_on: dt.date | None, days: int) -> tuple[Period, Period | None]:
    before = Period(start_date - dt.timedelta(days=days), start_date - dt.timedelta(days=1))
    after = (
        Period(delivered_on + dt.timedelta(days=1), delivered_on + dt.timedelta(days=days)) if delivered_on else None
    )
    return before, after


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    days = (period.last_day - period.first_day).days + 1
    return health_window(as_of=period.last_day, window_days=days)


@dataclass
class Groups:
    """Which instances count: the target (the journey or its chosen segments) and the optional comparison."""

    target: Q
    comparison: Q | None
    has_target_duration: bool


@dataclass
class Measurement:
    measure: str
    before: float | None
    after: float | None
    before_n: int
    after_n: int
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str | None
    mde: float | None
    comparison_before: float | None = None
    comparison_after: float | None = None
    comparison_before_n: int | None = None
    comparison_after_n: int | None = None
    comparison_change: float | None = None
    samples: dict = field(default_factory=dict, repr=False)

    @property
    def target_change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _value(sample: Sample, measure: str, groups: Groups) -> float | None:
    value = float(measure_values(measure, sample.totals(), has_target_duration=groups.has_target_duration)[0])
    return None if np.isnan(value) else value


def verdict_of(measure: str, ci_low: float, ci_high: float) -> str:
    lower_is_better = component(measure).lower_is_better
    if (ci_high < 0) if lower_is_better else (ci_low > 0):
        return "improved"
    if (ci_low > 0) if lower_is_better else (ci_high < 0):
        return "worsened"
    return "inconclusive"


def minimum_detectable_effect(
    *, measure: str, groups: Groups, before: Period, target: Sample | None = None, comparison: Sample | None = None
) -> float | None:
    """2.8 x the standard error of the effect, from the before period (after assumed alike)."""
    start, end = _bounds(before)
    target = target or read_sample(where=groups.target, start=start, end=end, measure=measure)
    error = standard_error(target, measure, has_target_duration=groups.has_target_duration)
    if error is None:
        return None
    variance = 2 * error**2
    if groups.comparison is not None:
        comparison = comparison or read_sample(where=groups.comparison, start=start, end=end, measure=measure)
        comparison_error = standard_error(comparison, measure, has_target_duration=groups.has_target_duration)
        if comparison_error is None:
            return None
        variance += 2 * comparison_error**2
    return MDE_MULTIPLIER * float(np.sqrt(variance))


def measure_impact(*, measure: str, groups: Groups, before: Period, after: Period, seed: int) -> Measurement:
    """The effect, its interval, the verdict and the MDE of one initiative's periods."""
    rng = np.random.default_rng(seed)
    read = {}
    for group_name, where in (("target", groups.target), ("comparison", groups.comparison)):
        if where is None:
            continue
        for period_name, period in (("before", before), ("after", after)):
            start, end = _bounds(period)
            read[group_name, period_name] = read_sample(where=where, start=start, end=end, measure=measure)
    target_before, target_after = read["target", "before"], read["target", "after"]
    before_value, after_value = _value(target_before, measure, groups), _value(target_after, measure, groups)
    result = Measurement(
        measure=measure,
        before=before_value,
        after=after_value,
        before_n=target_before.n,
        after_n=target_after.n,
        effect=None,
        ci_low=None,
        ci_high=None,
        verdict=None,
        mde=minimum_detectable_effect(
            measure=measure,
            groups=groups,
            before=before,
            target=target_before,
            comparison=read.get(("comparison", "before")),
        ),
        samples=read,
    )
    if before_value is None or after_value is None:
        return result
    effect = after_value - before_value
    # The resamples are drawn in a fixed order (target before, target after, comparison before, after).
    resampled = {
        key: measure_values(measure, resampled_totals(sample, rng), has_target_duration=groups.has_target_duration)
        for key, sample in read.items()
    }
    effects = resampled["target", "after"] - resampled["target", "before"]
    if groups.comparison is not None:
        comparison_before = _value(read["comparison", "before"], measure, groups)
        comparison_after = _value(read["comparison", "after"], measure, groups)
        result.comparison_before, result.comparison_after = comparison_before, comparison_after
        result.comparison_before_n = read["comparison", "before"].n
        result.comparison_after_n = read["comparison", "after"].n
        if comparison_before is None or comparison_after is None:
            return result
        result.comparison_change = comparison_after - comparison_before
        effect -= result.comparison_change
        effects = effects - (resampled["comparison", "after"] - resampled["comparison", "before"])
    alpha = (1 - CONFIDENCE) / 2 * 100
    ci_low, ci_high = (float(v) for v in np.nanpercentile(effects, [alpha, 100 - alpha]))
    result.effect, result.ci_low, result.ci_high = effect, ci_low, ci_high
    result.verdict = verdict_of(measure, ci_low, ci_high)
    return result
