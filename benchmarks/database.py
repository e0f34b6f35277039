"""The benchmark's own PostgreSQL database: created, migrated, loaded once per scale, then reused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from . import generator

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/throughline_bench"
# Bump when the generated data changes shape, so an old load is not mistaken for a current one.
GENERATOR_VERSION = 1
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MARKER_TABLE = "bench_marker"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def conninfo(url: str) -> str:
    """psycopg accepts postgres:// URLs; normalise the scheme Django's env.db() also accepts."""
    return url.replace("postgresql://", "postgres://", 1)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(conninfo(_with_database(url, "postgres")), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(conninfo(_with_database(url, "postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    """Run the project's migrations against the benchmark database, exactly as an operator would."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PROJECT_ROOT, env=env, check=True
    )


def read_marker(url: str) -> dict | None:
    with psycopg.connect(conninfo(url)) as connection:
        exists = connection.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0]
        if not exists:
            return None
        row = connection.execute(f"SELECT details FROM {MARKER_TABLE} ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None


def _marker_matches(marker: dict | None, scale: float, seed: int) -> bool:
    return bool(
        marker
        and marker.get("scale") == scale
        and marker.get("seed") == seed
        and marker.get("generator_version") == GENERATOR_VERSION
    )


def prepare(*, scale: float, seed: int, processes: int, log=print) -> dict:
    """Make sure the benchmark database holds the reference data at ``scale``; return the marker.

    A database loaded at another scale (or by another generator version) is dropped and loaded
    again: the load is minutes, a stale data set would make every figure meaningless.
    """
    url = database_url()
    ensure_database(url)
    marker = read_marker(url)
    if _marker_matches(marker, scale, seed):
        migrate(url)  # new migrations merged since the load still apply
        log(f"reusing {urlsplit(url).path.lstrip('/')}: loaded at scale {scale} on {marker['loaded_at']}")
        return marker
    if marker is not None or _has_rows(url):
        log(f"reloading {urlsplit(url).path.lstrip('/')}: it holds another data set ({marker})")
        drop_database(url)
        ensure_database(url)
    started = time.perf_counter()
    migrate(url)
    migrate_seconds = time.perf_counter() - started
    log(f"migrated in {migrate_seconds:.1f} s; loading the reference data at scale {scale}...")
    with psycopg.connect(conninfo(url)) as connection, connection.cursor() as cursor:
        result = generator.load_reference_data(
            cursor, commit=connection.commit, scale=scale, seed=seed, processes=processes, progress=log
        )
        connection.commit()
    analyze_started = time.perf_counter()
    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        # The planner needs statistics, and a bulk load leaves the visibility map empty (no
        # index-only scans) until autovacuum passes by: do both now, as a settled database would be.
        connection.execute("VACUUM (ANALYZE)")
    result.seconds["vacuum_analyze"] = time.perf_counter() - analyze_started
    marker = {
        "scale": scale,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counts": result.counts,
        "load_seconds": {key: round(value, 2) for key, value in result.seconds.items()},
        "migrate_seconds": round(migrate_seconds, 2),
    }
    with psycopg.connect(conninfo(url)) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id serial PRIMARY KEY, details jsonb NOT NULL)")
        connection.execute(f"INSERT INTO {MARKER_TABLE} (details) VALUES (%s)", [json.dumps(marker)])
    log(f"loaded in {result.seconds['total']:.1f} s (+ {result.seconds['vacuum_analyze']:.1f} s VACUUM ANALYZE)")
    return marker


def _has_rows(url: str) -> bool:
    with psycopg.connect(conninfo(url)) as connection:
        exists = connection.execute("SELECT to_regclass('journeys_journey')").fetchone()[0]
        return bool(exists and connection.execute("SELECT EXISTS (SELECT 1 FROM journeys_journey)").fetchone()[0])
