"""PostgreSQL date-times read by psycopg's compiled loader: the same values, of the same kind, as Django's."""

import datetime as dt

import psycopg
import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.pq import Format

from core.db import _COMPILED, TIMESTAMPTZ, UtcTimestamptzLoader
from tests import factories

pytestmark = pytest.mark.django_db

TEXTS = [
    "2026-06-06 14:19:41+00",
    "2026-06-06 14:19:41.5+00",
    "2026-06-06 16:19:41.123456+02",  # another offset: converted, not kept
    "1999-12-31 23:59:59.999999-11:30",
    "0001-01-01 00:00:00+00",
    "2026-03-29 01:30:00+00",  # around a daylight-saving change elsewhere
]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's loaders are PostgreSQL's: run with DATABASE_URL")
    connection.ensure_connection()


class DjangoUtc(BaseTzLoader):
    timezone = dt.UTC


def read(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_every_connection_reads_date_times_with_the_compiled_loader(postgresql):
    registered = connection.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert registered is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)(TIMESTAMPTZ, cursor.cursor)
        assert loader.load.__self__.__class__ is _COMPILED


def test_the_compiled_loader_gives_what_djangos_gives(postgresql):
    rows = read("SELECT t::timestamptz, t FROM unnest(%s::text[]) AS t", [TEXTS])
    with connection.cursor() as cursor:
        django_loader = DjangoUtc(TIMESTAMPTZ, cursor.cursor)
        ours = UtcTimestamptzLoader(TIMESTAMPTZ, cursor.cursor)
    for value, text in rows:
        assert value == django_loader.load(text.encode()), text
        assert value.tzinfo is dt.UTC, text
        assert ours.load(text.encode()) == value, text


def test_a_model_reads_its_date_times_as_before(postgresql):
    journey = factories.JourneyFactory()
    instance = factories.JourneyInstanceFactory(
        journey=journey, started_at=dt.datetime(2026, 6, 6, 14, 19, 41, 123456, tzinfo=dt.UTC)
    )
    read_back = type(instance).objects.get(pk=instance.pk)
    assert read_back.started_at == instance.started_at
    assert read_back.started_at.tzinfo is dt.UTC


def test_a_session_in_another_time_zone_reads_as_django_reads(postgresql):
    """Django sets the session to UTC when it connects; a raw SET TIME ZONE gets Django's loader back."""
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Paris'")
    try:
        rows = read("SELECT t::timestamptz, t::timestamptz::text FROM unnest(%s::text[]) AS t", [TEXTS])
        with connection.cursor() as cursor:
            loader = UtcTimestamptzLoader(TIMESTAMPTZ, cursor.cursor)
            assert loader.load.__self__.__class__ is not _COMPILED
            django_loader = DjangoUtc(TIMESTAMPTZ, cursor.cursor)
            for value, text in rows:
                assert value == django_loader.load(text.encode()) == loader.load(text.encode()), text
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")


def test_a_date_time_python_cannot_hold_is_refused_as_before(postgresql):
    with connection.cursor() as cursor:
        django_loader = DjangoUtc(TIMESTAMPTZ, cursor.cursor)
    with pytest.raises(psycopg.DataError):
        django_loader.load(b"infinity")
    with pytest.raises(DataError, match="too large"):
        read("SELECT 'infinity'::timestamptz")
