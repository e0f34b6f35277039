"""How many broker messages a load of past data queues, and how long a worker takes to empty the queue.

    python -m benchmarks.recompute_queue [--batches 200] [--scale 0.05]

An integrator loads last month's journeys in many batches (``--batches`` calls of the ingest API's
service, 10 instances started 30 days ago each, on one demo journey), then uploads a CSV of the
same kind (``--csv-rows`` rows). Everything runs on the embedded defaults: a SQLite file and kombu's
filesystem broker, both in a temporary folder. The script prints the messages waiting on the
broker once the data is in, then starts one worker (``celery worker --pool solo``, as the Procfile
runs it) and prints how long until the CSV import finished and until the queue was empty.

It uses only functions that exist before and after the coalesced recompute (design section 15), so
the same file run from an older checkout measures the old behaviour.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()


def _environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
    }


def _queued(broker: Path) -> int:
    return sum(1 for path in (broker / "out").iterdir() if path.is_file())


def _load(batches: int, csv_rows: int) -> dict:
    """In this process: the demo's first journey gets ``batches`` ingest calls, then one CSV upload."""
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from journeys import records
    from journeys.models import Journey
    from journeys.services.imports import import_create
    from journeys.services.ingest import instance_batch_ingest

    journey = Journey.objects.active().order_by("slug").first()
    key = journey.touchpoints.order_by("pk").values_list("key", flat=True).first()
    started = timezone.now() - dt.timedelta(days=30)

    def instance(name: str, n: int) -> dict:
        begin = started + dt.timedelta(minutes=n)
        return {
            "external_id": f"{name}-{n}",
            "customer_ref": f"c-{name}-{n}",
            "started_at": begin.isoformat(),
            "ended_at": (begin + dt.timedelta(hours=2)).isoformat(),
            "outcome": "completed",
            "satisfaction": 1 + n % 5,
            "interactions": [
                {"external_id": "x-1", "touchpoint": key, "occurred_at": (begin + dt.timedelta(hours=1)).isoformat()}
            ],
        }

    began = time.perf_counter()
    for batch in range(batches):
        instance_batch_ingest(journey_slug=journey.slug, instances=[instance(f"b{batch}", n) for n in range(10)])
    ingest_seconds = time.perf_counter() - began

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(records.CSV_COLUMNS)
    for n in range(csv_rows):
        item = instance("csv", n)
        values = {
            "journey": journey.slug,
            "instance_external_id": item["external_id"],
            "customer_ref": item["customer_ref"],
            "started_at": item["started_at"],
            "ended_at": item["ended_at"],
            "outcome": item["outcome"],
            "instance_satisfaction": item["satisfaction"],
            "interaction_external_id": "x-1",
            "touchpoint": key,
            "occurred_at": item["interactions"][0]["occurred_at"],
        }
        writer.writerow([values.get(column, "") for column in records.CSV_COLUMNS])
    record = import_create(file=ContentFile(out.getvalue().encode(), name="last-month.csv"), journey=journey)
    return {"journey": journey.slug, "import_id": record.pk, "ingest_seconds": round(ingest_seconds, 1)}


def _import_status(database: Path, import_id: int) -> str | None:
    """Read straight from the SQLite file: a Django process per poll would cost a second of CPU each."""
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        row = db.execute("SELECT status FROM journeys_import WHERE id = ?", [import_id]).fetchone()
    return row[0] if row else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=200, help="ingest calls of 10 instances (default 200)")
    parser.add_argument("--csv-rows", type=int, default=500, help="rows of the CSV uploaded last (default 500)")
    parser.add_argument("--scale", default="0.05", help="seed_demo --scale (default 0.05)")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--phase", choices=["all", "load"], default="all", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.phase == "load":
        print(json.dumps(_load(options.batches, options.csv_rows)))
        return

    folder = Path(tempfile.mkdtemp(prefix="recompute-queue-"))
    env = _environment(folder)
    python = sys.executable
    quiet = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([python, "manage.py", "migrate", "--noinput"], **quiet)  # noqa: S603 - fixed argv
    subprocess.run([python, "manage.py", "seed_demo", "--scale", options.scale], **quiet)  # noqa: S603 - fixed argv
    broker = ROOT / "var" / "broker"
    for stale in (broker / "out").iterdir():  # seed_demo's own messages, and anything left by `make run`
        stale.unlink()
    loaded = subprocess.run(  # noqa: S603 - fixed argv
        [python, "-m", "benchmarks.recompute_queue", "--phase", "load", "--batches", str(options.batches),
         "--csv-rows", str(options.csv_rows)],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    facts = json.loads(loaded.stdout.strip().splitlines()[-1])
    queued = _queued(broker)

    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [python, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    began = time.monotonic()
    import_done = empty = None
    try:
        while time.monotonic() - began < options.timeout and (import_done is None or empty is None):
            finished = import_done is None and _import_status(folder / "db.sqlite3", facts["import_id"])
            if finished in ("succeeded", "failed"):
                import_done = time.monotonic() - began
            if empty is None and _queued(broker) == 0:
                empty = time.monotonic() - began
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(
        json.dumps(
            {
                **facts,
                "batches": options.batches,
                "csv_rows": options.csv_rows,
                "messages_queued": queued,
                "seconds_until_import_finished": round(import_done, 1) if import_done is not None else None,
                "seconds_until_queue_empty": round(empty, 1) if empty is not None else None,
                "folder": str(folder),
            }
        )
    )


if __name__ == "__main__":
    main()
