"""CSV import through the project's importer beside PostgreSQL COPY of the same rows into the same tables.

The CSV is built from the reference data: the interactions of real instances of the biggest
journey, given new external ids (``IMP<copy>-...``) so that every row is new, repeated as often as
needed to reach N rows. The importer runs in a subprocess (benchmarks.import_worker) exactly as
``manage.py import_interactions FILE --journey SLUG`` does, so its peak memory is its own. COPY
gets the same rows, already parsed and with ids assigned (its time is the load alone). After each
run the imported rows are deleted again, so the reference data stays as loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from .report import Figure, unavailable

SECTION = "import"
TARGET_RATIO = 3.0
PREFIX = "IMP"
HEADER = [
    "journey",
    "instance_external_id",
    "customer_ref",
    "segment",
    "started_at",
    "ended_at",
    "outcome",
    "instance_satisfaction",
    "interaction_external_id",
    "touchpoint",
    "channel",
    "occurred_at",
    "satisfaction",
    "resolved",
    "repeat",
    "reidentified",
]


def importer_available() -> bool:
    return (
        importlib.util.find_spec("journeys.services.imports") is not None
        and importlib.util.find_spec("journeys.management.commands.import_interactions") is not None
    )


def target_journey() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.id, j.slug FROM journeys_journey j JOIN journeys_journeyinstance i ON i.journey_id = j.id "
            "GROUP BY j.id, j.slug ORDER BY count(*) DESC, j.id LIMIT 1"
        )
        return cursor.fetchone()


def _cell(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def write_csv(path: Path, *, journey_id: int, slug: str, rows: int) -> int:
    """Write ``rows`` interaction rows of new instances of the journey; return the instance count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.external_id, i.customer_ref, i.segment, i.started_at, i.ended_at, i.outcome, i.satisfaction, "
            "x.external_id, t.key, x.channel, x.occurred_at, x.satisfaction, x.resolved, x.repeat, x.reidentified "
            "FROM journeys_journeyinstance i JOIN journeys_interaction x ON x.instance_id = i.id "
            "JOIN journeys_touchpoint t ON t.id = x.touchpoint_id "
            "WHERE i.id IN (SELECT id FROM journeys_journeyinstance WHERE journey_id = %s ORDER BY id LIMIT %s) "
            "ORDER BY i.id, x.occurred_at, x.id",
            [journey_id, rows // 4 + 1],
        )
        source = cursor.fetchall()
    written = 0
    instances = set()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        copy = 0
        while written < rows:
            for row in source:
                if written >= rows:
                    break
                external_id = f"{PREFIX}{copy}-{row[0]}"
                instances.add(external_id)
                writer.writerow([slug, external_id, *(_cell(value) for value in row[1:])])
                written += 1
            copy += 1
    return len(instances)


def run_importer(path: Path, slug: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    completed = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "benchmarks.import_worker", str(path), slug],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return {"error": (completed.stderr or completed.stdout)[-2000:]}
    return json.loads(lines[-1])


def _parse_for_copy(path: Path, *, journey_id: int) -> tuple[str, str, int]:
    """The CSV as COPY text for the two tables (ids assigned here); not part of the COPY time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, id FROM journeys_touchpoint WHERE journey_id = %s", [journey_id])
        touchpoints = dict(cursor.fetchall())
        cursor.execute("SELECT coalesce(max(id), 0) FROM journeys_journeyinstance")
        next_id = cursor.fetchone()[0] + 1
    now = dt.datetime.now(dt.UTC).isoformat()
    instance_ids: dict[str, int] = {}
    instance_lines, interaction_lines = [], []

    def text(value: str) -> str:
        return value if value else "\\N"

    def flag(value: str) -> str:
        return {"true": "t", "false": "f"}.get(value, "\\N")

    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            (
                _slug,
                external_id,
                customer_ref,
                segment,
                started_at,
                ended_at,
                outcome,
                instance_satisfaction,
                interaction_id,
                key,
                channel,
                occurred_at,
                satisfaction,
                resolved,
                repeat,
                reidentified,
            ) = row
            instance_id = instance_ids.get(external_id)
            if instance_id is None:
                instance_id = instance_ids[external_id] = next_id
                next_id += 1
                instance_lines.append(
                    f"{instance_id}\t{now}\t{now}\t{external_id}\t{customer_ref}\t{segment}\t{started_at}\t"
                    f"{text(ended_at)}\t{outcome}\t{text(instance_satisfaction)}\t{journey_id}\n"
                )
            interaction_lines.append(
                f"{now}\t{now}\t{interaction_id}\t{channel}\t{occurred_at}\t{text(satisfaction)}\t{flag(resolved)}\t"
                f"{flag(repeat) if repeat else 'f'}\t{flag(reidentified) if reidentified else 'f'}\t{instance_id}\t"
                f"{touchpoints[key]}\n"
            )
    return "".join(instance_lines), "".join(interaction_lines), len(interaction_lines)


def run_copy(path: Path, *, journey_id: int) -> float:
    from .generator import INSTANCE_COLUMNS, INTERACTION_COLUMNS

    instances, interactions, _count = _parse_for_copy(path, journey_id=journey_id)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # cursor.cursor: the psycopg cursor under Django's wrapper.
        with cursor.cursor.copy(f"COPY journeys_journeyinstance ({INSTANCE_COLUMNS}) FROM STDIN") as copy:
            copy.write(instances)
        with cursor.cursor.copy(f"COPY journeys_interaction ({INTERACTION_COLUMNS}) FROM STDIN") as copy:
            copy.write(interactions)
    return time.perf_counter() - started


def clean_up(journey_id: int) -> None:
    """Remove what an import or a COPY added, so the reference data stays as loaded."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM journeys_interaction WHERE instance_id IN (SELECT id FROM journeys_journeyinstance "
            "WHERE journey_id = %s AND external_id LIKE %s)",
            [journey_id, f"{PREFIX}%"],
        )
        cursor.execute(
            "DELETE FROM journeys_journeyinstance WHERE journey_id = %s AND external_id LIKE %s",
            [journey_id, f"{PREFIX}%"],
        )
        cursor.execute("DELETE FROM journeys_import")
        for table in ("journeys_journeyinstance", "journeys_interaction"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(coalesce(max(id), 0), 1)) "
                f"FROM {table}"
            )


def measure(*, rows: int, repeats: int = 5) -> list[Figure]:
    """Importer and COPY take turns ``repeats`` times per size; each figure is the median of its runs.

    One run of either can take twice as long as the next on a shared machine (checkpoints, other
    processes), so a single pair of runs could report a ratio that is mostly noise.
    """
    if not importer_available():
        return [unavailable(SECTION, "journeys.services.imports and manage.py import_interactions (the CSV importer)")]
    journey_id, slug = target_journey()
    figures = []
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        for count in (rows, 10 * rows):
            path = Path(folder) / f"interactions-{count}.csv"
            instances = write_csv(path, journey_id=journey_id, slug=slug, rows=count)
            runs, copies = [], []
            for _ in range(repeats):
                clean_up(journey_id)
                runs.append(run_importer(path, slug))
                clean_up(journey_id)
                copies.append(run_copy(path, journey_id=journey_id))
            clean_up(journey_id)
            failed = next((run for run in runs if "error" in run), None)
            if failed is not None:
                results[count] = {"instances": instances, **failed}
                continue
            results[count] = {
                "instances": instances,
                "repeats": repeats,
                "seconds": statistics.median(run["seconds"] for run in runs),
                "copy_seconds": statistics.median(copies),
                "importer_runs": [round(run["seconds"], 3) for run in runs],
                "copy_runs": [round(seconds, 3) for seconds in copies],
                "baseline_rss_mb": min(run["baseline_rss_mb"] for run in runs),
                "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
                "output": runs[-1]["output"],
            }
    # The uploads the importer stored under the benchmark's own MEDIA_ROOT (benchmarks/settings.py).
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "imports", ignore_errors=True)
    for count, result in results.items():
        label = f"{count:,} rows ({result['instances']:,} instances, median of {result.get('repeats', 1)})"
        if "error" in result:
            figures.append(Figure(SECTION, f"importer on {count:,} rows failed", None, details=result))
            continue
        ratio = result["seconds"] / result["copy_seconds"]
        figures.append(
            Figure(
                SECTION,
                f"import {label} via manage.py import_interactions",
                round(result["seconds"], 2),
                "s",
                beside=f"COPY {result['copy_seconds']:.2f} s",
                details=result,
            )
        )
        figures.append(
            Figure(
                SECTION,
                f"ratio importer / COPY at {count:,} rows",
                round(ratio, 2),
                "x",
                target=f"<= {TARGET_RATIO:g}x",
                ok=ratio <= TARGET_RATIO,
            )
        )
    small, large = results[rows], results[10 * rows]
    if "error" not in small and "error" not in large:
        growth_small = small["peak_rss_mb"] - small["baseline_rss_mb"]
        growth_large = large["peak_rss_mb"] - large["baseline_rss_mb"]
        figures.append(
            Figure(
                SECTION,
                f"importer peak memory above its start, {rows:,} rows -> {10 * rows:,} rows",
                f"{growth_small:.0f} MB -> {growth_large:.0f} MB",
                beside=f"peak RSS {small['peak_rss_mb']:.0f} MB -> {large['peak_rss_mb']:.0f} MB",
                target="flat (streaming)",
                # Streaming: ten times the rows may cost a little more, never ten times the memory.
                ok=growth_large <= max(2 * growth_small, growth_small + 20),
            )
        )
    return figures
