"""Fixtures of the benchmark tests: the reference generator at a tiny scale, on PostgreSQL only."""

import datetime as dt

import pytest
from django.db import connection

from benchmarks import generator

TINY_SCALE = 0.0005  # 500 instances
TINY_JOURNEYS = 4
TINY_ISSUES = 3
TINY_SNAPSHOT_DAYS = 3
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the generator loads with PostgreSQL's COPY and the floor is PostgreSQL SQL: run with DATABASE_URL")


@pytest.fixture
def tiny_reference_data(postgresql):
    with connection.cursor() as cursor:
        return generator.load_reference_data(
            cursor.cursor,  # psycopg's cursor under Django's wrapper: COPY needs it
            scale=TINY_SCALE,
            seed=7,
            now=NOW,
            processes=0,
            journey_count=TINY_JOURNEYS,
            issues_per_journey=TINY_ISSUES,
            snapshot_days=TINY_SNAPSHOT_DAYS,
            defer_indexes=False,
        )
