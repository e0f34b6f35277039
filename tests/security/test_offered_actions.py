"""Only the actions a person may take are offered (issue 18, item 9).

A crawler follows every link of every page a login can reach from the portfolio and asserts that
none of them leads to a refusal (403), and that the pages carry no form that writes (POST) for a
person who may write nothing. A viewer was offered "Log an issue" and "Propose an initiative" and
refused only after filling the form; a team member only the journeys they work on.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
POST_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>', re.IGNORECASE)
# Downloads and machine endpoints are not pages; the admin and the API have their own tests.
SKIP = re.compile(r"(\.csv|\.mmd|\.json)$|^/(admin|api|accounts|static)/|[?&]format=csv|[?&]page=")
MAX_PAGES = 400


@pytest.fixture
def organisation(journey):
    stage = factories.StageFactory(journey=journey, name="Order", position=1)
    touchpoint = factories.TouchpointFactory(stage=stage, key="web-form", name="Web form", position=1)
    function = factories.FunctionFactory(name="Customer Service", slug="customer-service")
    factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
    factories.IncentiveFactory(function=function, name="Average handle time")
    factories.PersonFactory(name="Olivia Agent", function=function)
    issue = factories.IssueFactory(journey=journey, stage=stage, touchpoint=touchpoint, title="Form loses the address")
    initiative = factories.InitiativeFactory(journey=journey, title="Keep the address")
    initiative.issues.add(issue)
    factories.JourneyFactory(name="Moving home", slug="moving-home")
    return journey


def crawl(client) -> dict[str, str]:
    """Every page reachable from the portfolio by links: path -> HTML (pages answering 200 only)."""
    seen: dict[str, int] = {}
    pages: dict[str, str] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in LINK.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if not href or parsed.scheme or parsed.netloc or not href.startswith("/") or SKIP.search(href):
                continue
            if href not in seen:
                queue.append(href)
    crawl.statuses = seen
    return pages


@pytest.mark.parametrize("role", ["viewer_user", "team_user", "owner_user"])
def test_no_page_links_to_an_action_the_person_is_refused(client, organisation, request, role):
    # given
    client.force_login(request.getfixturevalue(role))

    # when
    pages = crawl(client)

    # then: a real crawl (the journey, its issues and initiatives were reached), and no link refused
    assert {"/", "/journeys/onboarding/", "/issues/", "/initiatives/"} <= set(pages)
    assert any(url.startswith("/issues/") and url.rstrip("/").split("/")[-1].isdigit() for url in pages)
    refused = sorted(url for url, status in crawl.statuses.items() if status == 403)
    assert refused == [], f"{role} is offered links it is refused: {refused}"


def test_a_viewer_is_offered_no_form_that_writes(client, organisation, viewer_user):
    client.force_login(viewer_user)

    pages = crawl(client)

    writes = {
        url: forms
        for url, html in pages.items()
        if (forms := [form for form in POST_FORM.findall(html) if "/accounts/logout/" not in form])
    }
    assert writes == {}
    assert "Log an issue" not in pages["/issues/"]
    assert "Propose an initiative" not in pages["/initiatives/"]


def test_a_team_member_is_offered_logging_but_not_proposing(client, organisation, team_user):
    client.force_login(team_user)

    pages = crawl(client)

    assert "Log an issue" in pages["/issues/"]
    assert "Propose an initiative" not in pages["/initiatives/"]
