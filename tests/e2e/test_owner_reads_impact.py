"""A journey owner reads whether two delivered initiatives worked: one improved, one inconclusive."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_the_owner_reads_an_improved_and_an_inconclusive_initiative(demo, page):
    # given the owner of onboarding, logged in, on the initiatives board
    log_in(page, "owner")
    page.goto("/initiatives/")
    measured = page.locator("main").get_by_role("link", name="Automatic delay verification for app claims")

    # when they open the delay-verification initiative (measured)
    measured.click()

    # then the verdict is in words, the interval is drawn around no change, and both periods are listed
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/$"))
    impact = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("Did it work")))
    expect(impact.locator(".verdict")).to_contain_text("Improved")
    expect(impact.locator(".verdict")).to_contain_text("not noise")
    number_line = impact.locator("svg.number-line")
    expect(number_line).to_be_visible()
    expect(number_line.locator("text").filter(has_text="0 (no change)")).to_have_count(1)
    expect(number_line.locator("text").filter(has_text="better →")).to_have_count(1)  # more refunds on time
    periods = impact.locator("table")
    expect(periods.get_by_role("columnheader", name="Before the start")).to_be_visible()
    expect(periods.locator("tbody tr").first).to_contain_text("journeys")

    # when they go back and open the reminder initiative
    page.go_back()
    page.locator("main").get_by_role("link", name="Text a reminder the day before the technician visit").click()

    # then it says the change could be noise, with the interval crossing no change
    impact = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("Did it work")))
    expect(impact.locator(".verdict")).to_contain_text("Inconclusive")
    expect(impact.locator(".verdict")).to_contain_text("could be noise")
    expect(impact.locator("svg.number-line")).to_be_visible()
    expect(impact.locator("svg.number-line text").filter(has_text="better →")).to_have_count(1)
