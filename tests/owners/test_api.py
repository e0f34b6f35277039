"""The owners API: permissions per role (design section 9), filters, conflicts, query counts."""

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from owners.models import Function, Incentive, IncentiveReview, Ownership, Person, Responsibility, TeamMembership
from tests import factories

from .conftest import ROLES

pytestmark = pytest.mark.django_db

OWNERS_MODELS = [Function, Person, Ownership, TeamMembership, Responsibility, Incentive, IncentiveReview]
LISTS = ["functions", "people", "ownerships", "team-members", "responsibilities", "incentives", "incentive-reviews"]


def _client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _state():
    """Every owners table's row count and latest change: equal before and after means nothing was written."""
    return [
        (model.objects.count(), model.objects.aggregate(latest=Max("updated_at"))["latest"]) for model in OWNERS_MODELS
    ]


# Each write: (name, method, url(org), payload(org), roles allowed, success status).
WRITES = [
    (
        "create function",
        "post",
        lambda o: "/api/v1/functions/",
        lambda o: {"name": "Risk", "slug": "risk"},
        {"manager", "admin"},
        201,
    ),
    (
        "edit function",
        "patch",
        lambda o: "/api/v1/functions/billing/",
        lambda o: {"description": "Bills"},
        {"manager", "admin"},
        200,
    ),
    ("delete function", "delete", lambda o: "/api/v1/functions/unused/", lambda o: None, {"manager", "admin"}, 204),
    (
        "create person",
        "post",
        lambda o: "/api/v1/people/",
        lambda o: {"name": "Ada", "email": "ada@example.com", "function": "billing"},
        {"manager", "admin"},
        201,
    ),
    (
        "edit person",
        "patch",
        lambda o: f"/api/v1/people/{o.extra_person.pk}/",
        lambda o: {"title": "Lead"},
        {"manager", "admin"},
        200,
    ),
    (
        "create incentive",
        "post",
        lambda o: "/api/v1/incentives/",
        lambda o: {"function": "billing", "name": "DSO", "measure": "Days sales outstanding", "weight": 10},
        {"manager", "admin"},
        201,
    ),
    (
        "edit incentive",
        "patch",
        lambda o: f"/api/v1/incentives/{o.collections.pk}/",
        lambda o: {"active": False},
        {"manager", "admin"},
        200,
    ),
    (
        "assign owner",
        "post",
        lambda o: "/api/v1/ownerships/",
        lambda o: {"journey": "onboarding", "person": o.extra_person.pk, "mandate": "All of it"},
        {"manager", "admin"},
        201,
    ),
    (
        "end ownership",
        "post",
        lambda o: f"/api/v1/ownerships/{o.other_ownership.pk}/end/",
        lambda o: {},
        {"manager", "admin"},
        200,
    ),
    (
        "change mandate",
        "patch",
        lambda o: f"/api/v1/ownerships/{o.other_ownership.pk}/",
        lambda o: {"mandate": "More"},
        {"manager", "admin"},
        200,
    ),
    (
        "add team member",
        "post",
        lambda o: "/api/v1/team-members/",
        lambda o: {"journey": "onboarding", "person": o.extra_person.pk, "role": "ops"},
        {"owner", "manager", "admin"},
        201,
    ),
    (
        "change role",
        "patch",
        lambda o: f"/api/v1/team-members/{o.seat.pk}/",
        lambda o: {"role": "lead"},
        {"owner", "manager", "admin"},
        200,
    ),
    (
        "remove team member",
        "delete",
        lambda o: f"/api/v1/team-members/{o.seat.pk}/",
        lambda o: None,
        {"owner", "manager", "admin"},
        204,
    ),
    (
        "add responsibility",
        "post",
        lambda o: "/api/v1/responsibilities/",
        lambda o: {"touchpoint": o.touchpoints[2].pk, "function": "billing"},
        {"owner", "manager", "admin"},
        201,
    ),
    (
        "remove responsibility",
        "delete",
        lambda o: f"/api/v1/responsibilities/{o.responsibility.pk}/",
        lambda o: None,
        {"owner", "manager", "admin"},
        204,
    ),
    (
        "review incentive",
        "post",
        lambda o: "/api/v1/incentive-reviews/",
        lambda o: {"incentive": o.jobs_per_day.pk, "journey": "onboarding", "verdict": "aligned", "rationale": "Fine"},
        {"manager", "admin"},
        201,
    ),
]


@pytest.fixture
def org(organisation):
    organisation.extra_person = factories.PersonFactory(name="Extra Person")
    factories.FunctionFactory(name="Unused", slug="unused")
    organisation.other_ownership = factories.OwnershipFactory()
    organisation.seat = TeamMembership.objects.filter(journey=organisation.journey).first()
    organisation.responsibility = Responsibility.objects.filter(touchpoint=organisation.touchpoints[0]).first()
    return organisation


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize(("name", "method", "url", "payload", "allowed", "success"), WRITES, ids=[w[0] for w in WRITES])
def test_writes_follow_the_roles_of_section_9(org, user_in_role, role, name, method, url, payload, allowed, success):
    # given
    client = _client(user_in_role(role))
    before = _state()

    # when
    response = getattr(client, method)(url(org), payload(org), format="json")

    # then
    if role in allowed:
        assert response.status_code == success, response.content
        assert _state() != before
    else:
        assert response.status_code in ((401, 403) if role == "anonymous" else (403,))
        assert _state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", [*LISTS, "journeys/onboarding/gaps"])
def test_everybody_logged_in_reads(org, user_in_role, role, resource):
    response = _client(user_in_role(role)).get(f"/api/v1/{resource}/")

    assert response.status_code == 200


@pytest.mark.parametrize("resource", [*LISTS, "journeys/onboarding/gaps"])
def test_anonymous_requests_get_no_data(org, resource):
    response = APIClient().get(f"/api/v1/{resource}/")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def _add_rows(n):
    for index in range(n):
        journey = factories.JourneyFactory()
        function = factories.FunctionFactory(head=factories.PersonFactory())
        touchpoint = factories.TouchpointFactory(stage__journey=journey)
        factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
        incentive = factories.IncentiveFactory(function=function)
        factories.IncentiveReviewFactory(incentive=incentive, journey=journey, reviewer=factories.PersonFactory())
        factories.OwnershipFactory(journey=journey, person=factories.PersonFactory(function=function))
        factories.TeamMembershipFactory(
            journey=journey, person=factories.PersonFactory(function=function), role=f"r{index}"
        )


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_costs_a_constant_number_of_queries(viewer_user, resource, django_assert_max_num_queries):
    client = _client(viewer_user)
    _add_rows(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{resource}/").status_code == 200
    _add_rows(8)

    with django_assert_max_num_queries(len(few)):
        response = client.get(f"/api/v1/{resource}/")

    assert response.json()["count"] >= 8
    assert len(few) <= 6


def test_gaps_answer_in_a_constant_number_of_queries(org, viewer_user, django_assert_max_num_queries):
    # 8 for the gaps, +1 for the stored evidence, +1 for the issues raised about conflicting verdicts
    with django_assert_max_num_queries(10):
        response = _client(viewer_user).get("/api/v1/journeys/onboarding/gaps/")

    body = response.json()
    assert body["gaps"] == [
        "no_owner",
        "uncovered_functions",
        "unreviewed_incentives",
        "conflicting_incentives",
        "stale_map",
    ]
    assert body["owner"] is None
    assert [f["slug"] for f in body["uncovered_functions"]] == ["field-operations"]
    assert [i["name"] for i in body["unreviewed_incentives"]] == ["Jobs per day"]
    assert body["conflicting_incentives"][0]["name"] == "Average handle time"
    assert body["conflicting_incentives"][0]["rationale"] == "Rewards short calls; onboarding needs long ones."
    assert body["aligned_incentives"] == 1
    assert body["active_incentives"] == 3
    assert body["harmonisation_index"] == pytest.approx(1 / 3)


def test_gaps_of_an_unknown_journey_are_404(viewer_user):
    assert _client(viewer_user).get("/api/v1/journeys/nope/gaps/").status_code == 404


def test_gaps_name_the_owner_once_there_is_one(journey, owner_user):
    body = _client(owner_user).get("/api/v1/journeys/onboarding/gaps/").json()

    assert body["owner"]["name"] == "Owner Person"
    assert "no_owner" not in body["gaps"]


def test_assigning_an_owner_ends_the_previous_one_through_the_api(journey, owner_user, manager_user):
    # given
    newcomer = factories.PersonFactory(name="Newcomer")
    previous = Ownership.objects.active().get(journey=journey)

    # when
    response = _client(manager_user).post(
        "/api/v1/ownerships/",
        {"journey": "onboarding", "person": newcomer.pk, "mandate": "Full", "replaces": previous.pk},
    )

    # then
    assert response.status_code == 201
    assert response.json()["person_name"] == "Newcomer"
    previous.refresh_from_db()
    assert previous.ended_on is not None
    active = _client(manager_user).get("/api/v1/ownerships/", {"journey": "onboarding", "active": "true"}).json()
    assert [row["person_name"] for row in active["results"]] == ["Newcomer"]


def test_an_assignment_from_a_stale_view_answers_409_and_changes_nothing(journey, owner_user, manager_user):
    previous = Ownership.objects.active().get(journey=journey)
    client = _client(manager_user)
    assert (
        client.post(
            "/api/v1/ownerships/",
            {"journey": "onboarding", "person": factories.PersonFactory().pk, "replaces": previous.pk},
        ).status_code
        == 201
    )
    before = _state()

    response = client.post(
        "/api/v1/ownerships/",
        {"journey": "onboarding", "person": factories.PersonFactory().pk, "replaces": previous.pk},
    )

    assert response.status_code == 409
    assert "changed since" in response.json()["detail"]
    assert Ownership.objects.active().filter(journey=journey).count() == 1
    assert Ownership.objects.count() == before[2][0]


def test_bad_input_gets_field_messages_and_writes_nothing(journey, manager_user):
    before = _state()

    response = _client(manager_user).post("/api/v1/ownerships/", {"journey": "nope", "person": 999999})

    assert response.status_code == 400
    assert set(response.json()) == {"journey", "person"}
    assert _state() == before


def test_a_conflicting_verdict_without_rationale_is_a_400(org, manager_user):
    response = _client(manager_user).post(
        "/api/v1/incentive-reviews/",
        {"incentive": org.jobs_per_day.pk, "journey": "onboarding", "verdict": "conflicting"},
    )

    assert response.status_code == 400
    assert "rationale" in response.json()
    assert not org.jobs_per_day.reviews.exists()


def test_a_review_records_the_manager_as_reviewer(org, manager_user):
    response = _client(manager_user).post(
        "/api/v1/incentive-reviews/",
        {"incentive": org.jobs_per_day.pk, "journey": "onboarding", "verdict": "neutral", "reviewer": 12345},
    )

    assert response.status_code == 201
    assert response.json()["reviewer_name"] == "Manager Person"


def test_adding_a_team_member_twice_is_refused(org, owner_user):
    seat = org.seat

    response = _client(owner_user).post("/api/v1/team-members/", {"journey": "onboarding", "person": seat.person_id})

    assert response.status_code in (400, 409)
    assert TeamMembership.objects.filter(journey=org.journey, person=seat.person).count() == 1


def test_the_owner_of_another_journey_cannot_manage_this_team(org, owner_user):
    other = factories.JourneyFactory(slug="other")

    response = _client(owner_user).post("/api/v1/team-members/", {"journey": "other", "person": org.extra_person.pk})

    assert response.status_code == 403
    assert not TeamMembership.objects.filter(journey=other).exists()


@pytest.mark.parametrize(
    ("resource", "query", "expected"),
    [
        ("functions", {"journey": "onboarding"}, ["Customer Service", "Field Operations"]),
        ("functions", {"search": "bill"}, ["Billing"]),
        ("people", {"function": "field-operations"}, []),
        ("incentives", {"function": "field-operations", "active": "false"}, ["Retired measure"]),
        (
            "incentives",
            {"journey": "onboarding", "ordering": "-name"},
            ["Retired measure", "Jobs per day", "First-contact resolution", "Average handle time"],
        ),
        (
            "incentive-reviews",
            {"journey": "onboarding", "verdict": "conflicting", "function": "customer-service"},
            ["Average handle time"],
        ),
        ("responsibilities", {"journey": "onboarding", "function": "field-operations"}, ["installation"]),
    ],
)
def test_lists_filter_search_and_order(organisation, viewer_user, resource, query, expected):
    rows = _client(viewer_user).get(f"/api/v1/{resource}/", query).json()["results"]

    key = {"incentive-reviews": "incentive_name", "responsibilities": "touchpoint_key"}.get(resource, "name")
    assert [row[key] for row in rows] == expected


def test_team_members_filter_by_function(organisation, viewer_user):
    rows = _client(viewer_user).get("/api/v1/team-members/", {"function": "customer-service"}).json()["results"]

    assert len(rows) == 1
    assert rows[0]["function"] == "customer-service"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/functions/billing/", "/api/v1/people/{owner}/", "/api/v1/incentives/{reviewed}/"],
    ids=["function with incentives", "person with ownerships", "reviewed incentive"],
)
def test_deleting_what_history_refers_to_is_refused_with_409(org, owner_user, manager_user, url):
    before = _state()

    response = _client(manager_user).delete(url.format(owner=owner_user.person.pk, reviewed=org.first_contact.pk))

    assert response.status_code == 409
    assert response.json()["detail"]
    assert _state() == before
