"""Recompute every journey's health through the project's service, beside the hand-written floor."""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.utils import timezone

from .floor import compute_floor
from .report import Figure, unavailable

SECTION = "health"
TARGET_RATIO = 1.5
COMPARED = (
    "sample_size",
    "journey_csat",
    "touchpoint_csat",
    "csat_gap",
    "completion_rate",
    "on_time_rate",
    "contacts_per_instance",
    "repeat_rate",
    "reidentification_rate",
    "handoffs_per_instance",
    "satisfaction_decay",
)


def _service():
    try:
        from journeys.services.health import journey_health_compute
    except ImportError:
        return None
    return journey_health_compute


def run_floor(as_of: dt.date) -> tuple[float, dict]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        figures = compute_floor(cursor, as_of=as_of, tz=timezone.get_default_timezone())
    return time.perf_counter() - started, figures


class TooSlow(Exception):  # noqa: N818 - reads as the verdict it is
    def __init__(self, journey, seconds: float, limit: int):
        super().__init__(f"journey {journey.pk} ({journey.slug}): a query ran past {limit} s after {seconds:.0f} s")
        self.journey = journey


def run_project(as_of: dt.date, *, statement_limit: int) -> float:
    """Every active journey through the service, one after the other, as the daily task does.

    A statement running past ``statement_limit`` seconds is cancelled (statement_timeout), so a
    pathological plan is reported instead of eating the run's time budget.
    """
    from django.db import OperationalError

    from journeys.models import Journey

    journey_health_compute = _service()
    journeys = list(Journey.objects.active().order_by("pk"))
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(statement_limit)}s'")
    started = time.perf_counter()
    try:
        for journey in journeys:
            try:
                journey_health_compute(journey=journey, as_of=as_of)
            except OperationalError as error:
                if "statement timeout" not in str(error):
                    raise
                raise TooSlow(journey, time.perf_counter() - started, statement_limit) from error
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    return time.perf_counter() - started


def server_settings() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN ('jit', 'jit_above_cost', 'work_mem', "
            "'hash_mem_multiplier', 'shared_buffers', 'max_parallel_workers_per_gather')"
        )
        return {name: f"{setting}{unit or ''}" for name, setting, unit in cursor.fetchall()}


def compare(floor: dict, as_of: dt.date) -> dict:
    """The project's stored snapshots of ``as_of`` against the floor's figures: what differs, by how much."""
    from journeys.models import HealthSnapshot, StageHealth

    worst = {"value": 0.0, "where": ""}
    mismatches = []
    populations = 0

    def check(where: str, name: str, ours, theirs, tolerance: float = 1e-3):
        nonlocal worst
        if ours is None or theirs is None:
            if (ours is None) != (theirs is None):
                mismatches.append(f"{where} {name}: floor {theirs} / project {ours}")
            return
        difference = abs(float(ours) - float(theirs))
        if difference > worst["value"]:
            worst = {"value": difference, "where": f"{where} {name}"}
        if difference > tolerance:
            mismatches.append(f"{where} {name}: floor {theirs} / project {ours}")

    snapshots = HealthSnapshot.objects.filter(as_of=as_of).order_by("journey_id", "segment")
    seen: dict[int, set[str]] = {}
    for snapshot in snapshots:
        seen.setdefault(snapshot.journey_id, set()).add(snapshot.segment)
        expected = floor.get(snapshot.journey_id, {}).get("segments", {}).get(snapshot.segment)
        where = f"journey {snapshot.journey_id} segment '{snapshot.segment}'"
        if expected is None:
            mismatches.append(f"{where}: only the project has it")
            continue
        populations += 1
        for name in COMPARED:
            check(where, name, getattr(snapshot, name), expected[name])
        check(where, "score", snapshot.score, expected["score"], tolerance=0.1)
        if snapshot.status != expected["status"]:
            mismatches.append(f"{where} status: floor {expected['status']} / project {snapshot.status}")
    for journey_id, journey in floor.items():
        for segment in journey["segments"]:
            if segment not in seen.get(journey_id, set()):
                mismatches.append(f"journey {journey_id} segment '{segment}': only the floor has it")
    stages = 0
    stage_rows = StageHealth.objects.filter(snapshot__as_of=as_of, snapshot__segment="").values(
        "stage_id", "snapshot__journey_id", "reached", "abandoned_here", "interactions", "csat"
    )
    for row in stage_rows:
        expected = floor.get(row["snapshot__journey_id"], {}).get("stages", {}).get(row["stage_id"])
        where = f"stage {row['stage_id']}"
        if expected is None:
            mismatches.append(f"{where}: only the project has it")
            continue
        stages += 1
        for name in ("reached", "abandoned_here", "interactions", "csat"):
            check(where, name, row[name], expected[name])
    where_to_act = _compare_where(floor, as_of, check, mismatches)
    return {
        "populations": populations,
        "stages": stages,
        **where_to_act,
        "worst": worst,
        "mismatches": mismatches[:20],
        "mismatch_count": len(mismatches),
    }


def measure(*, repeats: int = 2, statement_limit: int = 300) -> list[Figure]:
    as_of = timezone.localdate()
    floor_times = []
    floor_seconds, floor = run_floor(as_of)  # warm-up: both sides then read from the same cache
    if _service() is None:
        floor_seconds, floor = run_floor(as_of)
        return [
            Figure(SECTION, "floor: one SQL pass over every journey", round(floor_seconds, 3), "s"),
            unavailable(SECTION, "journeys.services.health.journey_health_compute (the health engine)"),
        ]
    project_times = []
    for _ in range(repeats):
        seconds, floor = run_floor(as_of)
        floor_times.append(seconds)
        try:
            project_times.append(run_project(as_of, statement_limit=statement_limit))
        except TooSlow as error:
            return [
                Figure(SECTION, "floor: one SQL pass over every journey", round(min(floor_times), 3), "s"),
                Figure(
                    SECTION,
                    "recompute all journeys via journey_health_compute: did not finish",
                    str(error),
                    target=f"<= {TARGET_RATIO}x the floor",
                    ok=False,
                    details={"server": server_settings()},
                ),
            ]
    floor_best, project_best = min(floor_times), min(project_times)
    ratio = project_best / floor_best
    agreement = compare(floor, as_of)
    journeys = len(floor)
    return [
        Figure(
            SECTION,
            f"recompute all {journeys} journeys (overall, segments, stages) via journey_health_compute",
            round(project_best, 3),
            "s",
            beside=f"floor {floor_best:.3f} s",
            details={"project_runs": project_times, "floor_runs": floor_times, "server": server_settings()},
        ),
        Figure(
            SECTION,
            "ratio project / floor",
            round(ratio, 2),
            "x",
            target=f"<= {TARGET_RATIO}x",
            ok=ratio <= TARGET_RATIO,
        ),
        Figure(
            SECTION,
            f"project agrees with the floor ({agreement['populations']} populations, {agreement['stages']} stages)",
            agreement["mismatch_count"],
            "mismatches",
            beside=f"largest difference {agreement['worst']['value']:.2g} ({agreement['worst']['where']})",
            target="0",
            ok=agreement["mismatch_count"] == 0,
            details=agreement,
        ),
    ]


TOUCHPOINT_COMPARED = (
    "interactions",
    "instances",
    "reach",
    "csat",
    "repeat_rate",
    "reidentification_rate",
    "abandoned_after",
    "journey_csat_reached",
    "journey_csat_not_reached",
)
HANDOFF_COMPARED = ("count", "reidentification_rate", "repeat_rate", "satisfaction_change")


def _compare_where(floor: dict, as_of: dt.date, check, mismatches: list) -> dict:
    """Design section 13's stored rows against the floor's: touchpoints, hand-offs, path counts, driver rows."""
    from journeys.models import HandoffHealth, KeyDrivers, PathSummary, TouchpointHealth

    touchpoints = 0
    for row in TouchpointHealth.objects.filter(snapshot__as_of=as_of).select_related("snapshot"):
        journey_id, segment = row.snapshot.journey_id, row.snapshot.segment
        expected = floor.get(journey_id, {}).get("touchpoints", {}).get((segment, row.touchpoint_id))
        where = f"touchpoint {row.touchpoint_id} segment '{segment}'"
        if expected is None:
            mismatches.append(f"{where}: only the project has it")
            continue
        touchpoints += 1
        for name in TOUCHPOINT_COMPARED:
            check(where, name, getattr(row, name), expected[name])
    handoffs = 0
    for row in HandoffHealth.objects.filter(snapshot__as_of=as_of, snapshot__segment="").select_related("snapshot"):
        expected = floor.get(row.snapshot.journey_id, {}).get("handoffs", {}).get((row.from_channel, row.to_channel))
        where = f"hand-off {row.from_channel}>{row.to_channel} of journey {row.snapshot.journey_id}"
        if expected is None:
            mismatches.append(f"{where}: only the project has it")
            continue
        handoffs += 1
        for name in HANDOFF_COMPARED:
            check(where, name, getattr(row, name), expected[name])
    paths = 0
    for summary in PathSummary.objects.filter(snapshot__as_of=as_of).select_related("snapshot"):
        counted = floor.get(summary.snapshot.journey_id, {}).get("paths", {})
        check(
            f"paths of journey {summary.snapshot.journey_id}",
            "instances_with_path",
            summary.instances_with_path,
            sum(figures["instances"] for figures in counted.values()),
        )
        for top in summary.top_paths:
            key = ">".join(str(position) for position in top["positions"])
            theirs = sum(figures["instances"] for (path, _), figures in counted.items() if path == key)
            check(f"path {key} of journey {summary.snapshot.journey_id}", "instances", top["instances"], theirs)
            paths += 1
    drivers = 0
    for row in KeyDrivers.objects.filter(snapshot__as_of=as_of).select_related("snapshot"):
        theirs = len(floor.get(row.snapshot.journey_id, {}).get("drivers", {}))
        # the floor's driver rows are the rated instances with an interaction; the project also counts silent ones
        if theirs > row.rated_instances:
            mismatches.append(
                f"drivers of journey {row.snapshot.journey_id}: floor {theirs} rows / project {row.rated_instances}"
            )
        drivers += 1
    return {"touchpoints": touchpoints, "handoffs": handoffs, "top_paths": paths, "drivers": drivers}
