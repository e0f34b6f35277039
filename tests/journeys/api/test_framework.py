"""The framework in the API: ``parent`` on journeys, /journeys/{slug}/children/ with the roll-up."""

from decimal import Decimal

import pytest

from journeys.choices import HealthStatus
from journeys.models import Journey
from tests import factories

pytestmark = pytest.mark.django_db

JOURNEYS = "/api/v1/journeys/"


@pytest.fixture
def become(journey):
    """Become a customer over Onboarding (the ``journey`` fixture) and First bill."""
    parent = factories.JourneyFactory(name="Become a customer", slug="become-a-customer", min_sample=30)
    Journey.objects.filter(pk=journey.pk).update(parent=parent, min_sample=30)
    first_bill = factories.JourneyFactory(name="First bill", slug="first-bill", parent=parent, min_sample=30)
    factories.HealthSnapshotFactory(journey=journey, score=Decimal("80.0"), sample_size=300, status="healthy")
    factories.HealthSnapshotFactory(
        journey=first_bill, score=None, sample_size=12, status=HealthStatus.INSUFFICIENT_DATA
    )
    return parent


def test_a_journey_reads_its_parent_as_a_slug(api_client, viewer_user, become):
    api_client.force_authenticate(viewer_user)
    body = api_client.get(f"{JOURNEYS}onboarding/").json()
    assert body["parent"] == "become-a-customer"
    listed = {row["slug"]: row["parent"] for row in api_client.get(JOURNEYS).json()["results"]}
    assert listed == {"become-a-customer": None, "first-bill": "become-a-customer", "onboarding": "become-a-customer"}


def test_a_manager_sets_and_clears_a_parent(api_client, manager_user, become):
    api_client.force_authenticate(manager_user)
    factories.JourneyFactory(name="Moving home", slug="moving-home")
    response = api_client.patch(f"{JOURNEYS}moving-home/", {"parent": "become-a-customer"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == "become-a-customer"
    response = api_client.patch(f"{JOURNEYS}moving-home/", {"parent": None}, format="json")
    assert response.status_code == 200
    assert Journey.objects.get(slug="moving-home").parent is None


def test_a_journey_is_created_under_a_parent(api_client, manager_user, become):
    api_client.force_authenticate(manager_user)
    response = api_client.post(JOURNEYS, {"name": "Switching in", "parent": "become-a-customer"}, format="json")
    assert response.status_code == 201, response.json()
    assert Journey.objects.get(slug="switching-in").parent == become


def test_a_cycle_is_answered_400_naming_the_parent_field_and_nothing_changes(api_client, manager_user, become):
    api_client.force_authenticate(manager_user)
    response = api_client.patch(f"{JOURNEYS}become-a-customer/", {"parent": "onboarding"}, format="json")
    assert response.status_code == 400
    assert response.json()["parent"] == [
        "Become a customer cannot sit under Onboarding because Onboarding is below it "
        "(Become a customer > Onboarding). Move Onboarding out from under Become a customer first."
    ]
    become.refresh_from_db()
    assert become.parent is None
    assert become.version == 1


@pytest.mark.parametrize(
    ("parent", "message"),
    [("become-a-customer", "A journey cannot be part of itself."), ("no-such-journey", "Object with slug=")],
)
def test_bad_parents_are_answered_400_on_the_parent_field(api_client, manager_user, become, parent, message):
    api_client.force_authenticate(manager_user)
    response = api_client.patch(f"{JOURNEYS}become-a-customer/", {"parent": parent}, format="json")
    assert response.status_code == 400
    assert message in response.json()["parent"][0]
    assert Journey.objects.get(pk=become.pk).parent is None


def test_a_team_member_cannot_move_a_journey(api_client, team_user, become):
    api_client.force_authenticate(team_user)
    response = api_client.patch(f"{JOURNEYS}onboarding/", {"parent": None}, format="json")
    assert response.status_code == 403
    assert Journey.objects.get(slug="onboarding").parent == become


def test_children_lists_the_parts_with_health_and_the_roll_up_with_who_was_left_out(api_client, viewer_user, become):
    api_client.force_authenticate(viewer_user)
    response = api_client.get(f"{JOURNEYS}become-a-customer/children/")
    assert response.status_code == 200
    body = response.json()
    assert body["journey"] == "become-a-customer"
    assert [(child["slug"], child["health"]["score"] if child["health"] else None) for child in body["children"]] == [
        ("first-bill", None),
        ("onboarding", "80.0"),
    ]
    assert body["rollup"]["score"] == "80.0"
    assert body["rollup"]["sample_size"] == 300
    assert body["rollup"]["parts"] == [
        {"slug": "onboarding", "name": "Onboarding", "score": "80.0", "sample_size": 300, "from_rollup": False}
    ]
    assert body["rollup"]["left_out"] == [
        {"slug": "first-bill", "name": "First bill", "reason": "Too few journeys to judge: 12 of the 30 needed"}
    ]


def test_a_journey_without_parts_has_no_children_and_no_roll_up(api_client, viewer_user, become):
    api_client.force_authenticate(viewer_user)
    body = api_client.get(f"{JOURNEYS}onboarding/children/").json()
    assert body == {"journey": "onboarding", "rollup": None, "children": []}


def test_children_costs_the_same_queries_for_two_and_twelve_parts(
    api_client, viewer_user, become, django_assert_max_num_queries
):
    api_client.force_authenticate(viewer_user)
    with django_assert_max_num_queries(8) as small:
        api_client.get(f"{JOURNEYS}become-a-customer/children/")
    for index in range(10):
        child = factories.JourneyFactory(name=f"Part {index}", parent=become)
        factories.HealthSnapshotFactory(journey=child, sample_size=40)
        factories.OwnershipFactory(journey=child)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = api_client.get(f"{JOURNEYS}become-a-customer/children/").json()
    assert len(body["children"]) == 12


def test_the_journey_list_costs_the_same_queries_with_parents(
    api_client, viewer_user, become, django_assert_max_num_queries
):
    api_client.force_authenticate(viewer_user)
    with django_assert_max_num_queries(1) as small:  # the page, which is the last one: no count
        api_client.get(JOURNEYS)
    for index in range(10):
        factories.JourneyFactory(name=f"Part {index}", parent=become)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api_client.get(JOURNEYS).json()["count"] == 13


def test_the_schema_describes_parent_and_children(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert schema.status_code == 200
    assert "/api/v1/journeys/{slug}/children/" in text
    assert "JourneyChildren" in text
    assert "The slug of the wider journey this one is part of" in text
