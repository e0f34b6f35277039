"""A manager sees the evidence behind an incentive verdict: the matrix mark and the review form's scatter."""

import re

from playwright.sync_api import expect

from improvements.models import Issue
from tests.e2e.conftest import SCREENSHOTS, log_in

HANDLE_TIME = "Average handle time"
JOURNEY = "New customer onboarding"


def _handle_time_row(page):
    return page.locator("tr").filter(has=page.get_by_role("rowheader", name=re.compile(HANDLE_TIME)))


def test_a_manager_sees_the_handle_time_conflict_on_the_matrix_and_reads_the_scatter(demo, page):
    # given a manager on the incentive matrix of the demo
    log_in(page, "manager")
    page.goto("/incentives/")

    # then the handle-time cell for onboarding is marked with its evidence, in words
    cell = _handle_time_row(page).get_by_role(
        "link", name=f"Conflicting: {HANDLE_TIME} for {JOURNEY}; Evidence: conflict (review)"
    )
    expect(cell).to_be_visible()
    expect(_handle_time_row(page).locator(".evidence-conflict_signal").first).to_contain_text("Evidence: conflict")

    # when they open the review form from the cell
    cell.click()

    # then the periods are drawn as a scatter, with the sentence the evidence supports
    evidence = page.locator("section[aria-labelledby=evidence]")
    expect(evidence.get_by_role("heading", name="What the periods say")).to_be_visible()
    chart = evidence.get_by_role("img", name=re.compile(f"{HANDLE_TIME} against the health score of {JOURNEY}"))
    expect(chart).to_be_visible()
    expect(chart.locator("circle.scatter-point")).to_have_count(12)
    sentence = evidence.locator(".evidence-sentence")
    expect(sentence).to_contain_text("Conflict.")
    expect(sentence).to_contain_text("the months in which Customer Service did better on “Average handle time”")
    expect(sentence).to_contain_text("This supports a conflicting verdict")
    expect(sentence).to_contain_text("not proof")
    evidence.get_by_text("The periods as a table").click()
    expect(evidence.locator("details").first.locator("tbody tr")).to_have_count(12)
    chart.screenshot(path=str(SCREENSHOTS / "incentive-evidence-scatter.png"))


def test_a_conflict_raised_as_an_issue_is_linked_and_cannot_be_raised_twice(demo, page):
    # given a manager who raises a root-cause issue from the handle-time conflict
    log_in(page, "manager")
    page.goto("/incentives/")
    _handle_time_row(page).get_by_role("link", name="Raise a root-cause issue").first.click()
    page.get_by_role("button", name="Log the issue").click()
    issue = Issue.objects.get(incentive__name=HANDLE_TIME, journey__slug="onboarding")
    expect(page.get_by_role("heading", level=1)).to_have_text(issue.title)

    # when they come back to the matrix
    page.goto("/incentives/")

    # then the cell links the issue instead of offering to raise it again
    row = _handle_time_row(page)
    expect(row.get_by_role("link", name=f"Issue #{issue.pk} raised (reported)")).to_be_visible()
    onboarding_cell = row.locator("td").filter(has=page.get_by_role("link", name=re.compile(f"for {JOURNEY}")))
    expect(onboarding_cell.get_by_role("link", name="Raise a root-cause issue")).to_have_count(0)

    # and the gaps page lists it as being addressed, no longer among onboarding's conflicting incentives
    page.goto("/gaps/")
    onboarding = page.locator("tbody tr").filter(has=page.get_by_role("link", name=JOURNEY, exact=True))
    expect(onboarding.locator(".alert-box").filter(has_text="conflicting incentive")).not_to_contain_text(HANDLE_TIME)
    expect(onboarding).to_contain_text(f"Customer Service · {HANDLE_TIME} by issue #{issue.pk} (reported)")
    assert Issue.objects.filter(incentive__name=HANDLE_TIME, journey__slug="onboarding").count() == 1
