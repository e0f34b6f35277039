"""The framework page, the parent in the journey form, the journey page's breadcrumb and parts,
and the portfolio grouped by top-level journey."""

import re
from decimal import Decimal

import pytest

from journeys.choices import HealthStatus
from journeys.models import Journey
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(journey):
    """Become a customer > Onboarding (owned, 80 over 300) and First bill (too few); Moving home on top."""
    become = factories.JourneyFactory(name="Become a customer", slug="become-a-customer", min_sample=30)
    Journey.objects.filter(pk=journey.pk).update(parent=become, min_sample=30)
    first_bill = factories.JourneyFactory(name="First bill", slug="first-bill", parent=become, min_sample=30)
    factories.JourneyFactory(name="Moving home", slug="moving-home")
    factories.OwnershipFactory(journey=journey, person=factories.PersonFactory(name="Olivia Owner"))
    factories.HealthSnapshotFactory(journey=journey, score=Decimal("80.0"), sample_size=300, status="healthy")
    factories.HealthSnapshotFactory(journey=journey, segment="business", score=Decimal("61.0"), sample_size=40)
    factories.HealthSnapshotFactory(
        journey=first_bill, score=None, sample_size=12, status=HealthStatus.INSUFFICIENT_DATA
    )
    return become


def _row(html: str, slug: str) -> str:
    match = re.search(rf'<tr id="framework-{re.escape(slug)}" class="depth-(\d)">(.*?)</tr>', html, re.S)
    assert match, f"no framework row for {slug}"
    return match.group(1) + match.group(2)


def test_the_framework_shows_the_tree_owner_health_worst_segment_and_roll_up(client, viewer_user, framework):
    client.force_login(viewer_user)
    html = client.get("/framework/").content.decode()
    assert re.findall(r'<tr id="framework-([\w-]+)"', html) == [
        "become-a-customer",
        "first-bill",
        "onboarding",
        "moving-home",
    ]
    onboarding = _row(html, "onboarding")
    assert onboarding.startswith("1")  # one level down
    assert "Olivia Owner" in onboarding
    assert "80.0" in onboarding
    assert "Healthy" in onboarding
    assert "business" in onboarding
    assert "61.0" in onboarding
    become = _row(html, "become-a-customer")
    assert 'data-rollup="80.0"' in become
    assert "No owner" in become
    assert "Left out: <strong>First bill</strong> (too few journeys to judge: 12 of the 30 needed)." in become
    assert "no parts" in _row(html, "moving-home")


def test_the_framework_page_costs_the_same_queries_for_a_small_and_a_large_tree(
    client, viewer_user, framework, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(20) as small:
        client.get("/framework/")
    for index in range(8):
        parent = factories.JourneyFactory(name=f"Parent {index}")
        for child_index in range(3):
            child = factories.JourneyFactory(name=f"Child {index}.{child_index}", parent=parent)
            factories.HealthSnapshotFactory(journey=child, sample_size=40)
            factories.OwnershipFactory(journey=child)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/framework/").content.decode()
    assert html.count('<tr id="framework-') == 36


def test_an_empty_framework_says_how_to_start(client, manager_user):
    client.force_login(manager_user)
    html = client.get("/framework/").content.decode()
    assert "No journeys yet." in html
    assert 'href="/journeys/new/"' in html


def test_the_navigation_links_the_framework(client, viewer_user):
    client.force_login(viewer_user)
    assert 'href="/framework/"' in client.get("/journeys/").content.decode()


def test_the_journey_page_shows_the_breadcrumb_through_its_parent_and_a_parents_parts(client, viewer_user, framework):
    client.force_login(viewer_user)
    html = client.get("/journeys/onboarding/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r"<li>(?:<a [^>]*>|<span[^>]*>)([^<]+)<", crumbs) == [
        "Portfolio",
        "Journeys",
        "Become a customer",
        "Onboarding",
    ]
    assert "Part of <a" in html
    parent_html = client.get("/journeys/become-a-customer/").content.decode()
    assert re.search(r"Its parts: .*First bill.*Onboarding", parent_html)


def test_the_journey_form_offers_only_parents_that_make_no_cycle(client, manager_user, framework):
    client.force_login(manager_user)
    html = client.get("/journeys/become-a-customer/edit/").content.decode()
    select = re.search(r'<select name="parent".*?</select>', html, re.S).group(0)
    offered = re.findall(r'<option value="[^"]*"[^>]*>([^<]+)</option>', select)
    assert offered == ["Nothing: a top-level journey", "Moving home"]


def test_the_journey_form_moves_a_journey_and_refuses_a_cycle_with_a_form_error(client, manager_user, framework):
    client.force_login(manager_user)
    moving = Journey.objects.get(slug="moving-home")
    data = {
        "name": moving.name,
        "description": "",
        "parent": framework.pk,
        "status": "active",
        "tier": moving.tier,
        "service_position": moving.service_position,
        "target_score": 75,
        "window_days": 90,
        "min_sample": 5,
        "version": moving.version,
    }
    response = client.post("/journeys/moving-home/edit/", data)
    assert response.status_code == 302
    assert Journey.objects.get(slug="moving-home").parent == framework
    # a choice outside the offered list (one below the journey) is refused on the field
    become = Journey.objects.get(pk=framework.pk)
    data.update(name=become.name, parent=Journey.objects.get(slug="onboarding").pk, version=become.version)
    response = client.post("/journeys/become-a-customer/edit/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Journey.objects.get(pk=framework.pk).parent is None


def test_the_portfolio_groups_by_top_level_journey(client, viewer_user, framework):
    client.force_login(viewer_user)
    html = client.get("/?group=top&sort=name").content.decode()
    headings = re.findall(r'<tr class="group-heading" id="group-([\w-]+)">', html)
    assert headings == ["become-a-customer", "moving-home"]
    order = re.findall(r'<tr (?:class="group-heading" )?id="((?:group|journey)-[\w-]+)"', html)
    assert order == [
        "group-become-a-customer",
        "journey-become-a-customer",
        "journey-first-bill",
        "journey-onboarding",
        "group-moving-home",
        "journey-moving-home",
    ]
    assert "grouped by top-level journey" in html
    ungrouped = client.get("/?sort=name").content.decode()
    assert "group-heading" not in ungrouped


def test_the_portfolio_grouped_costs_a_constant_number_of_queries(
    client, viewer_user, framework, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(40) as small:
        client.get("/?group=top")
    for index in range(6):
        factories.JourneyFactory(name=f"Part {index}", parent=framework)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/?group=top")


def test_an_unknown_grouping_is_reported_and_ignored(client, viewer_user, framework):
    client.force_login(viewer_user)
    html = client.get("/?group=sideways").content.decode()
    assert "Select a valid choice" in html
    assert "group-heading" not in html
