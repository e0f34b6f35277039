"""Unfiltered lists of the big tables report PostgreSQL's row estimate as their count, and say so."""

import datetime as dt

import pytest
from django.db import connection

from tests import factories

pytestmark = pytest.mark.django_db

INSTANCES = "/api/v1/instances/"
INTERACTIONS = "/api/v1/interactions/"
DAY = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def six_instances(mapped_journey):
    touchpoint = mapped_journey.touchpoints.first()
    rows = []
    for number in range(6):
        instance = factories.JourneyInstanceFactory(
            journey=mapped_journey,
            external_id=f"i{number}",
            segment="consumer" if number % 2 else "business",
            started_at=DAY + dt.timedelta(days=number),
        )
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, occurred_at=instance.started_at)
        rows.append(instance)
    return rows


@pytest.fixture
def analysed(six_instances):
    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's: run with DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journeys_journeyinstance")
        cursor.execute("ANALYZE journeys_interaction")
    return six_instances


def reltuples(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


def test_a_list_below_the_threshold_is_counted_exactly(viewer_client, six_instances):
    # when
    body = viewer_client.get(INSTANCES).json()

    # then
    assert body["count"] == 6
    assert body["count_is_estimate"] is False
    assert len(body["results"]) == 6


@pytest.mark.parametrize(
    ("path", "table"), [(INSTANCES, "journeys_journeyinstance"), (INTERACTIONS, "journeys_interaction")]
)
def test_an_unfiltered_list_of_a_big_table_reports_the_planner_estimate(viewer_client, analysed, settings, path, table):
    # given: every table counts as big
    settings.API_ESTIMATED_COUNT_FROM = 1

    # when
    body = viewer_client.get(path).json()

    # then
    assert body["count_is_estimate"] is True
    assert body["count"] == reltuples(table)
    assert len(body["results"]) == 6


def test_a_filtered_list_is_always_counted_exactly(viewer_client, analysed, settings):
    # given
    settings.API_ESTIMATED_COUNT_FROM = 1

    # when
    body = viewer_client.get(INSTANCES, {"segment": "consumer"}).json()

    # then
    assert body["count"] == 3
    assert body["count_is_estimate"] is False


def test_a_search_is_counted_exactly_too(viewer_client, analysed, settings):
    # given
    settings.API_ESTIMATED_COUNT_FROM = 1

    # when
    body = viewer_client.get(INSTANCES, {"search": "i4"}).json()

    # then
    assert body["count"] == 1
    assert body["count_is_estimate"] is False
