"""Run the floor SQL (floor.sql) and shape its rows like the health service's results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FLOOR_SQL = (Path(__file__).with_name("floor.sql")).read_text()


def window_end(as_of: dt.date, tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """T of design section 4: the end of the as-of day (the window is (T - window_days, T])."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=tz) - dt.timedelta(microseconds=1)


def compute_floor(cursor, *, as_of: dt.date, tz: dt.tzinfo = dt.UTC) -> dict:
    """Every active journey's figures: {journey_id: {"segments": {segment: figures}, "stages": {stage_id: figures},
    "touchpoints": {(segment, touchpoint_id): figures}, "handoffs": {(from, to): figures},
    "paths": {(path, outcome): counts}, "drivers": {instance_id: row}}}.

    ``cursor`` is a psycopg or Django cursor on PostgreSQL.
    """
    cursor.execute(FLOOR_SQL, {"window_end": window_end(as_of, tz)})
    result: dict[int, dict] = {}
    for kind, journey_id, segment, stage_id, figures in cursor.fetchall():
        journey = result.setdefault(journey_id, {"segments": {}, "stages": {}})
        if isinstance(figures, str):  # Django's cursor leaves json as text
            import json

            figures = json.loads(figures)
        if kind == "population":
            journey["segments"][segment] = figures
        elif kind == "stage":
            journey["stages"][stage_id] = figures
        elif kind == "touchpoint":
            journey.setdefault("touchpoints", {})[(segment, stage_id)] = figures
        elif kind == "handoff":
            journey.setdefault("handoffs", {})[tuple(segment.split(">"))] = figures
        elif kind == "path":
            journey.setdefault("paths", {})[(segment, figures["outcome"])] = figures
        else:  # one key-driver row per rated instance (stage_id holds the instance id)
            journey.setdefault("drivers", {})[stage_id] = figures
    return result
