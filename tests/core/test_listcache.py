"""API list pages from the cache (core.listcache): served again only while no write has committed since.

These tests commit (transactional_db), as production does: the generation moves after each commit.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from core import listcache
from journeys.models import Journey
from owners.models import Function
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reader(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)
    return api_client


def names(response):
    return sorted(row["name"] for row in response.json()["results"])


def test_a_list_read_again_comes_from_the_cache_with_the_same_answer(reader, journey, django_assert_num_queries):
    first = reader.get("/api/v1/journeys/")

    with django_assert_num_queries(1):  # the data generation; the page itself comes from the cache
        again = reader.get("/api/v1/journeys/")

    assert again.status_code == 200
    assert again.content == first.content
    for header in ("Content-Type", "Vary", "Allow"):
        assert again.headers.get(header) == first.headers.get(header), header


def test_a_write_through_the_api_is_in_the_next_read(api_client, manager_user, viewer_user):
    api_client.force_authenticate(viewer_user)
    before = names(api_client.get("/api/v1/functions/"))
    api_client.force_authenticate(manager_user)

    created = api_client.post("/api/v1/functions/", {"name": "Billing", "slug": "billing"})

    assert created.status_code == 201, created.json()
    api_client.force_authenticate(viewer_user)
    assert names(api_client.get("/api/v1/functions/")) == sorted([*before, "Billing"])


def test_a_transaction_sees_its_own_writes_and_others_see_them_once_it_commits(reader, journey):
    assert names(reader.get("/api/v1/journeys/")) == [journey.name]

    with transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(name="Renamed")
        assert names(reader.get("/api/v1/journeys/")) == ["Renamed"]  # not the cached page

    assert names(reader.get("/api/v1/journeys/")) == ["Renamed"]


def test_a_rolled_back_write_leaves_the_generation_as_it_was(reader, journey):
    generation = listcache.current_generation()

    with transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(name="Renamed")
        transaction.set_rollback(True)

    assert listcache.current_generation() == generation
    assert names(reader.get("/api/v1/journeys/")) == [journey.name]


def test_a_raw_sql_write_in_autocommit_moves_the_generation_at_once(reader, journey):
    reader.get("/api/v1/journeys/")
    generation = listcache.current_generation()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE journeys_journey SET name = %s WHERE id = %s", ["By hand", journey.pk])

    assert listcache.current_generation() == generation + 1
    assert names(reader.get("/api/v1/journeys/")) == ["By hand"]


def test_a_transaction_of_many_writes_moves_the_generation_once(journey):
    generation = listcache.current_generation()

    with transaction.atomic():
        for number in range(3):
            factories.JourneyFactory(slug=f"more-{number}")
        Journey.objects.filter(pk=journey.pk).update(name="Renamed")

    assert listcache.current_generation() == generation + 1


def test_each_user_and_url_has_its_own_page_and_the_browsable_api_is_never_cached(
    api_client, viewer_user, manager_user, journey, django_assert_max_num_queries
):
    factories.JourneyFactory(slug="second", name="Second")
    api_client.force_authenticate(viewer_user)
    assert len(api_client.get("/api/v1/journeys/").json()["results"]) == 2
    assert len(api_client.get("/api/v1/journeys/?page_size=1").json()["results"]) == 1
    api_client.force_authenticate(manager_user)
    assert len(api_client.get("/api/v1/journeys/?page_size=1").json()["results"]) == 1
    assert len(cache._cache) == 3  # noqa: SLF001 (the local-memory cache of the tests)

    api_client.get("/api/v1/journeys/", HTTP_ACCEPT="text/html")
    with django_assert_max_num_queries(100) as html:
        api_client.get("/api/v1/journeys/", HTTP_ACCEPT="text/html")
    assert len(html.captured_queries) > 1
    assert len(cache._cache) == 3  # noqa: SLF001


def test_an_answer_other_than_200_is_not_cached(reader):
    assert reader.get("/api/v1/journeys/?page=99").status_code == 404
    assert len(cache._cache) == 0  # noqa: SLF001


def test_the_cache_can_be_turned_off(reader, journey, settings, django_assert_num_queries):
    settings.API_LIST_CACHE_SECONDS = 0
    reader.get("/api/v1/journeys/")

    with django_assert_num_queries(2):  # count and page: built afresh
        reader.get("/api/v1/journeys/")


def test_the_command_moves_the_generation(journey, capsys):
    generation = listcache.current_generation()

    call_command("bump_data_generation")

    assert listcache.current_generation() == generation + 1
    assert str(generation + 1) in capsys.readouterr().out


def test_an_emptied_generation_table_starts_again_from_a_random_number(journey):
    with connection.cursor() as cursor:
        cursor.cursor.execute("DELETE FROM core_datageneration")  # the driver's cursor: no bump after it
    assert listcache.current_generation() is None

    Function.objects.create(name="Care", slug="care")

    assert listcache.current_generation() not in (None, 1, 2)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ("SELECT 1", False),
        ("  select * from t", False),
        ("SAVEPOINT s1", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ("WITH w AS (INSERT INTO t VALUES (1) RETURNING id) SELECT count(*) FROM w", True),
        ("INSERT INTO t VALUES (1)", True),
        ("UPDATE t SET a = 1", True),
        ("DELETE FROM t", True),
        ("TRUNCATE t", True),
        ("CREATE TEMPORARY TABLE t (a int)", True),
        (listcache.BUMP_SQL, False),
    ],
)
def test_statements_that_can_write_are_told_apart(sql, writes):
    assert listcache._writes(sql) is writes  # noqa: SLF001
