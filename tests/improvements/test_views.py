import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from improvements import services
from improvements.models import Initiative, InitiativeUpdate, Issue
from journeys.panels import BLUEPRINT_ORDER, panels
from tests import factories

from .helpers import CONTRIBUTORS, ROLES, STEERERS, add_instances, periods, ratings, snapshot

pytestmark = pytest.mark.django_db


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


# --- who sees which page -----------------------------------------------------------------------


READ_PAGES = [
    "/issues/",
    "/issues/{issue}/",
    "/initiatives/",
    "/initiatives/ranked/",
    "/initiatives/{initiative}/",
    "/issues/export.csv",
    "/initiatives/export.csv",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_login_reads_the_pages_and_anonymous_is_sent_to_log_in(
    client, user_in_role, initiative, issue, role, page
):
    url = page.format(issue=issue.pk, initiative=initiative.pk)

    response = _login(client, user_in_role(role)).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "page", ["/issues/{issue}/edit/", "/initiatives/new/?journey=onboarding", "/initiatives/{initiative}/edit/"]
)
def test_edit_pages_are_for_the_owner_and_managers(client, user_in_role, initiative, issue, role, page):
    response = _login(client, user_in_role(role)).get(page.format(issue=issue.pk, initiative=initiative.pk))

    if role == "anonymous":
        assert response.status_code == 302
    elif role in STEERERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_triage_form_shows_only_to_the_owner_and_managers(client, user_in_role, issue, role):
    if role == "anonymous":
        return
    response = _login(client, user_in_role(role)).get(f"/issues/{issue.pk}/")

    assert ("Save triage" in _text(response)) == (role in STEERERS)
    assert ("Propose an initiative" in _text(response)) == (role in STEERERS)


# --- logging an issue --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_logging_an_issue_from_the_form(client, user_in_role, journey, touchpoint, role):
    user = user_in_role(role)

    response = _login(client, user).post(
        "/issues/new/",
        {
            "journey": journey.pk,
            "touchpoint": touchpoint.pk,
            "title": "Router missing",
            "symptom": "A second visit",
            "category": "operational_capability",
            "severity": 3,
        },
    )

    if role in CONTRIBUTORS:
        issue = Issue.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/issues/{issue.pk}/"
        assert (issue.reported_by, issue.stage) == (user.person, touchpoint.stage)
    else:
        assert response.status_code == 403  # refused by role, with the reason in the form
        assert "Ask its owner to add you to the team" in _text(response)
        assert not Issue.objects.exists()


def test_a_touchpoint_of_another_journey_is_a_form_error(client, team_user, journey, foreign_touchpoint):
    response = _login(client, team_user).post(
        "/issues/new/",
        {
            "journey": journey.pk,
            "touchpoint": foreign_touchpoint.pk,
            "title": "x",
            "symptom": "y",
            "category": "other",
            "severity": 1,
        },
    )

    assert response.status_code == 400
    assert "is not part of the journey" in _text(response)
    assert not Issue.objects.exists()


def test_the_log_form_is_prefilled_from_the_link(client, team_user, journey, touchpoint, django_assert_max_num_queries):
    factories.FunctionFactory(slug="billing", name="Billing")
    factories.FunctionFactory(slug="field-ops", name="Field operations")
    client = _login(client, team_user)
    query = (
        f"?journey=onboarding&stage={touchpoint.stage_id}&touchpoint=technician-visit"
        "&category=conflicting_objectives&title=Handle+time+vs+first+fix&symptom=Calls+cut+short"
        "&functions=billing&functions=field-ops"
    )

    with django_assert_max_num_queries(18):  # +1: the unread notifications count in the header
        response = client.get("/issues/new/" + query)

    html = _text(response)
    assert f'<option value="{journey.pk}" selected>Onboarding</option>' in html
    assert f'<option value="{touchpoint.pk}" selected>Onboarding › Installation › Technician visit</option>' in html
    assert '<option value="conflicting_objectives" selected>' in html
    assert 'value="Handle time vs first fix"' in html
    assert "Calls cut short</textarea>" in html
    assert html.count("checked") == 2


def test_a_prefill_touchpoint_key_of_another_journey_is_ignored(client, team_user, journey, foreign_touchpoint):
    response = _login(client, team_user).get("/issues/new/?journey=onboarding&touchpoint=first-bill")

    assert "selected>Billing › " not in _text(response)


def test_a_login_without_a_person_is_told_why_it_cannot_log(client, admin_user, journey):
    client = _login(client, admin_user)

    page = client.get("/issues/new/")
    response = client.post(
        "/issues/new/", {"journey": journey.pk, "title": "x", "symptom": "y", "category": "other", "severity": 1}
    )

    assert "not linked to a person" in _text(page)
    assert "not linked to a person" in _text(response)
    assert not Issue.objects.exists()


# --- triage and history ------------------------------------------------------------------------


def test_an_illegal_triage_is_a_form_error_and_changes_nothing(client, owner_user, issue):
    response = _login(client, owner_user).post(
        f"/issues/{issue.pk}/triage/", {"status": "closed", "root_cause": "", "version": 1}
    )

    assert response.status_code == 400
    assert "cannot move from “Reported” to “Closed”" in _text(response)
    issue.refresh_from_db()
    assert (issue.status, issue.version) == ("reported", 1)


def test_a_stale_triage_is_a_form_error(client, owner_user, issue):
    Issue.objects.filter(pk=issue.pk).update(version=3)

    response = _login(client, owner_user).post(
        f"/issues/{issue.pk}/triage/", {"status": "investigating", "root_cause": "", "version": 1}
    )

    assert response.status_code == 400
    assert "changed by someone else" in _text(response)
    issue.refresh_from_db()
    assert issue.status == "reported"


def test_the_issue_page_shows_who_changed_what_and_when(client, owner_user, manager_user, issue):
    assignee = factories.PersonFactory(name="Ada Field")
    _login(client, owner_user).post(
        f"/issues/{issue.pk}/triage/",
        {"status": "investigating", "root_cause": "", "assignee": assignee.pk, "version": 1},
    )
    client.post(
        f"/issues/{issue.pk}/triage/", {"status": "root_cause_confirmed", "root_cause": "No kit check", "version": 2}
    )

    response = _login(client, manager_user).get(f"/issues/{issue.pk}/")

    html = _text(response)
    assert "Owner Person</strong> changed" in html
    assert '<th scope="row">Status</th><td>Reported</td><td>Investigating</td>' in html
    assert '<th scope="row">Assignee</th><td>–</td><td>Ada Field</td>' in html
    assert '<th scope="row">Root cause</th><td>–</td><td>No kit check</td>' in html
    assert "created it" in html


def test_history_is_kept_from_viewers(client, viewer_user, issue):
    response = _login(client, viewer_user).get(f"/issues/{issue.pk}/")

    assert "visible to the journey's owner and to managers" in _text(response)


# --- the issue list and its export -------------------------------------------------------------


def test_the_issue_list_filters_and_the_export_honours_the_filters(client, viewer_user, journey, other_journey):
    factories.IssueFactory(journey=journey, title="Router missing", severity=4)
    factories.IssueFactory(journey=journey, title="Letter late", severity=1)
    factories.IssueFactory(journey=other_journey, title="Bill wrong", severity=4)
    client = _login(client, viewer_user)

    page = client.get("/issues/", {"journey": "onboarding", "severity": 4})
    export = client.get("/issues/export.csv", {"journey": "onboarding", "severity": 4})

    assert "Router missing" in _text(page)
    assert "Letter late" not in _text(page)
    assert "Bill wrong" not in _text(page)
    assert export.streaming
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["title"] for row in rows] == ["Router missing"]
    assert rows[0]["journey"] == "onboarding"


def test_an_empty_issue_list_offers_logging_to_a_team_member(client, team_user):
    response = _login(client, team_user).get("/issues/")

    assert "No issues match." in _text(response)
    assert "/issues/new/" in _text(response)


def test_an_empty_issue_list_offers_a_viewer_nothing_they_would_be_refused(client, viewer_user):
    response = _login(client, viewer_user).get("/issues/")

    assert "No issues match." in _text(response)
    assert "A journey's team logs what breaks it" in _text(response)
    assert "/issues/new/" not in _text(response)


def test_a_viewer_is_refused_the_log_form_before_filling_it(client, viewer_user, journey):
    # when
    bare = _login(client, viewer_user).get("/issues/new/")
    on_journey = client.get("/issues/new/?journey=onboarding")

    # then: refused with the reason, no form to fill
    assert (bare.status_code, on_journey.status_code) == (403, 403)
    assert "and you are on no journey" in _text(bare)
    assert 'name="title"' not in _text(bare)
    assert 'name="title"' not in _text(on_journey)


def test_a_team_member_is_refused_the_log_form_of_a_journey_they_are_not_on(client, team_user, journey):
    factories.JourneyFactory(name="Elsewhere", slug="elsewhere")

    response = _login(client, team_user).get("/issues/new/?journey=elsewhere")

    assert response.status_code == 403
    assert "Only the team, the owner of “Elsewhere” and managers can log issues on it." in _text(response)


def test_the_log_form_offers_only_the_journeys_the_person_may_log_on(client, team_user, journey):
    factories.JourneyFactory(name="Someone else's journey", slug="elsewhere")

    html = _text(_login(client, team_user).get("/issues/new/"))

    assert ">Onboarding</option>" in html
    assert "Someone else" not in html


def test_the_initiative_journey_picker_lists_only_journeys_the_person_owns(client, owner_user, viewer_user, journey):
    factories.JourneyFactory(name="Someone else's journey", slug="elsewhere")

    owner_page = _text(_login(client, owner_user).get("/initiatives/new/"))
    viewer_page = _login(client, viewer_user).get("/initiatives/new/")

    assert ">Onboarding</option>" in owner_page
    assert "Someone else" not in owner_page
    assert viewer_page.status_code == 403
    assert "you own no journey" in _text(viewer_page)


# --- initiatives: board, moves, ranking, detail ------------------------------------------------


def test_the_board_has_a_column_per_status_and_marks_overdue_cards_in_words(client, viewer_user, journey, freeze_today):
    freeze_today(dt.date(2026, 11, 22))
    late = factories.InitiativeFactory(
        journey=journey, title="Late one", status="in_progress", due_date=dt.date(2026, 11, 1)
    )
    factories.InitiativeUpdateFactory(initiative=late, progress=40)
    factories.InitiativeFactory(journey=journey, title="Done one", status="measured", due_date=dt.date(2026, 11, 1))

    html = _text(_login(client, viewer_user).get("/initiatives/"))

    for heading in ("Proposed", "Approved", "In progress", "Delivered", "Measured", "Cancelled"):
        assert f">{heading}</span>" in html
    assert html.count("· Overdue") == 1
    assert "Progress 40%" in html
    assert "Move</button>" not in html  # viewers cannot move cards


def test_a_card_offers_only_the_allowed_next_statuses(client, owner_user, initiative):
    html = _text(_login(client, owner_user).get("/initiatives/"))

    assert f'id="move-{initiative.pk}"' in html
    assert '<option value="approved">Approved</option>' in html
    assert '<option value="cancelled">Cancelled</option>' in html
    assert '<option value="measured">' not in html


def test_moving_a_card_goes_through_the_workflow(client, owner_user, initiative):
    response = _login(client, owner_user).post(
        f"/initiatives/{initiative.pk}/transition/", {"status": "approved", "version": 1, "next": "/initiatives/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/initiatives/"
    initiative.refresh_from_db()
    assert initiative.status == "approved"


def test_an_illegal_move_is_refused_with_a_message(client, owner_user, initiative):
    response = _login(client, owner_user).post(
        f"/initiatives/{initiative.pk}/transition/",
        {"status": "measured", "version": 1, "next": "/initiatives/"},
        follow=True,
    )

    assert "was not moved: An initiative cannot move from “Proposed” to “Measured”" in _text(response)
    initiative.refresh_from_db()
    assert initiative.status == "proposed"


def test_starting_work_without_a_snapshot_is_refused_with_a_message(client, owner_user, journey):
    initiative = factories.InitiativeFactory(journey=journey, status="approved")

    response = _login(client, owner_user).post(
        f"/initiatives/{initiative.pk}/transition/", {"status": "in_progress", "version": 1}, follow=True
    )

    assert "has no health snapshot yet" in _text(response)
    initiative.refresh_from_db()
    assert initiative.status == "approved"


def test_a_viewer_cannot_move_a_card(client, viewer_user, initiative):
    response = _login(client, viewer_user).post(f"/initiatives/{initiative.pk}/transition/", {"status": "approved"})

    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.status == "proposed"


def test_the_move_ignores_an_offsite_next(client, owner_user, initiative):
    response = _login(client, owner_user).post(
        f"/initiatives/{initiative.pk}/transition/", {"status": "approved", "next": "https://evil.example/"}
    )

    assert response["Location"] == f"/initiatives/{initiative.pk}/"


def test_the_ranking_lists_open_initiatives_best_value_first(client, viewer_user, journey):
    factories.InitiativeFactory(journey=journey, title="Dear", effort=10, expected_gain=5)
    factories.InitiativeFactory(journey=journey, title="Unknown", effort=None, expected_gain=5)
    factories.InitiativeFactory(journey=journey, title="Cheap", effort=2, expected_gain=4)
    factories.InitiativeFactory(journey=journey, title="Finished", effort=1, expected_gain=9, status="measured")

    html = _text(_login(client, viewer_user).get("/initiatives/ranked/"))

    assert html.index("Cheap") < html.index("Dear") < html.index("Unknown")
    assert "Finished" not in html


def test_the_initiative_page_explains_a_measured_impact_in_words(client, viewer_user, journey):
    initiative = factories.InitiativeFactory(
        journey=journey, status="measured", target_component="repeat_rate", baseline_value=0.30, result_value=0.20
    )

    html = _text(_login(client, viewer_user).get(f"/initiatives/{initiative.pk}/"))

    assert "30.0%" in html
    assert "20.0%" in html
    assert "−10.0 percentage points" in html
    assert "measured before impacts had intervals" in html
    assert (
        "The repeat rate fell by 10.0 percentage points: an improvement, because a lower repeat rate is better." in html
    )


def test_a_team_member_posts_an_update_from_the_initiative_page(client, team_user, initiative):
    response = _login(client, team_user).post(
        f"/initiatives/{initiative.pk}/updates/", {"body": "Pilot live in two regions", "progress": 35}
    )

    assert response.status_code == 302
    update = InitiativeUpdate.objects.get()
    assert (update.author, update.progress) == (team_user.person, 35)
    assert "Pilot live in two regions" in _text(client.get(f"/initiatives/{initiative.pk}/"))


def test_an_update_with_progress_over_100_is_a_form_error(client, team_user, initiative):
    response = _login(client, team_user).post(f"/initiatives/{initiative.pk}/updates/", {"body": "x", "progress": 140})

    assert response.status_code == 400
    assert "errorlist" in _text(response)
    assert not InitiativeUpdate.objects.exists()


def test_proposing_an_initiative_from_the_form(client, owner_user, journey, issue):
    response = _login(client, owner_user).post(
        "/initiatives/new/?journey=onboarding",
        {
            "title": "Kit check",
            "hypothesis": "Fewer second visits",
            "issues": [issue.pk],
            "target_component": "repeat_rate",
            "expected_gain": "-0.05",
            "effort": "5",
            "measurement_days": 30,
        },
    )

    initiative = Initiative.objects.get()
    assert response["Location"] == f"/initiatives/{initiative.pk}/"
    assert (initiative.status, list(initiative.issues.all())) == ("proposed", [issue])


def test_editing_an_initiative_with_a_stale_version_is_a_form_error(client, owner_user, initiative, issue):
    Initiative.objects.filter(pk=initiative.pk).update(version=5)

    response = _login(client, owner_user).post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Renamed", "issues": [issue.pk], "target_component": "score", "measurement_days": 30, "version": 1},
    )

    assert response.status_code == 400
    assert "changed by someone else" in _text(response)
    initiative.refresh_from_db()
    assert initiative.title == "Kit check before dispatch"


# --- the journey page panel --------------------------------------------------------------------


def _panel_html(user, journey):
    request = RequestFactory().get(f"/journeys/{journey.slug}/")
    request.user = user
    panel = next(panel for panel in panels() if panel.key == "improvements")
    entry = {"panel": panel, **panel.context(request, journey)}
    return render_to_string(panel.template, entry, request=request)


def test_the_panel_is_registered_for_the_journey_page_after_the_blueprint():
    panel = next(panel for panel in panels() if panel.key == "improvements")

    assert (panel.title, panel.order, panel.template) == (
        "Issues and initiatives",
        60,
        "improvements/partials/journey_panel.html",
    )
    assert panel.order >= BLUEPRINT_ORDER


@pytest.mark.parametrize(("role", "can_log"), [("viewer", False), ("team", True), ("owner", True)])
def test_the_panel_offers_to_log_an_issue_to_those_allowed(user_in_role, journey, role, can_log):
    html = _panel_html(user_in_role(role), journey)

    assert ("Log an issue" in html) == can_log


def test_the_panel_counts_open_issues_by_severity_and_lists_initiatives_in_flight(
    team_user, journey, django_assert_max_num_queries
):
    for severity in (4, 4, 2):
        factories.IssueFactory(journey=journey, severity=severity)
    factories.IssueFactory(journey=journey, severity=4, status="closed")
    factories.InitiativeFactory(journey=journey, title="In flight", status="in_progress")
    factories.InitiativeFactory(journey=journey, title="Just an idea", status="proposed")
    _panel_html(team_user, journey)  # warm the role caches on the user

    with django_assert_max_num_queries(8):
        html = _panel_html(team_user, journey)

    assert 'Open issues <span class="muted">(3)</span>' in html
    assert '&amp;severity=4">2</a>' in html
    assert "In flight" in html
    assert "Just an idea" not in html


def test_the_panel_shows_where_progress_and_lateness_in_the_same_queries_for_one_or_five(
    team_user, journey, django_assert_num_queries
):
    stage = factories.StageFactory(journey=journey, name="Installation")
    touchpoint = factories.TouchpointFactory(stage=stage, name="Engineer visit")
    _panel_html(team_user, journey)  # warm the role caches on the user
    with CaptureQueriesContext(connection) as empty:
        _panel_html(team_user, journey)

    def add(n):
        factories.IssueFactory(journey=journey, severity=4, title=f"At the visit {n}", touchpoint=touchpoint)
        factories.IssueFactory(journey=journey, severity=3, title=f"In the stage {n}", stage=stage)
        late = factories.InitiativeFactory(
            journey=journey, title=f"Late {n}", status="in_progress", due_date=dt.date(2020, 1, 1)
        )
        factories.InitiativeUpdateFactory(initiative=late, progress=40)

    add(0)
    with CaptureQueriesContext(connection) as one:
        html = _panel_html(team_user, journey)
    for n in range(1, 5):
        add(n)
    with django_assert_num_queries(len(one)):
        many = _panel_html(team_user, journey)

    assert len(one) == len(empty)
    assert "at Engineer visit" in html
    assert "in Installation" in html
    assert '<span class="small">40%</span>' in html
    assert "Overdue" in html
    assert many.count("Overdue") == 5
    assert many.count("at Engineer visit") == 5


# --- query counts ------------------------------------------------------------------------------


def _fill(journey, count):
    stage = factories.StageFactory(journey=journey)
    for _ in range(count):
        issue = factories.IssueFactory(
            journey=journey,
            stage=stage,
            touchpoint=factories.TouchpointFactory(stage=stage),
            assignee=factories.PersonFactory(),
        )
        issue.functions.add(factories.FunctionFactory())
        initiative = factories.InitiativeFactory(
            journey=journey, lead=factories.PersonFactory(), due_date=dt.date(2026, 1, 1)
        )
        initiative.issues.add(issue)
        initiative.functions.add(factories.FunctionFactory())
        factories.InitiativeUpdateFactory(initiative=initiative)
    return issue, initiative


@pytest.mark.parametrize(
    ("page", "budget"),
    [
        # +2 (+1 for the CSV): reporter and assignee are one batched lookup each per page instead of two
        # more joins, whose planning cost PostgreSQL more than the page (docs/decisions.md, perflists)
        ("/issues/", 14),  # +1: the unread notifications count in the header
        ("/issues/?journey=onboarding", 16),
        ("/issues/export.csv", 6),
        ("/issues/{issue}/", 21),  # +4: the comment thread, its history, the comment permission
        ("/initiatives/", 11),
        ("/initiatives/ranked/", 10),
        ("/initiatives/export.csv", 5),
        ("/initiatives/{initiative}/", 21),  # +4: as the issue page
        ("/issues/new/?journey=onboarding", 14),
    ],
)
def test_pages_cost_a_constant_number_of_queries(
    client, owner_user, journey, django_assert_max_num_queries, page, budget
):
    client = _login(client, owner_user)
    issue, initiative = _fill(journey, 3)
    for _ in range(3):  # history for the issue and the initiative pages
        Issue.objects.get(pk=issue.pk).save()
        Initiative.objects.get(pk=initiative.pk).save()
    url = page.format(issue=issue.pk, initiative=initiative.pk)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    issue, initiative = _fill(journey, 10)
    for _ in range(10):
        Issue.objects.get(pk=issue.pk).save()
        Initiative.objects.get(pk=initiative.pk).save()
    url = page.format(issue=issue.pk, initiative=initiative.pk)

    with django_assert_max_num_queries(budget):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)

    assert response.status_code == 200


def test_the_panel_shows_on_the_journey_page(client, team_user, journey):
    factories.IssueFactory(journey=journey, title="Router missing", severity=4)
    client.force_login(team_user)

    html = client.get(f"/journeys/{journey.slug}/").content.decode()

    assert "Issues and initiatives" in html
    assert "Router missing" in html
    assert "Log an issue" in html


# --- gains in score points, measured impact (design section 14) ---------------------------------


def test_the_ranking_orders_by_score_points_per_person_day_and_shows_both_units(client, viewer_user, journey):
    # +0.2 of a 1-5 rating = 0.2 x 25 x 30% = 1.5 points; -5 points of repeat rate = 0.05 x 100 x 15% = 0.75
    journey.target_duration = dt.timedelta(days=30)  # all six weights count (100)
    journey.save()
    factories.InitiativeFactory(
        journey=journey, title="Rating", target_component="journey_csat", expected_gain=0.2, effort=10
    )
    factories.InitiativeFactory(
        journey=journey, title="Repeats", target_component="repeat_rate", expected_gain=-0.05, effort=10
    )
    factories.InitiativeFactory(
        journey=journey, title="Informational", target_component="touchpoint_csat", expected_gain=1.0, effort=1
    )

    html = _text(_login(client, viewer_user).get("/initiatives/ranked/"))

    assert html.index("Rating") < html.index("Repeats") < html.index("Informational")
    assert "+0.20" in html
    assert "1.50" in html
    assert "0.150" in html
    assert "−5.0 percentage points" in html
    assert "0.75" in html


def test_the_form_refuses_a_gain_in_the_worsening_direction_and_proposes_nothing(client, owner_user, journey, issue):
    response = _login(client, owner_user).post(
        "/initiatives/new/?journey=onboarding",
        {
            "title": "Kit check",
            "issues": [issue.pk],
            "target_component": "repeat_rate",
            "expected_gain": "0.05",
            "effort": "5",
            "measurement_days": 30,
        },
    )

    assert response.status_code == 400
    assert "would make the repeat rate worse" in _text(response)
    assert not Initiative.objects.exists()


def test_the_form_refuses_a_gain_that_leaves_the_components_range(client, owner_user, journey, issue):
    snapshot(journey, timezone.localdate(), journey_csat=2.69)

    response = _login(client, owner_user).post(
        "/initiatives/new/?journey=onboarding",
        {
            "title": "Delight",
            "issues": [issue.pk],
            "target_component": "journey_csat",
            "expected_gain": "4.0",
            "effort": "5",
            "measurement_days": 30,
        },
    )

    assert response.status_code == 400
    assert "from 2.69 to 6.69, outside its range" in _text(response)
    assert not Initiative.objects.exists()


def _measured(journey, after_counts, *, comparison_segment=None):
    initiative = factories.InitiativeFactory(
        journey=journey,
        status="delivered",
        target_component="journey_csat",
        start_date=dt.date(2026, 9, 1),
        delivered_on=dt.date(2026, 9, 20),
        measurement_days=30,
        expected_gain=0.5,
        scope_segments=["retail"] if comparison_segment else [],
        comparison_segments=[comparison_segment] if comparison_segment else [],
    )
    before, after = periods(initiative)
    add_instances(journey, before, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}), segment="retail")
    add_instances(journey, after, ratings(after_counts), segment="retail")
    if comparison_segment:
        add_instances(journey, before, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}), segment=comparison_segment)
        add_instances(journey, after, ratings({1: 25, 2: 55, 3: 120, 4: 65, 5: 35}), segment=comparison_segment)
    services.initiative_transition(initiative=initiative, status="measured")
    return initiative


def test_the_initiative_page_shows_the_verdict_the_interval_and_both_periods(client, viewer_user, journey):
    initiative = _measured(journey, {1: 15, 2: 30, 3: 100, 4: 100, 5: 55}, comparison_segment="business")

    html = _text(_login(client, viewer_user).get(f"/initiatives/{initiative.pk}/"))

    assert "Improved" in html
    assert "95% interval runs from" in html
    assert '<svg class="number-line" role="img"' in html
    assert "0 (no change)" in html
    assert "better →" in html
    assert "300 journeys, 2 Aug – 31 Aug 2026" in html
    assert "300 journeys, 21 Sep – 20 Oct 2026" in html
    assert "Comparison: segments business" in html
    assert "The comparison group moved +0.10 on its own" in html


def test_an_inconclusive_initiative_says_the_change_could_be_noise(client, viewer_user, journey):
    initiative = _measured(journey, {1: 30, 2: 60, 3: 118, 4: 62, 5: 30})

    html = _text(_login(client, viewer_user).get(f"/initiatives/{initiative.pk}/"))

    assert "Inconclusive" in html
    assert "could be noise" in html
    assert "includes no change" in html
    assert "These periods could only tell an effect of about" in html
