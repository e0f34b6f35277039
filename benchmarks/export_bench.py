"""The journey's instances CSV export (``/journeys/<slug>/instances.csv``), streamed through the view as a
browser would read it, for the journey with the most interactions: rows per second, beside PostgreSQL's own
``COPY ... TO STDOUT`` of the plain join (the floor: no escaping, no text made of the date-times)."""

from __future__ import annotations

import time

from django.db import connection
from django.db.models import Count
from django.test import RequestFactory

from .report import Figure

SECTION = "export"
TARGET_ROWS_PER_SECOND = 100_000


def _floor_seconds(journey_id: int) -> float:
    sql = (
        "COPY (SELECT i.external_id, i.customer_ref, i.segment, i.started_at, i.ended_at, i.outcome, i.satisfaction, "
        "x.external_id, t.key, x.channel, x.occurred_at, x.satisfaction, x.resolved, x.repeat, x.reidentified "
        "FROM journeys_journeyinstance i LEFT JOIN journeys_interaction x ON x.instance_id = i.id "
        "LEFT JOIN journeys_touchpoint t ON t.id = x.touchpoint_id WHERE i.journey_id = %s "
        "ORDER BY i.started_at, i.id, x.occurred_at, x.id) TO STDOUT WITH (FORMAT csv)"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        driver_cursor = cursor.cursor
        with driver_cursor.copy(driver_cursor.mogrify(sql, [journey_id])) as copy:
            for _data in copy:
                pass
    return time.perf_counter() - started


def _export(slug: str) -> tuple[int, int, float]:
    from journeys.views.ingest import instances_csv

    request = RequestFactory().get(f"/journeys/{slug}/instances.csv")
    started = time.perf_counter()
    response = instances_csv(request, slug)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return lines - 1, size, time.perf_counter() - started  # quoted line breaks in cells: none in generated data


def measure(repeats: int = 3) -> list[Figure]:
    from journeys.models import Journey

    journey = Journey.objects.annotate(rows=Count("instances__interactions")).order_by("-rows", "pk").first()
    if journey is None:
        return [Figure(SECTION, "no journey to export", None)]
    runs = [_export(journey.slug) for _ in range(repeats)]
    rows, size, seconds = min(runs, key=lambda run: run[2])
    floor = min(_floor_seconds(journey.pk) for _ in range(repeats))
    rate = rows / seconds
    return [
        Figure(
            SECTION,
            f"instances.csv of '{journey.slug}' ({rows:,} rows, {size / 1e6:.1f} MB), best of {repeats}",
            round(seconds, 2),
            "s",
            beside=f"COPY of the join {floor:.2f} s",
            details={"rows": rows, "bytes": size, "runs_seconds": [round(run[2], 3) for run in runs]},
        ),
        Figure(
            SECTION,
            "instances.csv streamed rows per second",
            round(rate),
            "rows/s",
            beside=f"COPY {rows / floor:,.0f} rows/s",
            target=f">= {TARGET_ROWS_PER_SECOND:,} rows/s",
            ok=rate >= TARGET_ROWS_PER_SECOND,
        ),
    ]
