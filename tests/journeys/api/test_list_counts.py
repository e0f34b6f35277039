"""Unfiltered lists of the big tables report PostgreSQL's row estimate as their count, and say so."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.models import HealthSnapshot
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
    analyse("journeys_journeyinstance", "journeys_interaction")
    return six_instances


def analyse(*tables):
    """The planner's statistics of ``tables`` brought up to date (PostgreSQL only: elsewhere, the test is skipped)."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's: run with DATABASE_URL")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


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

    # when: a first page that is not the last
    body = viewer_client.get(path, {"page_size": 2}).json()

    # then
    assert body["count_is_estimate"] is True
    assert body["count"] == reltuples(table)
    assert len(body["results"]) == 2


@pytest.mark.parametrize("path", [INSTANCES, INTERACTIONS])
def test_an_estimated_page_reads_the_estimate_in_its_own_query(viewer_client, analysed, settings, path):
    # given
    settings.API_ESTIMATED_COUNT_FROM = 1

    # when: a page with more after it, so that the count is asked
    with CaptureQueriesContext(connection) as queries:
        body = viewer_client.get(path, {"page_size": 2}).json()

    # then: the estimate, from the page's one query (no query of pg_class of its own)
    assert body["count_is_estimate"] is True
    [page] = [query["sql"] for query in queries.captured_queries]
    assert "pg_class" in page


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


def pages(client, path, **params):
    """Every page of a list by its ``next`` links: (status, body) of each, the first included."""
    answers, url = [], path
    while url:
        response = client.get(url, params) if url == path else client.get(url)
        answers.append((response.status_code, response.json()))
        url = response.json().get("next") if response.status_code == 200 else None
    return answers


def test_a_table_that_grew_since_its_estimate_is_paged_to_its_last_row(viewer_client, analysed, settings):
    # given: four instances more than the planner's estimate of six knows of
    settings.API_ESTIMATED_COUNT_FROM = 1
    journey = analysed[0].journey
    for number in range(6, 10):
        factories.JourneyInstanceFactory(journey=journey, external_id=f"i{number}")
    assert reltuples("journeys_journeyinstance") == 6

    # when: a client follows the next links, two rows a page
    answers = pages(viewer_client, INSTANCES, page_size=2)

    # then: five pages, every instance once; the pages say the estimate until the last, which counts exactly
    assert [status for status, _ in answers] == [200] * 5
    ids = [row["id"] for _, body in answers for row in body["results"]]
    assert sorted(ids) == sorted(journey.instances.values_list("id", flat=True))
    assert [(body["count"], body["count_is_estimate"]) for _, body in answers] == [(6, True)] * 2 + [
        (7, True),
        (9, True),
        (10, False),
    ]
    assert viewer_client.get(INSTANCES, {"page_size": 2, "page": 6}).status_code == 404


def test_a_table_that_shrank_since_its_estimate_ends_at_its_last_row(viewer_client, analysed, settings):
    # given: three of the six instances the estimate knows of are gone
    settings.API_ESTIMATED_COUNT_FROM = 1
    for instance in analysed[:3]:
        instance.delete()

    # when
    answers = pages(viewer_client, INSTANCES, page_size=2)

    # then: two pages, the second the last with the exact count; no empty page before the estimate's end
    assert [(status, len(body["results"])) for status, body in answers] == [(200, 2), (200, 1)]
    assert (answers[1][1]["count"], answers[1][1]["count_is_estimate"], answers[1][1]["next"]) == (3, False, None)
    assert viewer_client.get(INSTANCES, {"page_size": 2, "page": 3}).status_code == 404


SNAPSHOTS = "/api/v1/health-snapshots/"


@pytest.fixture
def analysed_snapshots(mapped_journey):
    for days in range(5):
        factories.HealthSnapshotFactory(journey=mapped_journey, as_of=DAY.date() - dt.timedelta(days=days))
    factories.HealthSnapshotFactory(segment="business", as_of=DAY.date())
    analyse("journeys_healthsnapshot")
    return mapped_journey


def test_the_health_snapshot_list_reports_the_planner_estimate_unfiltered_and_counts_a_filter(
    viewer_client, analysed_snapshots, settings
):
    # given: every table counts as big; two snapshots more than the estimate knows of
    settings.API_ESTIMATED_COUNT_FROM = 1
    factories.HealthSnapshotFactory(journey=analysed_snapshots, as_of=DAY.date() - dt.timedelta(days=9))
    factories.HealthSnapshotFactory(journey=analysed_snapshots, as_of=DAY.date() - dt.timedelta(days=10))
    assert reltuples("journeys_healthsnapshot") == 6

    # when
    unfiltered = viewer_client.get(SNAPSHOTS, {"page_size": 2}).json()
    filtered = viewer_client.get(SNAPSHOTS, {"journey": analysed_snapshots.slug, "page_size": 2}).json()
    every_page = pages(viewer_client, SNAPSHOTS, page_size=3)

    # then: the estimate unfiltered, an exact count filtered, every snapshot once by the next links
    assert (unfiltered["count"], unfiltered["count_is_estimate"]) == (6, True)
    assert (filtered["count"], filtered["count_is_estimate"]) == (7, False)
    assert sorted(row["id"] for _, body in every_page for row in body["results"]) == sorted(
        HealthSnapshot.objects.values_list("id", flat=True)
    )
    assert (every_page[-1][1]["count"], every_page[-1][1]["count_is_estimate"]) == (8, False)


def test_a_small_health_snapshot_list_is_counted_exactly(viewer_client, mapped_journey):
    # given: the default threshold, three snapshots
    for days in range(3):
        factories.HealthSnapshotFactory(journey=mapped_journey, as_of=DAY.date() - dt.timedelta(days=days))

    # when
    body = viewer_client.get(SNAPSHOTS).json()

    # then
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (3, False, 3)
