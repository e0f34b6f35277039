"""The pages a newcomer walked through (issue 18, items 9, 12 and 16), in Chromium on the demo."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def _horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_viewer_is_offered_no_action_they_would_be_refused(demo, page):
    # given a read-only login
    log_in(page, "viewer")

    # when they open the issues and the initiatives
    page.goto("/issues/")
    expect(page.get_by_role("heading", name="Root-cause issues", level=1)).to_be_visible()

    # then neither offers them a form they would be refused
    expect(page.get_by_role("link", name="Log an issue")).to_have_count(0)
    page.goto("/initiatives/")
    expect(page.get_by_role("heading", name="Initiatives", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Propose an initiative")).to_have_count(0)
    # and the responsibilities are there to read, with nothing to tick
    page.goto("/journeys/onboarding/responsibilities/")
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save responsibilities")).to_have_count(0)


def test_the_responsibilities_grid_shows_the_functions_involved_and_fits_a_laptop(demo, page):
    # given the owner on a 1366 px laptop screen
    log_in(page, "owner")
    page.set_viewport_size({"width": 1366, "height": 900})

    # when they open who delivers each touchpoint
    page.goto("/journeys/onboarding/responsibilities/")

    # then only the functions involved are columns, the grid fits, and the others come on demand
    expect(page.locator("#functions-shown")).to_contain_text("function")
    expect(page.locator("th.function-column", has_text="Rail Operations")).to_have_count(0)
    assert _horizontal_overflow(page) == 0
    involved = page.locator("th.function-column").count()
    page.get_by_role("link", name="Add another function").click()
    expect(page.locator("#functions-shown")).to_contain_text("Every function of the organisation is shown.")
    assert page.locator("th.function-column").count() > involved


def test_the_issue_list_filters_with_the_portfolio_filter_bar(demo, page):
    # given a team member on the issues
    log_in(page, "teammate")
    page.goto("/issues/")
    bar = page.get_by_role("form", name="Filter issues")

    # then each filter is one drop-down with an "any" choice, as on the portfolio
    expect(bar.locator("select[multiple]")).to_have_count(0)
    expect(bar.get_by_label("Status")).to_have_value("")
    assert _horizontal_overflow(page) == 0

    # when they keep the open issues of high severity
    bar.get_by_label("Open or closed").select_option("true")
    bar.get_by_label("Severity").select_option("3")
    bar.get_by_role("button", name="Apply").click()

    # then the list says what filters it, and the filters can be cleared
    expect(page).to_have_url(re.compile(r"open=true.*severity=3"))
    expect(page.get_by_role("form", name="Filter issues").get_by_label("Severity")).to_have_value("3")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    for severity in page.locator("td .sev:not(.overdue-badge)").all_inner_texts():
        assert severity == "High"
