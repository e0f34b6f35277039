"""Retention (``journeys.services.retention``): rows removed per second, and what it does to concurrent work.

It removes data: run it on a database of its own (``BENCH_DATABASE_URL=.../throughline_bench_retention
make bench SCALE=1 ARGS="--only retention"``); it forgets the load marker afterwards, so the next run
there loads the reference data again.

1. One batch of ``RETENTION_BATCH_SIZE`` instances removed through Django's cascade
   (``QuerySet.delete()``: loads the rows, deletes 100 ids at a time), beside one batch of the same
   size removed the way the job does (one id-range DELETE of the interactions, then of the instances).
2. 15 s of concurrent work without removal: one reader (a journey's first page of instances, newest
   first, and its count) and one writer (ingest batches of 20 instances with 2 interactions each),
   p95 of each; then the same work while the job removes everything older than ``--days`` days.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from .report import Figure

SECTION = "retention"
QUIET_SECONDS = 15.0


def _p95(values: list[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=20)[-1]


class _Load:
    """A reader and a writer in threads, each with its own connection, recording latencies (ms)."""

    def __init__(self, journey_slug: str, journey_id: int):
        self.slug, self.journey_id = journey_slug, journey_id
        self.stop = threading.Event()
        self.reads: list[float] = []
        self.writes: list[float] = []
        self.errors: list[str] = []
        self._batch = 0

    def _reader(self):
        from journeys.models import JourneyInstance

        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                rows = JourneyInstance.objects.filter(journey_id=self.journey_id).order_by("-started_at", "id")
                list(rows.values("id", "external_id", "started_at", "outcome")[:50])
                rows.filter(started_at__gte=timezone.now() - dt.timedelta(days=30)).count()
                self.reads.append((time.perf_counter() - started) * 1000)
        except Exception as error:  # noqa: BLE001 (reported as a figure)
            self.errors.append(f"read: {error}")
        finally:
            connections.close_all()

    def _writer(self):
        from journeys.services.ingest import instance_batch_ingest

        try:
            while not self.stop.is_set():
                self._batch += 1
                now = timezone.now()
                instances = [
                    {
                        "external_id": f"retention-bench-{time.time_ns()}-{n}",
                        "started_at": (now - dt.timedelta(hours=1)).isoformat(),
                        "outcome": "in_progress",
                        "interactions": [],
                    }
                    for n in range(20)
                ]
                started = time.perf_counter()
                instance_batch_ingest(journey_slug=self.slug, instances=instances)
                self.writes.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)
        except Exception as error:  # noqa: BLE001 (reported as a figure)
            self.errors.append(f"write: {error}")
        finally:
            connections.close_all()

    def __enter__(self):
        self.threads = [threading.Thread(target=self._reader), threading.Thread(target=self._writer)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _counts() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM journeys_journeyinstance")
        instances = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM journeys_interaction")
        return instances, cursor.fetchone()[0]


def _one_batch_each(cut: dt.datetime, batch_size: int) -> dict:
    """The same number of old instances removed by Django's cascade and by the job's id-range DELETEs."""
    from journeys.models import Interaction, JourneyInstance
    from journeys.services.retention import _raise_mark, _remove_batch

    journey_id = (
        JourneyInstance.objects.filter(started_at__lt=cut).order_by("journey_id").values_list("journey_id", flat=True)
    ).first()
    old = JourneyInstance.objects.filter(journey_id=journey_id, started_at__lt=cut).order_by("id")
    ids = list(old.values_list("id", flat=True)[: 2 * batch_size])
    orm_ids, job_ids = ids[:batch_size], ids[batch_size:]
    interactions = Interaction.objects.filter(instance_id__in=orm_ids).count()
    started = time.perf_counter()
    JourneyInstance.objects.filter(pk__in=orm_ids).delete()
    orm_seconds = time.perf_counter() - started
    _raise_mark(journey_id=journey_id, cut=cut)
    started = time.perf_counter()
    job_instances, job_interactions = _remove_batch(
        journey_id=journey_id, cut=cut, first_id=job_ids[0], last_id=job_ids[-1]
    )
    job_seconds = time.perf_counter() - started
    return {
        "orm": {"instances": len(orm_ids), "interactions": interactions, "seconds": round(orm_seconds, 3)},
        "job": {"instances": job_instances, "interactions": job_interactions, "seconds": round(job_seconds, 3)},
    }


def measure(days: int = 90) -> list[Figure]:
    from journeys.models import Journey, JourneyInstance
    from journeys.services.retention import retention_cut, retention_remove

    from . import database

    batch_size = settings.RETENTION_BATCH_SIZE
    today = timezone.localdate()
    before_instances, before_interactions = _counts()
    journey = Journey.objects.order_by("-window_days", "pk").first()
    cut = retention_cut(window_days=journey.window_days, days=days, today=today)
    if not JourneyInstance.objects.filter(started_at__lt=cut).exists():
        return [Figure(SECTION, f"nothing started more than {days} days ago: nothing to remove", None)]

    batches = _one_batch_each(cut, batch_size)
    busiest = Journey.objects.order_by("-window_days", "pk").first()

    with _Load(busiest.slug, busiest.pk) as quiet:
        time.sleep(QUIET_SECONDS)
    with _Load(busiest.slug, busiest.pk) as during:
        started = time.perf_counter()
        run = retention_remove(days=days, batch_size=batch_size, today=today)
        seconds = time.perf_counter() - started
    after_instances, after_interactions = _counts()
    # The data here is no longer the reference data: the next run loads it again.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {database.MARKER_TABLE}")  # noqa: S608 (a constant)

    removed = run.instances + run.interactions
    orm, job = batches["orm"], batches["job"]
    orm_rate = (orm["instances"] + orm["interactions"]) / orm["seconds"]
    job_rate = (job["instances"] + job["interactions"]) / job["seconds"]

    def ms(value):
        return round(value, 1) if value is not None else None

    return [
        Figure(
            SECTION,
            f"one batch of {batch_size:,} instances: id-range DELETEs (the job) vs Django's cascade",
            round(job_rate),
            "rows/s",
            beside=f"cascade {orm_rate:,.0f} rows/s ({orm['seconds']:.2f} s vs {job['seconds']:.2f} s)",
            details=batches,
        ),
        Figure(
            SECTION,
            f"removal of everything before {days} days (at least the window): {run.instances:,} instances "
            f"+ {run.interactions:,} interactions in {run.batches:,} batches",
            round(removed / seconds) if seconds else None,
            "rows/s",
            beside=f"{seconds:.1f} s; {before_instances:,} -> {after_instances:,} instances, "
            f"{before_interactions:,} -> {after_interactions:,} interactions",
            details={"run": run.__dict__, "seconds": round(seconds, 2)},
        ),
        Figure(
            SECTION,
            "concurrent read p95 (first page of instances + 30-day count) during removal",
            ms(_p95(during.reads)),
            "ms",
            beside=f"without removal {ms(_p95(quiet.reads))} ms ({len(during.reads)} / {len(quiet.reads)} reads)",
        ),
        Figure(
            SECTION,
            "concurrent write p95 (ingest of 20 instances) during removal",
            ms(_p95(during.writes)),
            "ms",
            beside=f"without removal {ms(_p95(quiet.writes))} ms ({len(during.writes)} / {len(quiet.writes)} writes)",
        ),
        Figure(
            SECTION,
            "errors of the concurrent reads and writes",
            len(quiet.errors) + len(during.errors),
            beside="; ".join([*quiet.errors, *during.errors])[:200],
            target="0",
            ok=not quiet.errors and not during.errors,
        ),
    ]
