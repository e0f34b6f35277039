"""A list whose joins only show its related rows' names is counted on its own table (core.pagination)."""

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from core.pagination import rows_of_its_table
from improvements.models import Issue
from improvements.selectors import issue_rows
from journeys.models import Journey
from tests import factories

pytestmark = pytest.mark.django_db

ISSUES = "/api/v1/issues/"


@pytest.fixture
def five_issues(journey, stage):
    issues = [factories.IssueFactory(journey=journey, stage=stage if n % 2 else None) for n in range(5)]
    factories.IssueFactory.create_batch(2, journey=factories.JourneyFactory())
    return issues


def count_sql(queries):
    return [query["sql"] for query in queries if query["sql"].upper().startswith("SELECT COUNT(*)")]


def test_the_issue_rows_are_counted_on_the_issue_table_alone(five_issues):
    # given: the API's issue rows join the journey, stage and touchpoint for their names
    rows = issue_rows()
    assert "JOIN" in str(rows.query).upper()

    # when
    table = rows_of_its_table(rows)
    with CaptureQueriesContext(connection) as queries:
        counted = table.count()

    # then: the same count, without a join
    assert counted == len(list(rows)) == 7
    [sql] = count_sql(queries.captured_queries)
    assert "JOIN" not in sql.upper()


def test_the_issues_list_counts_without_a_join_and_pages_every_issue(viewer_client, five_issues):
    # when: two issues a page, so that the count is asked
    with CaptureQueriesContext(connection) as queries:
        first = viewer_client.get(ISSUES, {"page_size": 2}).json()
    counts = count_sql(queries.captured_queries)  # read before the next request resets the connection's log
    ids, url = [], ISSUES + "?page_size=2"
    while url:
        body = viewer_client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url = body["next"]

    # then
    assert first["count"] == 7
    [sql] = counts
    assert "JOIN" not in sql.upper()
    assert sorted(ids) == sorted(Issue.objects.values_list("id", flat=True))


def test_a_filtered_issues_list_keeps_its_exact_count(viewer_client, five_issues):
    # when
    body = viewer_client.get(ISSUES, {"journey": five_issues[0].journey.slug, "page_size": 2}).json()

    # then
    assert body["count"] == 5


@pytest.mark.parametrize(
    "queryset",
    [
        pytest.param(lambda: Issue.objects.filter(severity=2), id="a WHERE"),
        pytest.param(lambda: Journey.objects.annotate(title=F("issues__title")), id="a reverse join"),
        pytest.param(lambda: Issue.objects.values("journey").annotate(n=Count("id")), id="a GROUP BY"),
        pytest.param(lambda: Issue.objects.annotate(name=F("journey__name")).distinct(), id="DISTINCT"),
        pytest.param(lambda: Issue.objects.extra(tables=["journeys_journey"]), id="an extra table"),
        pytest.param(lambda: Issue.objects.all()[:2], id="a slice"),
    ],
)
def test_a_queryset_whose_rows_are_not_its_tables_is_refused(five_issues, queryset):
    assert rows_of_its_table(queryset()) is None


def test_an_inner_join_on_a_nullable_key_is_refused_because_it_drops_rows(five_issues):
    # given: the stage's LEFT JOIN made an INNER one (as a filter on it would)
    rows = Issue.objects.annotate(stage_name=F("stage__name"))
    alias = next(alias for alias, table in rows.query.alias_map.items() if alias != rows.query.base_table)
    rows.query.alias_map[alias] = rows.query.alias_map[alias].demote()

    # then: refused, and rightly: the issues without a stage are not among its rows
    assert rows_of_its_table(rows) is None
    assert rows.count() == 2 < Issue.objects.count()


def test_a_reverse_join_is_refused_because_it_repeats_rows(five_issues):
    # given: each journey once per issue
    rows = Journey.objects.annotate(title=F("issues__title"))

    # then
    assert rows_of_its_table(rows) is None
    assert rows.count() == 7 != Journey.objects.count()
