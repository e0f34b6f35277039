"""Personas and their emotion curves measured from data (issue 20 item 3).

An emotion curve is, per stage of the journey's map (in order), the mean interaction satisfaction
(1-5) of the interactions at that stage's touchpoints, over the health engine's window: instances
that started in (T - window_days, T], T the end of the as-of day (``journeys.services.health.
health_window``). The overall curve counts every instance; a persona's curve only those of its
segment. One aggregate query gives every stage's integer totals for the overall curve and every
persona at once (conditional sums per segment), so the cost does not grow with the rows read out
or with the number of personas, and the means (integer sum / integer count, divided in Python)
are identical on PostgreSQL and SQLite.

A point with fewer than ``journey.min_sample`` ratings is shown but not judged: too few to say
it dips. A judged point below the journey's target (its 0-100 target score as a 1-5 rating,
``health_components.rating_for_score``) is a dip.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ..health_components import rating_for_score
from ..models import Interaction, Journey, JourneyInstance, Persona, Stage
from ..services.health import health_window


@dataclass(frozen=True)
class CurvePoint:
    """One stage of a curve: the mean rating there (None without ratings) and how many ratings it rests on."""

    stage_id: int
    stage_name: str
    position: int
    mean: float | None
    ratings: int
    enough: bool  # at least the journey's minimum sample of ratings: judged against the target
    below_target: bool  # judged and below the target


@dataclass
class Curve:
    label: str
    segment: str  # '' for the overall curve
    points: list[CurvePoint]
    target: float

    @property
    def ratings(self) -> int:
        return sum(point.ratings for point in self.points)

    @property
    def judged(self) -> bool:
        """At least one stage has enough ratings to be compared with the target."""
        return any(point.enough for point in self.points)

    @property
    def dips(self) -> list[CurvePoint]:
        return [point for point in self.points if point.below_target]

    def dip_sentences(self) -> list[str]:
        return [dip_sentence(point, self.target) for point in self.dips]


@dataclass
class EmotionCurves:
    """The overall curve and one curve per persona, over the same stages and window."""

    journey: Journey
    as_of: dt.date
    window_start: dt.datetime
    window_end: dt.datetime
    target: float
    min_ratings: int
    stages: list[Stage]
    overall: Curve
    personas: list[tuple[Persona, Curve]] = field(default_factory=list)

    def curve_of(self, persona: Persona) -> Curve:
        return next(curve for candidate, curve in self.personas if candidate.pk == persona.pk)


def _rating_text(value: float, target: float) -> str:
    """One decimal, unless one decimal would read as the target itself ("4.0 against a target of 4.0")."""
    text = f"{value:.1f}"
    return f"{value:.2f}" if text == f"{target:.1f}" else text


def dip_sentence(point: CurvePoint, target: float) -> str:
    """ "Settling in: 2.9 against a target of 4.0, 412 ratings"."""
    ratings = f"{point.ratings} rating{'s' if point.ratings != 1 else ''}"
    return f"{point.stage_name}: {_rating_text(point.mean, target)} against a target of {target:.1f}, {ratings}"


def journey_personas(journey: Journey) -> QuerySet[Persona]:
    """A journey's personas, by name (one query)."""
    return Persona.objects.filter(journey=journey).order_by("name", "id")


SEGMENT_SUGGESTIONS = 50


def journey_segments(journey: Journey, *, as_of: dt.date | None = None) -> list[str]:
    """The segments recorded in the journey's health window, to suggest in the persona form (one query)."""
    start, end = health_window(as_of=as_of or timezone.localdate(), window_days=journey.window_days)
    return list(
        JourneyInstance.objects.filter(journey=journey, started_at__gt=start, started_at__lte=end)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()[:SEGMENT_SUGGESTIONS]
    )


def journey_target_rating(journey: Journey) -> float:
    return rating_for_score(journey.target_score)


def _curve(
    *, label: str, segment: str, stages: list[Stage], totals: dict, key: str, target: float, min_ratings: int
) -> Curve:
    points = []
    for stage in stages:
        row = totals.get(stage.pk, {})
        ratings = row.get(f"{key}_n") or 0
        mean = row[f"{key}_sum"] / ratings if ratings else None
        enough = ratings >= min_ratings
        points.append(
            CurvePoint(
                stage_id=stage.pk,
                stage_name=stage.name,
                position=stage.position,
                mean=mean,
                ratings=ratings,
                enough=enough,
                below_target=enough and mean is not None and mean < target,
            )
        )
    return Curve(label=label, segment=segment, points=points, target=target)


def emotion_curves(journey: Journey, personas: list[Persona], *, as_of: dt.date | None = None) -> EmotionCurves:
    """The overall curve and each persona's, over the stages in use: two queries whatever the data.

    One reads the stages, one aggregates the window's rated interactions per stage with a sum and a
    count for everyone and for each persona's segment (personas sharing a segment share its totals).
    """
    as_of = as_of or timezone.localdate()
    start, end = health_window(as_of=as_of, window_days=journey.window_days)
    stages = list(Stage.objects.in_use().filter(journey=journey).order_by("position"))
    segments = sorted({persona.segment for persona in personas})
    aggregates = {"overall_sum": Sum("satisfaction"), "overall_n": Count("id")}
    for index, segment in enumerate(segments):
        in_segment = Q(instance__segment=segment)
        aggregates[f"segment{index}_sum"] = Sum("satisfaction", filter=in_segment)
        aggregates[f"segment{index}_n"] = Count("id", filter=in_segment)
    rows = (
        Interaction.objects.filter(
            instance__journey_id=journey.pk,
            instance__started_at__gt=start,
            instance__started_at__lte=end,
            satisfaction__isnull=False,
            touchpoint__stage__in=[stage.pk for stage in stages],
        )
        .values("touchpoint__stage_id")
        .annotate(**aggregates)
        .order_by()
    )
    totals = {row["touchpoint__stage_id"]: row for row in rows} if stages else {}
    target = journey_target_rating(journey)
    common = {"stages": stages, "totals": totals, "target": target, "min_ratings": journey.min_sample}
    overall = _curve(label="All customers", segment="", key="overall", **common)
    keys = {segment: f"segment{index}" for index, segment in enumerate(segments)}
    return EmotionCurves(
        journey=journey,
        as_of=as_of,
        window_start=start,
        window_end=end,
        target=target,
        min_ratings=journey.min_sample,
        stages=stages,
        overall=overall,
        personas=[
            (persona, _curve(label=persona.name, segment=persona.segment, key=keys[persona.segment], **common))
            for persona in personas
        ],
    )
