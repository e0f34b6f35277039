"""From a root cause seen on the blueprint to an initiative in progress."""

import re

from playwright.sync_api import expect

from improvements import services
from improvements.choices import InitiativeStatus, IssueCategory, IssueStatus, Severity
from improvements.models import Initiative, Issue
from journeys.models import HealthSnapshot, Journey
from owners.models import Person
from tests.e2e.conftest import log_in

TITLE = "Technicians arrive without the customer's order details"
ROOT_CAUSE = "The field app reads orders from a nightly copy; same-day orders are missing."
HYPOTHESIS = "Technicians who know the order fix it in one visit; fewer rescheduling calls."
SYMPTOM = "Customers explain their package again on the doorstep; some visits end without the right box."


def test_a_team_member_logs_a_root_cause_issue_on_a_touchpoint_of_the_blueprint(demo, page):
    # given a member of the onboarding team on the journey page
    log_in(page, "teammate")
    page.goto("/journeys/onboarding/")
    visit = page.locator(".touchpoint").filter(has_text="Technician home visit")

    # when they log an issue from the technician visit's card
    visit.get_by_role("link", name="Log an issue").click()
    expect(page.get_by_role("heading", name="Log an issue", level=1)).to_be_visible()
    expect(page.get_by_label("Touchpoint")).to_have_text(re.compile("Technician home visit"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Symptom").fill(SYMPTOM)
    page.get_by_label("Category").select_option(label="Disjointed technology")
    page.get_by_label("Severity").select_option(label="High")
    page.get_by_label("Field Operations").check()
    page.get_by_role("button", name="Log the issue").click()

    # then the issue's page shows it, reported on that touchpoint by them
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("logged")
    details = page.locator("dl.facts")
    expect(details).to_contain_text("New customer onboarding")
    expect(details).to_contain_text("Installation")
    expect(details).to_contain_text("Technician home visit (technician-visit)")
    expect(details).to_contain_text("Field Operations")
    expect(details).to_contain_text("Sam Okafor")
    issue = Issue.objects.get(title=TITLE)
    assert (issue.status, issue.category, issue.severity) == ("reported", "disjointed_technology", Severity.HIGH)
    assert page.url.endswith(f"/issues/{issue.pk}/")


def test_the_owner_confirms_the_root_cause_and_starts_an_initiative_that_addresses_it(demo, page):
    # given an issue a team member reported on onboarding
    onboarding = Journey.objects.get(slug="onboarding")
    issue = services.issue_log(
        journey=onboarding,
        reported_by=Person.objects.get(user__username="teammate"),
        title=TITLE,
        symptom=SYMPTOM,
        category=IssueCategory.DISJOINTED_TECHNOLOGY,
        severity=Severity.HIGH,
        touchpoint=onboarding.touchpoints.get(key="technician-visit"),
    )
    log_in(page, "owner")
    page.goto(f"/issues/{issue.pk}/")
    triage = page.locator("section").filter(has=page.get_by_role("heading", name="Triage"))

    # when the owner investigates, then confirms the root cause
    triage.get_by_label("Status").select_option(label="→ Investigating")
    triage.get_by_role("button", name="Save triage").click()
    expect(page.locator(".page-header .status")).to_have_text("Investigating")
    triage.get_by_label("Status").select_option(label="→ Root cause confirmed")
    triage.get_by_label("Root cause").fill(ROOT_CAUSE)
    triage.get_by_role("button", name="Save triage").click()

    # then the issue shows the confirmed root cause
    expect(page.locator(".page-header .status")).to_have_text("Root cause confirmed")
    expect(page.locator("section").filter(has_text="What customers experience")).to_contain_text("nightly copy")

    # when they propose an initiative from the issue, approve it and start it
    page.get_by_role("link", name="Propose an initiative").click()
    expect(page.get_by_label(re.compile(TITLE))).to_be_checked()
    page.get_by_label("Title").fill("Send same-day orders to the field app")
    page.get_by_label("Hypothesis").fill(HYPOTHESIS)
    page.get_by_role("button", name="Propose").click()
    expect(page.locator(".page-header .status")).to_have_text("Proposed")
    move = page.locator("section").filter(has=page.get_by_role("heading", name="Move"))
    move.get_by_label("Move to").select_option(label="Approved")
    move.get_by_role("button", name="Move").click()
    expect(page.locator(".page-header .status")).to_have_text("Approved")
    move.get_by_label("Move to").select_option(label="In progress")
    move.get_by_role("button", name="Move").click()

    # then it is in progress with the journey's latest score as its baseline
    expect(page.locator(".page-header .status")).to_have_text("In progress")
    latest = HealthSnapshot.objects.filter(journey=onboarding, segment="").latest("as_of")
    baseline = page.locator(".kpi").filter(has_text="Baseline").locator(".value")
    expect(baseline).to_have_text(f"{latest.score:.1f}")
    initiative = Initiative.objects.get(title="Send same-day orders to the field app")
    assert initiative.status == InitiativeStatus.IN_PROGRESS
    assert list(initiative.issues.all()) == [issue]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ROOT_CAUSE_CONFIRMED
    assert issue.root_cause == ROOT_CAUSE

    # and the board shows it in the In progress column
    page.goto("/initiatives/")
    in_progress = page.locator("section.board-column").filter(has=page.locator("#column-in_progress"))
    expect(in_progress.get_by_role("link", name="Send same-day orders to the field app")).to_be_visible()
