"""Two years of monthly incentive measures for the demo, and the onboarding health they are set against.

The generated activity covers the last ``days`` days only (180 by default), so only the last six
month ends have a health snapshot computed from interactions. The older month ends of onboarding
get a snapshot written here, "carried over from the scorecard used before Throughline": a seeded
series whose repeat rate rises when its score falls. Those rows are demo history, not computed
health; every figure of the evidence itself is then computed by the real engine
(``owners.services.incentive_evidence_compute``) from the rows as they are.

The measures follow the onboarding score month by month: Customer Service's handle time is
lowest in the months onboarding goes worst (agents cut calls short, customers call back: the
conflict), first-contact resolution is highest in its best months (aligned), and right-first-time
installations were only measured from five months ago (too little history).
"""

import calendar
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean

from django.db import transaction
from django.utils import timezone

from journeys.choices import HealthStatus
from journeys.health_components import AT_RISK_FROM, HEALTHY_FROM, OVERALL
from journeys.models import HealthSnapshot, Journey
from journeys.services.health import health_window
from owners.choices import Direction
from owners.models import Incentive, IncentiveMeasurement
from owners.services import incentive_evidence_compute

MONTHS = 24
JOURNEY = "onboarding"
SOURCE = "Demo scorecard"


@dataclass(frozen=True)
class MeasureSpec:
    function: str
    name: str
    direction: str
    base: float
    per_score_point: float  # how the value moves with onboarding's score
    noise: float
    decimals: int
    months: int = MONTHS


MEASURES = (
    # Lower is better for Customer Service, and lowest when onboarding goes worst: the conflict.
    MeasureSpec("customer-service", "Average handle time", Direction.LOWER_IS_BETTER, 6.1, 0.045, 0.08, 2),
    # Higher in onboarding's good months: aligned.
    MeasureSpec("customer-service", "First-contact resolution", Direction.HIGHER_IS_BETTER, 0.74, 0.006, 0.01, 3),
    # Measured for five months only: not enough history.
    MeasureSpec(
        "field-operations", "Right-first-time installations", Direction.HIGHER_IS_BETTER, 0.9, 0.002, 0.01, 3, months=5
    ),
)


def month_ends(today: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` month ends before ``today`` (periods that are over), oldest first."""
    ends = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return sorted(ends)


def _status(score: float, sample_size: int, min_sample: int) -> str:
    if sample_size < min_sample:
        return HealthStatus.INSUFFICIENT_DATA
    if score >= HEALTHY_FROM:
        return HealthStatus.HEALTHY
    return HealthStatus.AT_RISK if score >= AT_RISK_FROM else HealthStatus.CRITICAL


def _level(existing: dict, name: str, default: float) -> float:
    values = [getattr(snapshot, name) for snapshot in existing.values() if getattr(snapshot, name) is not None]
    return mean(values) if values else default


def _carried_over_snapshots(
    journey: Journey, days: list[dt.date], *, anchor: float, existing: dict, rng: random.Random
) -> dict:
    """Overall snapshots for month ends before the generated activity: a seeded swing around the recent levels."""
    repeat_level = _level(existing, "repeat_rate", 0.16)
    csat_level = _level(existing, "journey_csat", 3.4)
    completion_level = _level(existing, "completion_rate", 0.88)
    now = timezone.now()
    snapshots = {}
    level = 0.0
    for index, day in enumerate(days):
        # Two bad spells a year (new-product launches in the demo's story), noise between.
        level = 0.6 * level + rng.gauss(0, 3.0) - (6.0 if index % 6 in (2, 3) else 0.0)
        score = max(5.0, min(95.0, anchor + level))
        repeat_rate = max(0.02, repeat_level - 0.004 * (score - anchor) + rng.gauss(0, 0.005))
        journey_csat = max(1.0, min(5.0, csat_level + 0.03 * (score - anchor) + rng.gauss(0, 0.05)))
        window_start, window_end = health_window(as_of=day, window_days=journey.window_days)
        snapshots[day] = HealthSnapshot(
            journey=journey,
            segment=OVERALL,
            as_of=day,
            computed_at=now,
            window_start=window_start,
            window_end=window_end,
            sample_size=400,
            score=Decimal(f"{score:.1f}"),
            status=_status(score, 400, journey.min_sample),
            journey_csat=round(journey_csat, 4),
            repeat_rate=round(repeat_rate, 4),
            completion_rate=round(max(0.5, min(1.0, completion_level + 0.002 * (score - anchor))), 4),
            alerts=[],
        )
    return snapshots


@transaction.atomic
def seed_incentive_measures(*, today: dt.date | None = None, seed: int = 1) -> dict:
    """Measurements of the demo's measured incentives and their evidence; kept as they are when present."""
    today = today or timezone.localdate()
    journey = Journey.objects.filter(slug=JOURNEY).first()
    if journey is None:
        return {"measurements": 0, "carried_over_snapshots": 0}
    days = month_ends(today, MONTHS)
    existing = {
        snapshot.as_of: snapshot
        for snapshot in HealthSnapshot.objects.filter(journey=journey, segment=OVERALL, as_of__in=days)
        if snapshot.score is not None
    }
    rng = random.Random(seed * 7919)  # noqa: S311 (demo data)
    anchor = mean(float(snapshot.score) for snapshot in existing.values()) if existing else float(journey.target_score)
    missing = [day for day in days if day not in existing and (not existing or day < min(existing))]
    carried = _carried_over_snapshots(journey, missing, anchor=anchor, existing=existing, rng=rng)
    HealthSnapshot.objects.bulk_create(carried.values(), ignore_conflicts=True)
    scores = {day: float(snapshot.score) for day, snapshot in {**carried, **existing}.items()}

    created = 0
    incentives = []
    for spec in MEASURES:
        incentive = Incentive.objects.filter(function__slug=spec.function, name=spec.name).first()
        if incentive is None or incentive.measurements.exists():
            continue
        if incentive.direction != spec.direction:
            incentive.direction = spec.direction
            incentive.save(update_fields=["direction", "updated_at"])
        rows = [
            IncentiveMeasurement(
                incentive=incentive,
                period_end=day,
                value=round(
                    spec.base + spec.per_score_point * (scores.get(day, anchor) - anchor) + rng.gauss(0, spec.noise),
                    spec.decimals,
                ),
                source=SOURCE,
            )
            for day in days[-spec.months :]
        ]
        IncentiveMeasurement.objects.bulk_create(rows)
        created += len(rows)
        incentives.append(incentive)
    for incentive in incentives:
        incentive_evidence_compute(incentive=incentive)
    return {"measurements": created, "carried_over_snapshots": len(carried)}
