"""Pages of the owners app: who sees and does what, CSV exports, the journey panel, query counts."""

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journeys import panels
from owners.models import Function, IncentiveReview, Ownership, Person, Responsibility, TeamMembership
from tests import factories

from .conftest import ROLES

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/people/",
    "/functions/",
    "/incentives/",
    "/incentives/list/",
    "/incentives/reviews/",
    "/ownerships/",
    "/team-members/",
    "/responsibilities/",
    "/gaps/",
]
CSV_PAGES = [page for page in LIST_PAGES if page != "/incentives/"]


def _pages(org):
    return [
        *LIST_PAGES,
        "/",
        f"/people/{org.seat_person.pk}/",
        "/functions/customer-service/",
        f"/incentives/{org.handle_time.pk}/review/onboarding/",
        "/journeys/onboarding/ownership/",
        "/journeys/onboarding/team/",
        "/journeys/onboarding/responsibilities/",
    ]


@pytest.fixture
def org(organisation):
    organisation.seat_person = TeamMembership.objects.get(journey=organisation.journey).person
    return organisation


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_for_every_role(client, org, user_in_role, role):
    _login(client, user_in_role(role))

    for page in _pages(org):
        assert client.get(page).status_code == 200, page


def test_anonymous_visitors_are_sent_to_the_login_page(client, org):
    for page in _pages(org):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith("/accounts/login/")


MANAGER_FORMS = ["/people/new/", "/functions/new/", "/incentives/new/", "/functions/billing/edit/"]


@pytest.mark.parametrize("role", ROLES)
def test_organisation_forms_are_for_managers(client, org, user_in_role, role):
    _login(client, user_in_role(role))

    for page in MANAGER_FORMS:
        assert client.get(page).status_code == (200 if role in {"manager", "admin"} else 403), page


@pytest.mark.parametrize("role", ROLES)
def test_a_manager_adds_a_person_and_nobody_else_can(client, org, user_in_role, role):
    _login(client, user_in_role(role))
    before = Person.objects.count()

    response = client.post("/people/new/", {"name": "Ada Lovelace", "email": "ada@example.com", "title": "Analyst"})

    if role in {"manager", "admin"}:
        assert response.status_code == 302
        assert Person.objects.get(email="ada@example.com").name == "Ada Lovelace"
    else:
        assert response.status_code == 403
        assert Person.objects.count() == before


def test_a_person_form_with_a_taken_email_shows_an_error_and_saves_nothing(client, org, manager_user):
    _login(client, manager_user)
    before = Person.objects.count()

    response = client.post("/people/new/", {"name": "Twin", "email": org.seat_person.email})

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Person.objects.count() == before


def test_a_manager_edits_an_incentive(client, org, manager_user):
    _login(client, manager_user)

    response = client.post(
        f"/incentives/{org.collections.pk}/edit/",
        {
            "function": org.billing.pk,
            "name": "Collections",
            "measure": "Cash collected",
            "weight": 30,
            "direction": "higher_is_better",
            "period": "month",
        },
    )

    assert response.status_code == 302
    org.collections.refresh_from_db()
    assert (org.collections.measure, org.collections.weight, org.collections.active) == ("Cash collected", 30, False)


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_assign_an_owner(client, org, user_in_role, role):
    _login(client, user_in_role(role))
    newcomer = factories.PersonFactory(name="Newcomer")
    current = Ownership.objects.active().filter(journey=org.journey).first()

    response = client.post(
        "/journeys/onboarding/ownership/",
        {"person": newcomer.pk, "mandate": "All of it", "expected_current": current.pk if current else ""},
    )

    if role in {"manager", "admin"}:
        assert response.status_code == 302
        assert Ownership.objects.active().get(journey=org.journey).person == newcomer
    else:
        assert response.status_code == 403
        assert not Ownership.objects.filter(person=newcomer).exists()


def test_the_ownership_page_shows_who_owned_the_journey_when(client, org, manager_user):
    _login(client, manager_user)
    first = factories.PersonFactory(name="First Owner")
    second = factories.PersonFactory(name="Second Owner")
    client.post(
        "/journeys/onboarding/ownership/",
        {"person": first.pk, "mandate": "Start", "started_on": "2026-01-01", "expected_current": ""},
    )
    current = Ownership.objects.active().get(journey=org.journey)
    client.post(
        "/journeys/onboarding/ownership/",
        {"person": second.pk, "mandate": "Next", "started_on": "2026-06-01", "expected_current": current.pk},
    )

    page = client.get("/journeys/onboarding/ownership/").content.decode()

    assert "Second Owner" in page
    assert "2026-01-01" in page
    assert "2026-05-31" in page  # the first term ended the day before the second began
    assert "Change owner" in page


def test_a_stale_ownership_form_is_refused_with_a_form_error(client, org, manager_user):
    # given two managers loaded the page while the journey had no owner; the first assigned
    _login(client, manager_user)
    client.post("/journeys/onboarding/ownership/", {"person": factories.PersonFactory().pk, "expected_current": ""})
    loser = factories.PersonFactory(name="Late Candidate")

    # when the second submits the stale form
    response = client.post("/journeys/onboarding/ownership/", {"person": loser.pk, "expected_current": ""})

    # then
    assert response.status_code == 200
    assert "changed since you loaded the page" in response.content.decode()
    assert Ownership.objects.active().filter(journey=org.journey).count() == 1
    assert not Ownership.objects.filter(person=loser).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_owner_or_a_manager_manages_the_team(client, org, user_in_role, role):
    _login(client, user_in_role(role))
    newcomer = factories.PersonFactory(function=org.field_operations)
    seat = TeamMembership.objects.get(journey=org.journey, person=org.seat_person)

    added = client.post("/journeys/onboarding/team/", {"person": newcomer.pk, "role": "field lead"})
    renamed = client.post(f"/journeys/onboarding/team/{seat.pk}/role/", {"role": "service lead"})
    removed = client.post(f"/journeys/onboarding/team/{seat.pk}/remove/", {"confirm": "yes"})

    allowed = role in {"owner", "manager", "admin"}
    assert {added.status_code, renamed.status_code, removed.status_code} == ({302} if allowed else {403})
    assert TeamMembership.objects.filter(journey=org.journey, person=newcomer, role="field lead").exists() is allowed
    assert TeamMembership.objects.filter(pk=seat.pk).exists() is not allowed


def test_adding_the_same_person_twice_to_a_team_shows_an_error(client, org, owner_user):
    _login(client, owner_user)

    response = client.post("/journeys/onboarding/team/", {"person": org.seat_person.pk, "role": "again"})

    assert response.status_code == 400
    assert "already on this journey" in response.content.decode()
    assert TeamMembership.objects.filter(journey=org.journey, person=org.seat_person).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_owner_or_a_manager_edits_responsibilities(client, org, user_in_role, role):
    _login(client, user_in_role(role))
    welcome_call, _, letter = org.touchpoints
    pairs = [f"{welcome_call.pk}:{org.customer_service.pk}", f"{letter.pk}:{org.billing.pk}"]
    before = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))

    response = client.post("/journeys/onboarding/responsibilities/", {"pair": pairs})

    after = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))
    if role in {"owner", "manager", "admin"}:
        assert response.status_code == 302
        assert after == {(welcome_call.pk, org.customer_service.pk), (letter.pk, org.billing.pk)}
    else:
        assert response.status_code == 403
        assert after == before


def test_a_garbled_responsibility_grid_changes_nothing(client, org, manager_user):
    _login(client, manager_user)
    before = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))

    response = client.post("/journeys/onboarding/responsibilities/", {"pair": ["x:y"]}, follow=True)

    assert "nothing was changed" in response.content.decode()
    assert set(Responsibility.objects.values_list("touchpoint_id", "function_id")) == before


def test_the_grid_marks_unassigned_touchpoints(client, org, viewer_user):
    page = _login(client, viewer_user).get("/journeys/onboarding/responsibilities/").content.decode()

    assert page.count("status-unreviewed") == 1  # the welcome letter
    assert 'type="checkbox"' not in page  # viewers read only


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_review_and_a_direct_post_is_403_for_others(client, org, user_in_role, role):
    _login(client, user_in_role(role))
    url = f"/incentives/{org.jobs_per_day.pk}/review/onboarding/"

    page = client.get(url).content.decode()
    response = client.post(url, {"verdict": "aligned", "rationale": "Good"})

    if role in {"manager", "admin"}:
        assert "Record verdict" in page
        assert response.status_code == 302
        assert org.jobs_per_day.reviews.get().verdict == "aligned"
    else:
        assert "Record verdict" not in page
        assert response.status_code == 403
        assert not org.jobs_per_day.reviews.exists()


def test_a_review_form_without_rationale_for_a_conflict_shows_an_error(client, org, manager_user):
    _login(client, manager_user)

    response = client.post(f"/incentives/{org.jobs_per_day.pk}/review/onboarding/", {"verdict": "conflicting"})

    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    assert not org.jobs_per_day.reviews.exists()


def test_the_review_page_shows_the_history_of_verdicts(client, org, viewer_user):
    page = _login(client, viewer_user).get(f"/incentives/{org.handle_time.pk}/review/onboarding/").content.decode()

    assert page.count("status-conflicting") == 2  # current verdict and its history row
    assert page.count("status-aligned") == 1  # the older verdict, kept as history


def test_the_matrix_offers_managers_to_raise_an_issue_from_a_conflicting_cell(client, org, manager_user):
    page = _login(client, manager_user).get("/incentives/").content.decode()

    assert page.count("Raise a root-cause issue") == 1
    link = page.split("Raise a root-cause issue")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    url = urlparse(link)
    query = parse_qs(url.query)
    assert url.path == "/issues/new/"
    assert query["journey"] == ["onboarding"]
    assert query["category"] == ["conflicting_objectives"]
    assert query["functions"] == ["customer-service"]
    assert "Average handle time" in query["title"][0]
    assert "Rewards short calls" in query["symptom"][0]
    assert "index 33%" in page
    assert "not touched" in page  # Collections: Billing delivers nothing on Onboarding


def test_viewers_read_the_matrix_without_review_controls(client, org, viewer_user):
    page = _login(client, viewer_user).get("/incentives/").content.decode()

    assert "status-conflicting" in page
    assert "Raise a root-cause issue" not in page
    assert "(review)" not in page


def test_the_matrix_can_show_one_function(client, org, viewer_user):
    page = _login(client, viewer_user).get("/incentives/", {"function": "field-operations"}).content.decode()

    assert "Jobs per day" in page
    assert "First-contact resolution" not in page


def test_the_gaps_page_lists_journeys_with_gaps_and_filters_by_gap(client, org, manager_user):
    factories.JourneyFactory(name="Tidy journey", map_reviewed_on="2026-11-01")
    tidy = factories.JourneyFactory(name="Owned journey", map_reviewed_on=timezone.localdate() - dt.timedelta(days=91))
    factories.OwnershipFactory(journey=tidy)
    _login(client, manager_user)

    page = client.get("/gaps/").content.decode()
    no_owner_only = client.get("/gaps/", {"gap": "no_owner"}).content.decode()

    assert "Onboarding" in page
    assert "Assign an owner" in page
    assert "Owned journey" in page  # its map was last reviewed 91 days ago
    assert "Owned journey" not in no_owner_only
    assert "Tidy journey" in no_owner_only


@pytest.mark.parametrize("page", CSV_PAGES)
def test_every_list_downloads_as_streamed_csv(client, org, viewer_user, page):
    factories.OwnershipFactory(journey=org.journey)

    response = _login(client, viewer_user).get(page, {"format": "csv"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) >= 2


def test_the_csv_honours_the_filters(client, org, viewer_user):
    response = _login(client, viewer_user).get("/incentives/reviews/", {"verdict": "conflicting", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["Verdict"] for row in rows} == {"Conflicting"}
    assert len(rows) == IncentiveReview.objects.filter(verdict="conflicting").count() == 2


def test_csv_cells_cannot_smuggle_formulas(client, manager_user):
    factories.PersonFactory(name="=HYPERLINK(1)", email="formula@example.com")

    response = _login(client, manager_user).get("/people/", {"format": "csv", "q": "HYPERLINK"})

    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode()


def test_list_pages_link_to_a_csv_with_their_filters(client, org, viewer_user):
    page = _login(client, viewer_user).get("/people/", {"function": "customer-service"}).content.decode()

    assert "Download CSV" in page
    assert "function=customer-service&amp;format=csv" in page


def _more_rows(n):
    for index in range(n):
        journey = factories.JourneyFactory()
        function = factories.FunctionFactory(head=factories.PersonFactory())
        touchpoint = factories.TouchpointFactory(stage__journey=journey)
        factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
        incentive = factories.IncentiveFactory(function=function)
        factories.IncentiveReviewFactory(incentive=incentive, journey=journey, verdict="conflicting", rationale="x")
        person = factories.PersonFactory(function=function)
        factories.OwnershipFactory(journey=journey, person=person)
        factories.TeamMembershipFactory(journey=journey, person=person, role=f"r{index}")
        factories.TeamMembershipFactory(journey=journey)
        factories.HealthSnapshotFactory(journey=journey, alerts=["touchpoint_paradox"])
        factories.IssueFactory(journey=journey, reported_by=person)
        factories.InitiativeFactory(journey=journey, lead=person)


@pytest.mark.parametrize("page", [*LIST_PAGES, "/"])
def test_list_pages_cost_a_constant_number_of_queries(client, org, manager_user, page, django_assert_max_num_queries):
    _login(client, manager_user)
    _more_rows(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    _more_rows(6)

    with django_assert_max_num_queries(len(few)):
        assert client.get(page).status_code == 200


def test_detail_pages_cost_a_bounded_number_of_queries(client, org, manager_user, django_assert_max_num_queries):
    _login(client, manager_user)
    person = factories.PersonFactory(function=org.customer_service)
    _more_rows(1)
    for journey in [org.journey, *[factories.JourneyFactory() for _ in range(5)]]:
        factories.TeamMembershipFactory(journey=journey, person=person)
        factories.HealthSnapshotFactory(journey=journey, alerts=["health_drop", "satisfaction_decay"])
        factories.IssueFactory(journey=journey, reported_by=person)
        factories.InitiativeFactory(journey=journey, lead=person)
        factories.OwnershipFactory(journey=journey, person=person, started_on="2025-01-01", ended_on="2025-06-01")

    for page in [
        f"/people/{person.pk}/",
        "/functions/customer-service/",
        f"/incentives/{org.handle_time.pk}/review/onboarding/",
        "/journeys/onboarding/ownership/",
        "/journeys/onboarding/team/",
        "/journeys/onboarding/responsibilities/",
    ]:
        with django_assert_max_num_queries(16):
            assert client.get(page).status_code == 200, page


def test_the_person_page_shows_owned_journeys_seats_alerts_issues_and_initiatives(client, manager_user):
    person = factories.PersonFactory(name="Grace")
    owned = factories.JourneyFactory(name="Owned now")
    past = factories.JourneyFactory(name="Owned before")
    seat = factories.JourneyFactory(name="Seat journey")
    factories.OwnershipFactory(journey=owned, person=person)
    factories.OwnershipFactory(journey=past, person=person, started_on="2025-01-01", ended_on="2025-03-01")
    factories.TeamMembershipFactory(journey=seat, person=person, role="billing lead")
    factories.HealthSnapshotFactory(journey=owned, alerts=["touchpoint_paradox"])
    factories.IssueFactory(journey=owned, reported_by=person, title="Technician no-show")
    factories.InitiativeFactory(journey=seat, lead=person, title="Single visit install")

    page = _login(client, manager_user).get(f"/people/{person.pk}/").content.decode()

    for text in [
        "Owned now",
        "Owned before",
        "Seat journey",
        "billing lead",
        "Touchpoint paradox",
        "Technician no-show",
        "Single visit install",
    ]:
        assert text in page


def test_the_function_page_shows_its_touchpoints_incentives_and_journeys(client, org, viewer_user):
    page = _login(client, viewer_user).get("/functions/field-operations/").content.decode()

    assert "Installation" in page
    assert "Jobs per day" in page
    assert "Onboarding" in page
    assert "No one on the team" in page


def _panel_html(user, journey):
    request = RequestFactory().get("/")
    request.user = user
    panel = next(panel for panel in panels.panels() if panel.key == "ownership")
    return panel, render_to_string(panel.template, panel.context(request, journey), request=request)


def test_the_journey_panel_is_registered_first_with_its_title(org, viewer_user):
    panel, _ = _panel_html(viewer_user, org.journey)

    assert (panel.title, panel.order) == ("Owner, team and gaps", 5)


def test_the_journey_panel_explains_gaps_and_offers_managers_to_assign(
    org, manager_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        _, html = _panel_html(manager_user, org.journey)

    assert "No owner" in html
    assert "Assign owner" in html
    assert "Field Operations" in html
    assert "Jobs per day" in html
    assert "33%" in html
    assert "/journeys/onboarding/responsibilities/" in html


def test_the_journey_panel_lets_the_owner_manage_the_team_but_not_assign(org, owner_user):
    _, html = _panel_html(owner_user, org.journey)

    assert "Owner Person" in html
    assert "Manage the team" in html
    assert "Change owner" not in html


def test_the_journey_panel_is_read_only_for_a_team_member(org, team_user):
    _, html = _panel_html(team_user, org.journey)

    assert "Manage the team" not in html
    assert "Team page" in html


def test_the_responsibilities_grid_shows_a_reader_only_the_functions_involved(client, org, viewer_user):
    html = _login(client, viewer_user).get("/journeys/onboarding/responsibilities/").content.decode()

    assert ">Customer Service</th>" in html
    assert ">Field Operations</th>" in html
    assert ">Billing</th>" not in html  # Billing delivers nothing on this journey
    assert "Showing the 2 functions involved in this journey." in html
    assert 'name="pair"' not in html
    assert "Save responsibilities" not in html
    assert "?functions=all" not in html


def test_an_editor_adds_another_function_on_demand(client, org, manager_user):
    client = _login(client, manager_user)

    involved = client.get("/journeys/onboarding/responsibilities/").content.decode()
    everything = client.get("/journeys/onboarding/responsibilities/", {"functions": "all"}).content.decode()

    assert ">Billing</th>" not in involved
    others = Function.objects.count() - 2
    assert f"Add another function ({others} more)" in involved
    assert ">Billing</th>" in everything
    assert "Every function of the organisation is shown." in everything


def test_saving_the_involved_functions_keeps_the_others_untouched(client, org, manager_user):
    before = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))
    html = _login(client, manager_user).get("/journeys/onboarding/responsibilities/").content.decode()
    ticked = re.findall(r'name="pair" value="([0-9:]+)"[^>]*checked', html)

    client.post("/journeys/onboarding/responsibilities/", {"pair": ticked})

    assert set(Responsibility.objects.values_list("touchpoint_id", "function_id")) == before


def test_removing_a_team_member_asks_for_confirmation_first(client, org, manager_user):
    seat = TeamMembership.objects.filter(journey=org.journey).first()
    client = _login(client, manager_user)

    asked = client.post(f"/journeys/onboarding/team/{seat.pk}/remove/")

    assert asked.status_code == 200
    assert f"Remove {seat.person.name} from the Onboarding team?" in asked.content.decode()
    assert TeamMembership.objects.filter(pk=seat.pk).exists()
