"""Templates, copies and issue deadlines (issue 20.4 and 20.5), in Chromium on the demo."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_a_manager_starts_home_move_from_a_template_then_copies_a_map(demo, page):
    # given the manager on the journey list
    log_in(page, "manager")
    page.goto("/journeys/")
    page.get_by_role("link", name="Start from a template").click()

    # when they choose the home-move template, name the journey and change one key
    expect(page.get_by_role("heading", name="Move house")).to_be_visible()
    page.get_by_role("link", name="Use the Move house template").click()
    page.get_by_label("Name of the new journey").fill("Home move for business customers")
    page.get_by_label("Slug").fill("business-home-move")
    page.get_by_label("Tell us: Moving form online").fill("business-moving-form")
    page.get_by_role("button", name="Create the journey").click()

    # then they see the new draft journey's map, stages and moment of truth included
    expect(page.get_by_text(re.compile("drawn from the Move house template, as a draft"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Home move for business customers"))).to_be_visible()
    blueprint = page.locator(".blueprint")
    for stage in ("Tell us", "Schedule", "Move day", "After the move"):
        expect(blueprint.get_by_text(stage, exact=True).first).to_be_visible()
    expect(blueprint.get_by_text("Technician visit at the new home").first).to_be_visible()
    page.screenshot(path="var/screenshots/template_new_journey.png", full_page=True)

    # when they copy the onboarding map with a key already taken twice, they are told and nothing is made
    page.goto("/journeys/onboarding/")
    page.get_by_role("link", name="Copy this map").click()
    page.get_by_label("Name of the new journey").fill("Onboarding for business")
    page.get_by_label("Slug").fill("business-onboarding")
    page.get_by_label("Order: Sales call").fill("browse-packages")
    page.get_by_role("button", name="Create the journey").click()
    expect(page.get_by_text(re.compile("already has the key “browse-packages”"))).to_be_visible()

    # and with distinct keys the copy is made, without the source's data
    page.get_by_label("Order: Sales call").fill("business-sales-call")
    page.get_by_role("button", name="Create the journey").click()
    expect(
        page.get_by_text(re.compile("with the map of “New customer onboarding” \\(none of its data\\)"))
    ).to_be_visible()
    expect(page.locator(".blueprint").get_by_text("Technician home visit").first).to_be_visible()


def test_the_owner_filters_the_issue_list_on_overdue_issues(demo, page):
    # given the journey owner on the issue list
    log_in(page, "owner")
    page.goto("/issues/")

    # when they keep only overdue issues
    page.get_by_label("Overdue").select_option("true")
    page.get_by_role("button", name="Apply").click()

    # then the demo's three overdue issues are listed, each with its badge
    expect(page.get_by_text("3 issues.")).to_be_visible()
    expect(page.locator("table.data .overdue-badge")).to_have_count(3)
    expect(page.get_by_role("link", name="Agents rush activation calls to meet the handle-time target")).to_be_visible()
    page.screenshot(path="var/screenshots/issues_overdue_filter.png", full_page=True)
