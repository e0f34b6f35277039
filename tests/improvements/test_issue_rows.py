"""The issues list reads its functions' slugs as a column of each row (selectors.FunctionSlugs)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvements import selectors
from tests import factories

pytestmark = pytest.mark.django_db

ISSUES = "/api/v1/issues/"
LINK_TABLE = "improvements_issue_functions"


@pytest.fixture
def issues(journey):
    # created so that id order, slug order and name order all differ
    zulu = factories.FunctionFactory(name="Billing", slug="zulu")
    alpha = factories.FunctionFactory(name="Network", slug="alpha")
    mike = factories.FunctionFactory(name="Care", slug="mike")
    three = factories.IssueFactory(journey=journey, title="three")
    three.functions.add(alpha, mike, zulu)
    one = factories.IssueFactory(journey=journey, title="one")
    one.functions.add(alpha)
    none = factories.IssueFactory(journey=journey, title="none")
    return {"three": three, "one": one, "none": none}


def by_title(body):
    return {row["title"]: row for row in body["results"]}


def test_each_row_has_its_functions_slugs_in_the_order_of_their_names(viewer_client, issues):
    # when
    with CaptureQueriesContext(connection) as queries:
        body = viewer_client.get(ISSUES).json()

    # then: by name (Billing, Care, Network), none for an issue without; read with the page, no query of their own
    rows = by_title(body)
    assert rows["three"]["functions"] == ["zulu", "mike", "alpha"]
    assert rows["one"]["functions"] == ["alpha"]
    assert rows["none"]["functions"] == []
    [page] = [query["sql"] for query in queries.captured_queries]
    assert LINK_TABLE in page
    assert "LEFT OUTER JOIN" not in page  # the stage's and touchpoint's names looked up, not joined (planning)


def test_the_list_and_the_detail_give_the_same_functions(viewer_client, issues):
    rows = by_title(viewer_client.get(ISSUES).json())
    for issue in issues.values():
        detail = viewer_client.get(f"{ISSUES}{issue.pk}/").json()
        assert rows[issue.title]["functions"] == detail["functions"]


def test_the_rows_column_splits_back_into_the_slugs(issues):
    # given
    rows = {issue["title"]: issue for issue in selectors.issue_rows()}

    # then
    assert selectors.split_slugs(rows["three"]["function_slugs_joined"]) == ["zulu", "mike", "alpha"]
    assert rows["none"]["function_slugs_joined"] is None
    assert selectors.split_slugs(None) == []
    assert "function_slugs_joined" not in next(iter(selectors.issue_rows(functions=False)))
