"""Confirm-then-delete and retiring in the map editor (issue 18, item 13), in Chromium on the demo."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_the_owner_confirms_a_delete_then_retires_a_touchpoint_with_data_and_brings_it_back(demo, page):
    # given the owner in the onboarding map editor, with a new empty stage
    log_in(page, "owner")
    page.goto("/journeys/onboarding/edit/")
    page.locator("#add-stage").get_by_label("Name").fill("Temporary stage")
    page.get_by_role("button", name="Add stage").click()
    expect(page.get_by_role("heading", name=re.compile(r"Stage \d+: Temporary stage"))).to_be_visible()

    # when they delete it, they are asked first; keeping it changes nothing
    page.get_by_role("button", name="Delete stage Temporary stage and its touchpoints").click()
    expect(page.get_by_role("heading", name="Delete stage “Temporary stage”?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", name=re.compile(r"Stage \d+: Temporary stage"))).to_be_visible()

    # and confirming deletes it
    page.get_by_role("button", name="Delete stage Temporary stage and its touchpoints").click()
    page.get_by_role("button", name="Delete the stage").click()
    expect(page.get_by_text("Stage “Temporary stage” deleted with its touchpoints.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Temporary stage"))).to_have_count(0)

    # when they retire a touchpoint with recorded interactions (it offers Retire, not Delete)
    retire = page.get_by_role("button", name=re.compile(r"^Retire touchpoint ")).first
    name = retire.get_attribute("aria-label").removeprefix("Retire touchpoint ")
    expect(page.get_by_role("button", name=f"Delete touchpoint {name}")).to_have_count(0)
    retire.click()

    # then it is in the retired list with Bring back, and off the journey page's blueprint
    expect(page.get_by_text(f"Touchpoint “{name}” retired: kept for history, off the map.")).to_be_visible()
    retired_list = page.locator("#retired")
    expect(retired_list).to_contain_text(name)
    expect(retired_list.get_by_role("button", name=f"Bring back touchpoint {name}")).to_be_visible()
    retired_list.screenshot(path="var/screenshots/retire_map_editor_retired_list.png")
    page.goto("/journeys/onboarding/")
    expect(page.locator(".blueprint").get_by_text(name, exact=True)).to_have_count(0)

    # when they bring it back, it is on the map again
    page.goto("/journeys/onboarding/edit/")
    page.get_by_role("button", name=f"Bring back touchpoint {name}").click()
    expect(page.get_by_text(f"Touchpoint “{name}” is back on the map.")).to_be_visible()
    expect(page.locator("#retired")).to_have_count(0)
    page.goto("/journeys/onboarding/")
    expect(page.locator(".blueprint").get_by_text(name, exact=True).first).to_be_visible()
