"""API list pages: the last page takes its count from itself; token lookups are remembered a few seconds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services as accounts_services
from core import authentication
from tests import factories

pytestmark = pytest.mark.django_db

ISSUES = "/api/v1/issues/"


@pytest.fixture(autouse=True)
def _nothing_remembered():
    authentication.forget_all()
    yield
    authentication.forget_all()


@pytest.fixture
def token_client(viewer_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer_user).key}")
    return client


@pytest.fixture
def seven_issues(journey):
    return [factories.IssueFactory(journey=journey, title=f"issue {number}") for number in range(7)]


def _get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    return response, counts


@pytest.mark.parametrize(
    ("query", "count_queries", "ids"),
    [
        ("", 0, [6, 5, 4, 3, 2, 1, 0]),  # one page holds them all (newest first)
        ("?page_size=3", 1, [6, 5, 4]),  # more follow: counted
        ("?page_size=3&page=2", 1, [3, 2, 1]),
        ("?page_size=3&page=3", 0, [0]),  # the last page
        ("?page_size=7", 0, [6, 5, 4, 3, 2, 1, 0]),  # exactly full, nothing after it
        ("?page_size=3&page=last", 1, [0]),  # 'last' needs the count first
    ],
)
def test_a_page_that_is_the_last_one_needs_no_count(token_client, seven_issues, query, count_queries, ids):
    response, counts = _get(token_client, ISSUES + query)
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 7
    assert len(counts) == count_queries
    by_id = {issue.pk: issue.title for issue in seven_issues}
    assert [by_id[row["id"]] for row in body["results"]] == [f"issue {number}" for number in ids]
    assert (body["next"] is None) == (query in ("", "?page_size=3&page=3", "?page_size=7", "?page_size=3&page=last"))


@pytest.mark.parametrize("page", ["0", "x", "4", "1.5", "-1", "10194352917026221", str(2**64)])
def test_pages_that_do_not_exist_still_answer_404(token_client, seven_issues, page):
    assert token_client.get(f"{ISSUES}?page_size=3&page={page}").status_code == 404


def test_an_empty_list_has_its_first_page(token_client):
    body = token_client.get(ISSUES).json()
    assert (body["count"], body["results"], body["next"]) == (0, [], None)


def test_a_remembered_token_costs_no_query(token_client, settings):
    settings.API_TOKEN_CACHE_SECONDS = 5
    token_client.get(ISSUES)
    with CaptureQueriesContext(connection) as queries:
        assert token_client.get(ISSUES).status_code == 200
    assert not [query for query in queries.captured_queries if "authtoken_token" in query["sql"]]
    settings.API_TOKEN_CACHE_SECONDS = 0  # off: DRF's lookup every time
    with CaptureQueriesContext(connection) as queries:
        assert token_client.get(ISSUES).status_code == 200
    assert [query for query in queries.captured_queries if "authtoken_token" in query["sql"]]


@pytest.mark.parametrize("revoke", ["revoke", "rotate", "deactivate"])
def test_a_revoked_token_stops_at_once_in_the_process_that_revoked_it(token_client, viewer_user, manager_user, revoke):
    assert token_client.get(ISSUES).status_code == 200  # remembered now
    if revoke == "revoke":
        accounts_services.api_token_revoke(user=viewer_user)
    elif revoke == "rotate":
        accounts_services.api_token_rotate(user=viewer_user)
    else:
        accounts_services.login_deactivate(user=viewer_user, by=manager_user)
    assert token_client.get(ISSUES).status_code == 401


def test_a_change_without_signals_is_seen_when_the_entry_expires(token_client, viewer_user, monkeypatch, settings):
    """The bound for other processes: an entry is trusted at most API_TOKEN_CACHE_SECONDS."""
    settings.API_TOKEN_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(authentication.time, "monotonic", lambda: clock[0])
    assert token_client.get(ISSUES).status_code == 200
    Token.objects.filter(user=viewer_user).update(key="0" * 40)  # no signal: as another process's change looks here
    clock[0] += 4.9
    assert token_client.get(ISSUES).status_code == 200  # still remembered
    clock[0] += 0.2
    assert token_client.get(ISSUES).status_code == 401


def test_each_request_gets_its_own_user(token_client, viewer_user):
    seen = []
    token_client.get(ISSUES)
    for _ in range(2):
        key = Token.objects.get(user=viewer_user).key
        user, token = authentication.CachedTokenAuthentication().authenticate_credentials(key)
        seen.append((user, token))
    (first_user, first_token), (second_user, second_token) = seen
    assert first_user.pk == second_user.pk == viewer_user.pk
    assert first_user is not second_user
    assert first_token is not second_token
    assert first_token.user is first_user
