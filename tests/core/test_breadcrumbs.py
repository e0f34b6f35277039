"""Every page below the portfolio shows where it sits: a breadcrumb trail that starts at the portfolio."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

# (path, label of the current page in the trail)
PAGES = [
    ("/journeys/", "Journeys"),
    ("/journeys/new/", "New journey"),
    ("/journeys/onboarding/", "Onboarding"),
    ("/journeys/onboarding/edit/", "Edit"),
    ("/journeys/onboarding/ownership/", "Ownership"),
    ("/journeys/onboarding/team/", "Team"),
    ("/journeys/onboarding/responsibilities/", "Responsibilities"),
    ("/imports/", "Imports"),
    ("/imports/new/", "New import"),
    ("/imports/{import}/", "Import {import}"),
    ("/issues/", "Issues"),
    ("/issues/new/", "Log an issue"),
    ("/issues/{issue}/", None),
    ("/issues/{issue}/edit/", None),
    ("/initiatives/", "Initiatives"),
    ("/initiatives/ranked/", None),
    ("/initiatives/new/", None),
    ("/initiatives/{initiative}/", None),
    ("/initiatives/{initiative}/edit/", None),
    ("/people/", "People"),
    ("/people/new/", None),
    ("/people/{person}/", "Dana Whitfield"),
    ("/people/{person}/edit/", None),
    ("/functions/", "Functions"),
    ("/functions/new/", None),
    ("/functions/billing/", "Billing"),
    ("/functions/billing/edit/", None),
    ("/incentives/", None),
    ("/incentives/list/", None),
    ("/incentives/new/", None),
    ("/incentives/reviews/", None),
    ("/incentives/{incentive}/edit/", None),
    ("/incentives/{incentive}/review/onboarding/", None),
    ("/ownerships/", None),
    ("/team-members/", None),
    ("/responsibilities/", None),
    ("/gaps/", None),
]


@pytest.fixture
def objects(journey):
    billing = factories.FunctionFactory(name="Billing", slug="billing")
    person = factories.PersonFactory(name="Dana Whitfield", function=billing)
    factories.ResponsibilityFactory(touchpoint__stage__journey=journey, function=billing)
    return {
        "import": factories.ImportFactory(journey=journey).pk,
        "issue": factories.IssueFactory(journey=journey).pk,
        "initiative": factories.InitiativeFactory(journey=journey).pk,
        "person": person.pk,
        "incentive": factories.IncentiveFactory(function=billing).pk,
    }


def _trail(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)
    assert nav, "the page has no breadcrumb trail"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", nav.group(1), re.S)]


@pytest.mark.parametrize(("path", "current"), PAGES)
def test_every_page_below_the_portfolio_has_a_breadcrumb_trail_from_the_portfolio(
    client, admin_user, objects, path, current
):
    client.force_login(admin_user)

    response = client.get(path.format(**objects))

    assert response.status_code == 200
    trail = _trail(response.text)
    assert trail[0] == "Portfolio"
    assert len(trail) >= 2
    assert trail[-1]
    assert f'<span aria-current="page">{trail[-1]}</span>' in response.text.replace("&#x27;", "'")
    if current is not None:
        assert trail[-1] == current.format(**objects)
    assert response.context["breadcrumbs"]


def test_the_portfolio_itself_is_the_top_and_has_no_trail(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/")

    assert 'class="breadcrumbs"' not in response.text
