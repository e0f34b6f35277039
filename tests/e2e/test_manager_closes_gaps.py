"""A manager's work on ownership and incentives: the gaps a journey cannot close by itself."""

import re

from playwright.sync_api import expect

from improvements.models import Issue
from owners.choices import Verdict
from owners.models import IncentiveReview, Ownership
from tests.e2e.conftest import log_in

INCENTIVE = "System availability"
RATIONALE = "Availability is averaged over the month, so the Saturday-morning activation outages never count."


def test_a_manager_reviews_an_incentive_as_conflicting_in_the_matrix_and_raises_an_issue_from_it(demo, page):
    # given a manager on the incentive matrix, where Technology's availability target is unreviewed for onboarding
    log_in(page, "manager")
    page.goto("/incentives/")
    cell = page.get_by_role("link", name=f"Unreviewed: {INCENTIVE} for New customer onboarding (review)")

    # when they review it as conflicting, with why
    cell.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(f"{INCENTIVE}\\s+for\\s+New customer onboarding"))
    page.get_by_label("Conflicting").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Record verdict").click()

    # then the matrix shows the verdict and offers to raise a root-cause issue from it
    expect(page).to_have_url(re.compile(r"/incentives/#incentive-\d+$"))
    row = page.locator("tr").filter(has=page.get_by_role("rowheader", name=re.compile(INCENTIVE)))
    verdict = row.get_by_role("link", name=f"Conflicting: {INCENTIVE} for New customer onboarding (review)")
    expect(verdict).to_be_visible()
    row.get_by_role("link", name="Raise a root-cause issue").click()

    # when they submit the prefilled issue form
    expect(page.get_by_label("Category")).to_have_value("conflicting_objectives")
    expect(page.get_by_label("Journey")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Symptom")).to_have_value(re.compile(re.escape(RATIONALE)))
    expect(page.get_by_label("Technology")).to_be_checked()
    page.get_by_role("button", name="Log the issue").click()

    # then the issue exists, of category conflicting objectives, on onboarding
    title = f"Technology incentive '{INCENTIVE}' conflicts with New customer onboarding"
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text("Conflicting objectives")
    issue = Issue.objects.get(title=title)
    assert (issue.journey.slug, issue.category, issue.status) == ("onboarding", "conflicting_objectives", "reported")
    assert [function.name for function in issue.functions.all()] == ["Technology"]
    review = IncentiveReview.objects.filter(incentive__name=INCENTIVE, journey__slug="onboarding").get()
    assert (review.verdict, review.rationale, review.reviewer.name) == (Verdict.CONFLICTING, RATIONALE, "Priya Raman")


def test_a_manager_assigns_an_owner_to_an_ownerless_journey_and_the_no_owner_gap_disappears(demo, page):
    # given a manager on the page of the home-move journey, which nobody owns
    log_in(page, "manager")
    page.goto("/journeys/home-move/")
    ownership_panel = page.locator("#panel-ownership")
    expect(ownership_panel.locator(".alert-box").filter(has_text="No owner.")).to_be_visible()

    # when they assign an owner from there
    ownership_panel.get_by_role("link", name="Assign owner").first.click()
    page.get_by_label("New owner").select_option(label="Grace Liu")
    page.get_by_label("Mandate").fill("Accountable for home moves end to end, from the moving form to the new bill.")
    page.get_by_role("button", name="Assign owner").click()

    # then the journey has its owner and the gap is gone, on the journey page and the gaps list
    expect(page.locator(".messages")).to_contain_text("Grace Liu now owns Move house with Meridian TV")
    page.get_by_role("link", name="Journey page").click()
    ownership_panel = page.locator("#panel-ownership")
    expect(ownership_panel).to_contain_text("Grace Liu")
    expect(ownership_panel.get_by_text("No owner", exact=False)).to_have_count(0)
    expect(page.locator(".kpi").filter(has_text="Owner").locator(".value")).to_have_text("Grace Liu")
    page.goto("/gaps/?gap=no_owner")
    expect(page.locator("main")).not_to_contain_text("Move house with Meridian TV")
    expect(page.locator(".empty-state")).to_contain_text("No gaps of this kind")
    owner = Ownership.objects.get(journey__slug="home-move", ended_on__isnull=True)
    assert owner.person.name == "Grace Liu"
