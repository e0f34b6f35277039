"""Reads of "where to act" (design section 13): touchpoint health, the hand-off matrix, paths, key drivers.

Each read costs a constant number of queries whatever the size of the journey: the latest overall
(or segment) snapshot with its section 13 rows prefetched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch

from ..choices import Channel, Outcome
from ..health_components import OVERALL
from ..models import HealthSnapshot, Journey, StageHealth, TouchpointHealth
from .health import with_previous_score

WEAKEST = 3
# Satisfaction bands of a touchpoint's own mean (1-5), worded for the blueprint cards.
SATISFACTION_BANDS = ((4.0, "good", "good"), (3.0, "fair", "fair"), (0.0, "poor", "poor"))
OUTCOME_LABELS = {
    Outcome.COMPLETED: "Completed",
    Outcome.ABANDONED: "Abandoned",
    Outcome.IN_PROGRESS: "Still in progress",
}
QUADRANT_MEANING = {
    "fix first": "matters more than the other stages and performs worse than them: invest here first",
    "protect": "matters more than the other stages and performs well: keep it that way",
    "keep at parity": "matters less and performs worse: keep it at the market's level, no more",
    "possible over-investment": (
        "matters less but performs better than the other stages: effort here may be better spent elsewhere"
    ),
}


def satisfaction_band(csat: float | None) -> dict:
    """Colour class and words for a touchpoint's mean satisfaction (never colour alone)."""
    if csat is None:
        return {"band": "none", "text": "no ratings"}
    for floor, band, text in SATISFACTION_BANDS:
        if csat >= floor:
            return {"band": band, "text": f"{csat:.1f}/5 {text}"}
    return {"band": "poor", "text": f"{csat:.1f}/5 poor"}  # pragma: no cover - the last band starts at 0


def touchpoint_prefetch() -> Prefetch:
    return Prefetch(
        "touchpoint_health",
        queryset=TouchpointHealth.objects.select_related("touchpoint__stage").order_by(
            "touchpoint__stage__position", "touchpoint__position", "touchpoint_id"
        ),
    )


def latest_snapshot(journey: Journey, *, segment: str = OVERALL, with_handoffs: bool = True) -> HealthSnapshot | None:
    """The journey's latest snapshot of a segment ('' = all customers) with touchpoint health prefetched."""
    prefetches = [touchpoint_prefetch(), "handoffs"] if with_handoffs else [touchpoint_prefetch()]
    return (
        HealthSnapshot.objects.filter(journey=journey, segment=segment)
        .select_related("journey")
        .prefetch_related(*prefetches)
        .order_by("-as_of")
        .first()
    )


# --- the journey page's snapshot -----------------------------------------------------------------

_PAGE_SNAPSHOT = "_page_snapshot"


def remember_page_snapshot(journey: Journey) -> HealthSnapshot | None:
    """The latest overall snapshot, read once for every panel of the journey page that shows it.

    The health panel, the blueprint's stage health and the "Where to act" panel each read that snapshot
    with its own rows (five reads of the same row, nine queries); this reads it once with what more than
    one of them shows: its previous score, stage health, touchpoint health, paths and drivers (three
    queries). Its hand-offs are read when the "Where to act" panel asks for them (one query).
    Kept on this journey object, which the journey page builds for one request; ``page_snapshot``
    gives it to the panels, and reads afresh for a journey the page did not prepare.
    """
    snapshot = (
        with_previous_score(HealthSnapshot.objects.filter(journey=journey, segment=OVERALL))
        .select_related("paths", "drivers")
        .prefetch_related(
            Prefetch("stage_health", queryset=StageHealth.objects.select_related("stage")),
            touchpoint_prefetch(),
        )
        .order_by("-as_of", "-id")
        .first()
    )
    if snapshot is not None:
        snapshot.journey = journey
    setattr(journey, _PAGE_SNAPSHOT, snapshot)
    return snapshot


def page_snapshot(journey: Journey) -> tuple[bool, HealthSnapshot | None]:
    """(prepared, snapshot): the journey page's snapshot if ``remember_page_snapshot`` read it."""
    if hasattr(journey, _PAGE_SNAPSHOT):
        return True, getattr(journey, _PAGE_SNAPSHOT)
    return False, None


def page_snapshot_or(journey: Journey, read: Callable[[Journey], HealthSnapshot | None]) -> HealthSnapshot | None:
    """The journey page's snapshot if the page prepared it, else ``read(journey)``."""
    prepared, snapshot = page_snapshot(journey)
    return snapshot if prepared else read(journey)


def _attached(snapshot: HealthSnapshot, name: str):
    try:
        return getattr(snapshot, name)
    except ObjectDoesNotExist:
        return None


def _page_with(journey: Journey, name: str, read: Callable[[Journey], HealthSnapshot | None]):
    prepared, snapshot = page_snapshot(journey)
    if prepared and snapshot is not None and _attached(snapshot, name) is not None:
        return snapshot
    return read(journey)


def page_with_paths(journey: Journey) -> HealthSnapshot | None:
    """``latest_with_paths``, from the page's snapshot when it has paths (the latest overall one does)."""
    return _page_with(journey, "paths", latest_with_paths)


def page_with_drivers(journey: Journey) -> HealthSnapshot | None:
    """``latest_with_drivers``, from the page's snapshot when it has drivers."""
    return _page_with(journey, "drivers", latest_with_drivers)


def touchpoint_figures_by_id(journey: Journey) -> dict[int, dict]:
    """The touchpoint rows of the latest overall snapshot by touchpoint id, read once per journey object.

    The "Where to act" panel, which reads those rows itself, leaves them here
    (``remember_touchpoint_figures``) for the blueprint cards drawn after it: no second read.
    """
    cached = getattr(journey, "_where_touchpoint_figures", None)
    if cached is None:
        snapshot = page_snapshot_or(journey, lambda journey: latest_snapshot(journey, with_handoffs=False))
        cached = remember_touchpoint_figures(journey, touchpoint_rows(snapshot) if snapshot else [])
    return cached


def remember_touchpoint_figures(journey: Journey, rows: list[dict]) -> dict[int, dict]:
    journey._where_touchpoint_figures = {row["touchpoint_id"]: row for row in rows}
    return journey._where_touchpoint_figures


def latest_segment_snapshot(journey: Journey, segment: str) -> HealthSnapshot | None:
    """A segment's latest snapshot, read like the overall one (stage health, previous score, touchpoints)."""
    return (
        with_previous_score(HealthSnapshot.objects.filter(journey=journey, segment=segment))
        .prefetch_related("stage_health__stage", touchpoint_prefetch())
        .order_by("-as_of")
        .first()
    )


def latest_with_paths(journey: Journey) -> HealthSnapshot | None:
    return (
        HealthSnapshot.objects.filter(journey=journey, segment=OVERALL, paths__isnull=False)
        .select_related("journey", "paths")
        .order_by("-as_of")
        .first()
    )


def latest_with_drivers(journey: Journey) -> HealthSnapshot | None:
    return (
        HealthSnapshot.objects.filter(journey=journey, segment=OVERALL, drivers__isnull=False)
        .select_related("journey", "drivers")
        .order_by("-as_of")
        .first()
    )


def touchpoint_rows(snapshot: HealthSnapshot) -> list[dict]:
    """Every touchpoint with window interactions, in map order, with its figures and satisfaction band."""
    rows = []
    for row in snapshot.touchpoint_health.all():
        touchpoint = row.touchpoint
        rows.append(
            {
                "touchpoint": touchpoint.key,
                "touchpoint_id": touchpoint.pk,
                "name": touchpoint.name,
                "stage": touchpoint.stage.name,
                "stage_position": touchpoint.stage.position,
                "channel": touchpoint.channel,
                "channel_label": Channel(touchpoint.channel).label,
                "is_moment_of_truth": touchpoint.is_moment_of_truth,
                "interactions": row.interactions,
                "instances": row.instances,
                "reach": row.reach,
                "csat": row.csat,
                "repeat_rate": row.repeat_rate,
                "reidentification_rate": row.reidentification_rate,
                "abandoned_after": row.abandoned_after,
                "journey_csat_reached": row.journey_csat_reached,
                "journey_csat_not_reached": row.journey_csat_not_reached,
                **satisfaction_band(row.csat),
            }
        )
    return rows


def weakest_touchpoints(rows: list[dict], count: int = WEAKEST) -> list[dict]:
    """The rated touchpoints with the lowest own satisfaction (ties: more interactions first, then map order)."""
    rated = [row for row in rows if row["csat"] is not None]
    return sorted(rated, key=lambda row: (row["csat"], -row["interactions"], row["stage_position"]))[:count]


def handoff_matrix(snapshot: HealthSnapshot) -> dict:
    """The from-channel x to-channel matrix of hand-offs, and the worst one (most re-identification)."""
    handoffs = list(snapshot.handoffs.all())
    used = {row.from_channel for row in handoffs} | {row.to_channel for row in handoffs}
    channels = [value for value in Channel.values if value in used]
    cells = {(row.from_channel, row.to_channel): row for row in handoffs}
    worst = max(
        handoffs,
        key=lambda row: (row.reidentification_rate, row.count, row.from_channel, row.to_channel),
        default=None,
    )
    return {
        "channels": [{"value": value, "label": Channel(value).label} for value in channels],
        "rows": [
            {
                "channel": Channel(source).label,
                "cells": [cells.get((source, target)) for target in channels],
            }
            for source in channels
        ],
        "handoffs": handoffs,
        "worst": worst,
        "worst_text": _handoff_text(worst) if worst is not None and worst.reidentification_rate > 0 else None,
    }


def _handoff_text(row) -> str:
    return (
        f"From {Channel(row.from_channel).label.lower()} to {Channel(row.to_channel).label.lower()}: "
        f"{round(100 * row.reidentification_rate)}% of {row.count} hand-off{'s' if row.count != 1 else ''} "
        "made the customer identify themselves again"
    )


def node_label(node: str, stages: dict[int, str]) -> str:
    if node == "start":
        return "Start"
    if node.startswith("stage:"):
        position = int(node.split(":", 1)[1])
        return stages.get(position, f"Stage {position}")
    return OUTCOME_LABELS.get(node, node)


def drivers_rows(drivers) -> list[dict]:
    """The stored predictors with the meaning of their quadrant."""
    return [
        {**predictor, "quadrant_meaning": QUADRANT_MEANING.get(predictor.get("quadrant"), "")}
        for predictor in drivers.predictors
    ]


def fix_first(drivers) -> list[dict]:
    return [predictor for predictor in drivers_rows(drivers) if predictor.get("quadrant") == "fix first"]


def drivers_message(drivers) -> str:
    """Why no key drivers are shown, in numbers: the complete cases there are and how many are needed."""
    if drivers.r_squared is not None:
        return ""
    return (
        f"Too few complete cases to estimate key drivers: {drivers.complete_cases} of the "
        f"{drivers.rated_instances} rated instances have every predictor; {drivers.needed_cases} are needed."
    )
