"""Measure an initiative whose periods hold 100,000 instances, beside the time of reading those rows.

The reference data spreads 1,000,000 instances over 50 journeys and 180 days, so no single journey
holds 100,000 in two periods: the initiative targets the largest journey and compares it with
other journeys (difference in differences) until its four samples (target and comparison, before
and after) hold at least 100,000 instances. Nothing is written: ``measure_impact`` is the read the
measured transition and the daily job run.

The floor reads the same instance rows with the columns the measure needs (and, for an
interaction-based measure, their interactions) and fetches them into Python: what any measurement
must at least do.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from .report import Figure

SECTION = "impact"
TARGET_SECONDS = 5.0
WANTED_INSTANCES = 100_000
MEASURES = ("journey_csat", "repeat_rate", "score")


def _pick(days: int):
    from journeys.models import Journey, JourneyInstance

    today = timezone.localdate()
    delivered = today - dt.timedelta(days=days + 1)
    start = delivered - dt.timedelta(days=5)
    first_day = start - dt.timedelta(days=days)
    before_end = start - dt.timedelta(days=1)
    after_end = delivered + dt.timedelta(days=days)
    in_periods = Q(started_at__date__gte=first_day, started_at__date__lte=before_end) | Q(
        started_at__date__gt=delivered, started_at__date__lte=after_end
    )
    per_journey = dict(
        JourneyInstance.objects.filter(in_periods)
        .values("journey_id")
        .annotate(n=Count("id"))
        .values_list("journey_id", "n")
    )
    ranked = sorted(per_journey, key=lambda pk: (-per_journey[pk], pk))
    target, comparison, total = ranked[0], [], per_journey[ranked[0]]
    for pk in ranked[1:]:
        if total >= WANTED_INSTANCES:
            break
        comparison.append(pk)
        total += per_journey[pk]
    return Journey.objects.get(pk=target), comparison, start, delivered


def _floor(where: Q, bounds, *, with_interactions: bool) -> tuple[float, int]:
    from journeys.models import Interaction, JourneyInstance

    started = time.perf_counter()
    rows = 0
    for start, end in bounds:
        instances = JourneyInstance.objects.filter(where, started_at__gt=start, started_at__lte=end)
        sql, params = instances.values_list("id", "satisfaction", "outcome").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
        if with_interactions:
            interactions = Interaction.objects.filter(instance__in=instances.values("id")).values_list(
                "instance_id", "satisfaction", "repeat", "channel"
            )
            sql, params = interactions.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
    return time.perf_counter() - started, rows


def measure(*, days: int = 60) -> list[Figure]:
    from improvements import measurement

    journey, comparison_ids, start, delivered = _pick(days)
    before, after = measurement.periods_of(start_date=start, delivered_on=delivered, days=days)
    groups = measurement.Groups(
        target=Q(journey_id=journey.pk),
        comparison=Q(journey_id__in=comparison_ids) if comparison_ids else None,
        has_target_duration=journey.target_duration is not None,
    )
    bounds = [measurement._bounds(before), measurement._bounds(after)]
    figures = []
    for measure_name in MEASURES:
        floor_seconds, rows = _floor(
            groups.target | groups.comparison if groups.comparison else groups.target,
            bounds,
            with_interactions=measure_name != "journey_csat",
        )
        started = time.perf_counter()
        result = measurement.measure_impact(
            measure=measure_name, groups=groups, before=before, after=after, seed=journey.pk
        )
        seconds = time.perf_counter() - started
        instances = (
            result.before_n + result.after_n + (result.comparison_before_n or 0) + (result.comparison_after_n or 0)
        )
        figures.append(
            Figure(
                section=SECTION,
                name=f"measure an initiative on {measure_name} ({instances:,} instances in its periods)",
                value=round(seconds, 3),
                unit="s",
                beside=f"reading those rows {floor_seconds:.3f} s ({rows:,} instance rows)",
                target=f"< {TARGET_SECONDS:g} s",
                ok=seconds < TARGET_SECONDS,
                details={
                    "instances": instances,
                    "effect": result.effect,
                    "ci": [result.ci_low, result.ci_high],
                    "verdict": result.verdict,
                    "mde": result.mde,
                    "distinct_tuples": {"/".join(key): len(s.counts) for key, s in result.samples.items()},
                    "comparison_journeys": len(comparison_ids),
                },
            )
        )
    return figures
