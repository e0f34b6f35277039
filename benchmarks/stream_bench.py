"""A live stream: readers over the lists and pages while writers post ingest batches, with a real worker.

gunicorn serves the product as ``make run`` does (benchmarks.settings, 2 workers x 4 threads by
default) and a real Celery worker (``celery -A config worker --concurrency 2``, as the Procfile runs
it) consumes the recompute jobs that the ingest enqueues, through Redis (``BENCH_CELERY_BROKER_URL``,
default ``redis://127.0.0.1:6379/8``; the queue is purged first). For ``seconds``:

- ``readers`` threads (18), each with its own keep-alive connection, read in turn the four big API
  lists (a token) and the portfolio and journey pages (a manager's session), starting at different
  places in the cycle;
- ``writers`` threads (2) post ``POST /api/v1/ingest/`` batches of ``batch`` new instances (100), six
  interactions each, started a few minutes ago, one after the other; writer *w* writes to the
  *w*-th largest journey only, so that each journey's batches commit in a known order;
- a poller (its own database connection, every 0.25 s) reads each written journey's overall
  snapshot of today.

**When is a batch "reflected"?** A batch is reflected when the journey's overall health snapshot
for today (segment '', ``as_of`` = today) has a ``sample_size`` of at least the size measured just
before the run plus every instance of that journey committed up to and including this batch (all of
them start today, so each one is in today's window; none of the other writers touches the
journey). The snapshot's ``computed_at`` is set *after* the data was read, so a ``computed_at``
later than the commit would not prove that the batch was read; the count does. The lag is the time
from the batch's response (the commit precedes it by the few milliseconds of writing the response)
to the first poll that sees the count. After the writers stop, the poller keeps going until every
batch is reflected or ``settle_seconds`` have passed; batches never seen are reported.

Everything the run wrote (instances ``STR...``) is deleted afterwards and today's health of the
written journeys recomputed, so the reference data stays as loaded. (Until issue 19 the run was
made with the API list cache on and off; the figures, in benchmarks/README.md, removed the cache.)
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .api_bench import api_token, gunicorn
from .report import Figure

SECTION = "stream"
LAG_TARGET_SECONDS = 60.0
PREFIX = "STR"
INTERACTIONS_PER_INSTANCE = 6
POLL_SECONDS = 0.25
DEFAULT_BROKER = "redis://127.0.0.1:6379/8"
API_PATHS = ["/api/v1/journeys/", "/api/v1/instances/", "/api/v1/issues/", "/api/v1/health-snapshots/"]
PAGE_PATHS = ["/", "/journeys/{slug}/"]
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _p95(values: list[float]) -> float | None:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.95))] if values else None


def _p50(values: list[float]) -> float | None:
    values = sorted(values)
    return values[len(values) // 2] if values else None


# --- the people and the journeys -----------------------------------------------------------------------


def writer_token() -> str:
    """An integration account: the ingest permission (journeys.add_journeyinstance)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-writer", defaults={"email": "w@example.com"})
    permission = Permission.objects.get(content_type__app_label="journeys", codename="add_journeyinstance")
    user.user_permissions.add(permission)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def manager_session_cookie() -> str:
    from django.conf import settings
    from django.test import Client

    from .queries_bench import _user

    client = Client()
    client.force_login(_user())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@dataclass
class Target:
    journey_id: int
    slug: str
    touchpoints: list[str]
    baseline: int = 0  # today's overall sample size before the run
    committed: int = 0  # instances committed by the run so far


def targets(count: int) -> list[Target]:
    """The ``count`` journeys with most instances: the ones whose recompute takes longest."""
    from django.db.models import Count

    from journeys.models import Journey
    from journeys.selectors.ingest import touchpoint_index

    journeys = Journey.objects.active().annotate(size=Count("instances")).order_by("-size", "pk")[:count]
    return [Target(journey.pk, journey.slug, sorted(touchpoint_index(journey))) for journey in journeys]


def today_sample_size(cursor, journey_id: int, today: dt.date) -> int | None:
    cursor.execute(
        "SELECT sample_size FROM journeys_healthsnapshot WHERE journey_id = %s AND segment = '' AND as_of = %s",
        [journey_id, today],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def recompute_today(target_list: list[Target]) -> None:
    from journeys.models import Journey, PendingRecompute
    from journeys.services.health import journey_health_compute

    for target in target_list:
        PendingRecompute.objects.filter(journey_id=target.journey_id).delete()
        journey_health_compute(journey=Journey.objects.get(pk=target.journey_id))


def clean_up(target_list: list[Target]) -> None:
    """Delete what the run wrote, then recompute today, so the reference data stays as loaded."""
    from django.db import connection, transaction

    from journeys.models import PendingRecompute

    ids = [target.journey_id for target in target_list]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM journeys_interaction WHERE instance_id IN (SELECT id FROM journeys_journeyinstance "
            "WHERE journey_id = ANY(%s) AND external_id LIKE %s)",
            [ids, f"{PREFIX}%"],
        )
        cursor.execute(
            "DELETE FROM journeys_journeyinstance WHERE journey_id = ANY(%s) AND external_id LIKE %s",
            [ids, f"{PREFIX}%"],
        )
    PendingRecompute.objects.all().delete()
    recompute_today(target_list)


# --- what the clients send -------------------------------------------------------------------------------


def ingest_batch(*, slug: str, touchpoints: list[str], prefix: str, size: int, now: dt.datetime) -> dict:
    """``size`` new instances started ten minutes before ``now``, six interactions each on the given touchpoints."""
    instances = []
    for n in range(size):
        started = now - dt.timedelta(minutes=10, seconds=n % 60)
        interactions = [
            {
                "external_id": f"x{k}",
                "touchpoint": touchpoints[k % len(touchpoints)],
                "occurred_at": (started + dt.timedelta(minutes=k + 1)).isoformat(),
                "satisfaction": 1 + (n + k) % 5,
            }
            for k in range(INTERACTIONS_PER_INSTANCE)
        ]
        instances.append(
            {
                "external_id": f"{prefix}-{n}",
                "customer_ref": f"c-{prefix}-{n}",
                "started_at": started.isoformat(),
                "ended_at": (started + dt.timedelta(minutes=INTERACTIONS_PER_INSTANCE + 1)).isoformat(),
                "outcome": "completed" if n % 7 else "abandoned",
                "satisfaction": 1 + n % 5,
                "interactions": interactions,
            }
        )
    return {"journey": slug, "instances": instances}


@dataclass
class Batch:
    journey_id: int
    committed_at: float  # time.monotonic() when the 200 arrived
    expected: int  # today's sample size that includes this batch
    reflected_after: float | None = None


@dataclass
class Tally:
    read_ms: dict[str, list[float]] = field(default_factory=dict)
    read_errors: int = 0
    write_ms: list[float] = field(default_factory=list)
    write_errors: int = 0
    write_error_samples: list[str] = field(default_factory=list)
    instances: int = 0
    interactions: int = 0
    batches: list[Batch] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def reader(port: int, paths: list[tuple[str, dict]], start: int, stop: threading.Event, tally: Tally) -> None:
    connection = _connect(port)
    position = start
    while not stop.is_set():
        path, headers = paths[position % len(paths)]
        position += 1
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = _connect(port)
        elapsed = (time.perf_counter() - began) * 1000
        with tally.lock:
            tally.read_ms.setdefault(path, []).append(elapsed)
            tally.read_errors += not ok
    connection.close()


def writer(port: int, token: str, target: Target, name: str, size: int, stop: threading.Event, tally: Tally) -> None:
    connection = _connect(port)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
    number = 0
    while not stop.is_set():
        body = json.dumps(
            ingest_batch(
                slug=target.slug,
                touchpoints=target.touchpoints,
                prefix=f"{PREFIX}{name}-{number}",
                size=size,
                now=dt.datetime.now(dt.UTC),
            )
        )
        number += 1
        began = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/ingest/", body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            ok = response.status == 200
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            ok, content = False, str(error).encode()
            connection.close()
            connection = _connect(port)
        arrived = time.monotonic()
        elapsed = (time.perf_counter() - began) * 1000
        with tally.lock:
            tally.write_ms.append(elapsed)
            if not ok:
                tally.write_errors += 1
                if len(tally.write_error_samples) < 3:
                    tally.write_error_samples.append(content[:300].decode(errors="replace"))
                continue
            # Every row is new: "created" counts the instances and their interactions.
            instances = json.loads(content)["created"] // (1 + INTERACTIONS_PER_INSTANCE)
            tally.instances += instances
            tally.interactions += instances * INTERACTIONS_PER_INSTANCE
            target.committed += instances
            tally.batches.append(Batch(target.journey_id, arrived, target.baseline + target.committed))
    connection.close()


def poller(database_url: str, today: dt.date, writers_done: threading.Event, settle_seconds: float, tally: Tally):
    """Until every batch is reflected (or ``settle_seconds`` after the writers stop): read today's sample sizes."""
    import psycopg

    from .database import conninfo

    settle_deadline = None
    with psycopg.connect(conninfo(database_url), autocommit=True) as connection, connection.cursor() as cursor:
        while True:
            with tally.lock:
                waiting = [batch for batch in tally.batches if batch.reflected_after is None]
            if writers_done.is_set():
                settle_deadline = settle_deadline or time.monotonic() + settle_seconds
                if not waiting or time.monotonic() > settle_deadline:
                    return
            for journey_id in {batch.journey_id for batch in waiting}:
                size = today_sample_size(cursor, journey_id, today)
                seen = time.monotonic()
                for batch in waiting:
                    if batch.journey_id == journey_id and size is not None and size >= batch.expected:
                        batch.reflected_after = seen - batch.committed_at
            time.sleep(POLL_SECONDS)


# --- the worker ------------------------------------------------------------------------------------------


def start_worker(env: dict) -> subprocess.Popen:
    python = sys.executable
    subprocess.run(  # noqa: S603 - fixed argv
        [python, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [python, "-m", "celery", "-A", "config", "--quiet", "worker", "--loglevel", "WARNING", "--concurrency", "2"],
        cwd=PROJECT_ROOT, env=env,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- one run ---------------------------------------------------------------------------------------------


def run_once(
    *,
    readers: int,
    writers: int,
    batch: int,
    seconds: float,
    settle_seconds: float,
    workers: int,
    threads: int,
    broker_url: str,
) -> dict:
    from django.utils import timezone

    from .database import database_url

    target_list = targets(writers)
    recompute_today(target_list)
    today = timezone.localdate()
    from django.db import connection

    with connection.cursor() as cursor:
        for target in target_list:
            target.baseline = today_sample_size(cursor, target.journey_id, today) or 0
            target.committed = 0
    read_headers = {"Authorization": f"Token {api_token()}", "Accept": "application/json"}
    page_headers = {"Cookie": manager_session_cookie(), "Accept": "text/html"}
    paths = [(path, read_headers) for path in API_PATHS] + [
        (path.format(slug=target_list[0].slug), page_headers) for path in PAGE_PATHS
    ]
    token = writer_token()
    env = {"BENCH_CELERY_BROKER_URL": broker_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    worker_env = {**os.environ, **env}
    worker = start_worker(worker_env)
    tally = Tally()
    try:
        with gunicorn(workers=workers, threads=threads, extra_env=env) as port:
            # Warm-up: every path once per reader, one batch per journey reflected (the worker is up).
            warm_stop = threading.Event()
            warm = Tally()
            for position in range(len(paths)):
                threading.Thread(target=reader, args=(port, paths, position, warm_stop, warm)).start()
            warm_writers = [
                threading.Thread(target=writer, args=(port, token, target, f"w{index}-warm", batch, warm_stop, warm))
                for index, target in enumerate(target_list)
            ]
            for thread in warm_writers:
                thread.start()
            time.sleep(3)
            warm_stop.set()
            for thread in warm_writers:
                thread.join()
            warm_done = threading.Event()
            warm_done.set()
            poller(database_url(), today, warm_done, settle_seconds, warm)
            if any(batch_.reflected_after is None for batch_ in warm.batches):
                raise RuntimeError("the worker did not recompute the warm-up batches")

            stop, writers_done = threading.Event(), threading.Event()
            began = time.monotonic()
            polling = threading.Thread(target=poller, args=(database_url(), today, writers_done, settle_seconds, tally))
            polling.start()
            with ThreadPoolExecutor(readers + writers) as pool:
                futures = [pool.submit(reader, port, paths, index, stop, tally) for index in range(readers)]
                for index in range(writers):
                    target = target_list[index % len(target_list)]
                    futures.append(pool.submit(writer, port, token, target, f"w{index}", batch, stop, tally))
                time.sleep(seconds)
                stop.set()
                for future in futures:
                    future.result()
            elapsed = time.monotonic() - began
            writers_done.set()
            polling.join()
    finally:
        stop_worker(worker)
        clean_up(target_list)
    all_reads = [value for values in tally.read_ms.values() for value in values]
    lags = [b.reflected_after for b in tally.batches if b.reflected_after is not None]
    return {
        "seconds": elapsed,
        "reads": len(all_reads),
        "read_p50_ms": _p50(all_reads),
        "read_p95_ms": _p95(all_reads),
        "reads_per_second": len(all_reads) / elapsed,
        "read_errors": tally.read_errors,
        "read_p95_ms_by_path": {path: round(_p95(values), 1) for path, values in tally.read_ms.items()},
        "read_requests_by_path": {path: len(values) for path, values in tally.read_ms.items()},
        "writes": len(tally.write_ms),
        "write_p50_ms": _p50(tally.write_ms),
        "write_p95_ms": _p95(tally.write_ms),
        "write_errors": tally.write_errors,
        "write_error_samples": tally.write_error_samples,
        "instances_per_second": tally.instances / elapsed,
        "interactions_per_second": tally.interactions / elapsed,
        "batches": len(tally.batches),
        "reflected": len(lags),
        "lag_p50_s": _p50(lags),
        "lag_p95_s": _p95(lags),
        "lag_max_s": max(lags) if lags else None,
        "journeys": [target.slug for target in target_list],
        "readers": readers,
        "writers": writers,
        "batch": batch,
        "workers": workers,
        "threads": threads,
        "load_average": os.getloadavg(),
    }


def _figures(result: dict) -> list[Figure]:
    load = "load average {:.1f} / {:.1f} / {:.1f}".format(*result["load_average"])
    by_path = result["read_p95_ms_by_path"]
    api = [value for path, value in by_path.items() if path.startswith("/api/")]
    pages = [value for path, value in by_path.items() if not path.startswith("/api/")]
    api_text = ", ".join(f"{value:.0f}" for value in api)
    pages_text = ", ".join(f"{value:.0f}" for value in pages)
    return [
        Figure(
            SECTION,
            f"reads p95 ({result['readers']} readers, {result['reads']:,} requests, {result['read_errors']} errors)",
            round(result["read_p95_ms"], 1) if result["read_p95_ms"] is not None else None,
            "ms",
            beside=f"p50 {result['read_p50_ms']:.1f} ms, {result['reads_per_second']:.0f} req/s; per path p95 "
            f"API {api_text} ms, pages {pages_text} ms",
            details=result,
        ),
        Figure(
            SECTION,
            f"ingest writes p95 ({result['writers']} writers x {result['batch']} instances, "
            f"{result['writes']} batches, {result['write_errors']} errors)",
            round(result["write_p95_ms"], 1) if result["write_p95_ms"] is not None else None,
            "ms",
            beside=f"p50 {result['write_p50_ms']:.1f} ms; {result['instances_per_second']:.0f} instances/s, "
            f"{result['interactions_per_second']:.0f} interactions/s",
            target="0 errors",
            ok=result["write_errors"] == 0 and result["read_errors"] == 0,
        ),
        Figure(
            SECTION,
            f"commit -> today's health includes the batch, p95 ({result['reflected']} of "
            f"{result['batches']} batches seen)",
            round(result["lag_p95_s"], 2) if result["lag_p95_s"] is not None else None,
            "s",
            beside=f"p50 {result['lag_p50_s'] or 0:.2f} s, max {result['lag_max_s'] or 0:.2f} s; {load}",
            target=f"<= {LAG_TARGET_SECONDS:g} s",
            ok=result["lag_p95_s"] is not None
            and result["lag_p95_s"] <= LAG_TARGET_SECONDS
            and result["reflected"] == result["batches"],
        ),
    ]


def measure(
    *,
    readers: int = 18,
    writers: int = 2,
    batch: int = 100,
    seconds: float = 60.0,
    settle_seconds: float = 180.0,
    workers: int = 2,
    threads: int = 4,
    broker_url: str | None = None,
) -> list[Figure]:
    broker_url = broker_url or os.environ.get("BENCH_CELERY_BROKER_URL", DEFAULT_BROKER)
    result = run_once(
        readers=readers,
        writers=writers,
        batch=batch,
        seconds=seconds,
        settle_seconds=settle_seconds,
        workers=workers,
        threads=threads,
        broker_url=broker_url,
    )
    return _figures(result)
