"""The owner of onboarding finds its weakest touchpoint and the stage to fix first."""

import re

import pytest
from playwright.sync_api import expect

from journeys.models import Journey
from journeys.selectors import where
from tests.e2e.conftest import log_in, seed_demo_organisation

# Key drivers need max(min_sample, 10 x predictors) complete cases: half the demo gives onboarding enough.
WHERE_SCALE = 0.5


@pytest.fixture
def bigger_demo(transactional_db, live_server):
    seed_demo_organisation(history_days=1, scale=WHERE_SCALE)


def test_the_owner_finds_the_weakest_touchpoint_and_the_fix_first_stage_of_onboarding(bigger_demo, page):
    journey = Journey.objects.get(slug="onboarding")
    snapshot = where.latest_snapshot(journey)
    weakest = where.weakest_touchpoints(where.touchpoint_rows(snapshot))[0]
    drivers = where.latest_with_drivers(journey).drivers
    fix_first = where.fix_first(drivers)
    assert fix_first, "the demo's onboarding must have a stage to fix first"

    # given the owner of onboarding, logged in, on the journey page
    log_in(page, "owner")
    page.goto("/journeys/onboarding/")
    panel = page.locator("#where")

    # then "Where to act" names the weakest touchpoint first, with its own satisfaction in words
    first = panel.locator("ol.weakest > li").first
    expect(first).to_contain_text(weakest["name"])
    expect(first).to_contain_text(f"{weakest['csat']:.1f}/5")
    # and following it leads to its card on the blueprint, which shows the same figure, reach and repeat share
    first.get_by_role("link", name=weakest["name"]).click()
    expect(page).to_have_url(re.compile(rf"#touchpoint-{weakest['touchpoint_id']}$"))
    card = page.locator(f"#touchpoint-{weakest['touchpoint_id']}")
    expect(card).to_contain_text(f"Satisfaction {weakest['csat']:.1f}/5")
    expect(card).to_contain_text("reach")
    expect(card).to_contain_text("repeat")

    # when they sort the touchpoint table by reach, then by satisfaction (lowest first)
    page.goto("/journeys/onboarding/")
    headings = panel.locator("table.touchpoint-table thead")
    headings.get_by_role("link", name="Reach", exact=True).click()
    expect(headings.locator("th[aria-sort]")).to_have_text("Reach")
    headings.get_by_role("link", name="Satisfaction", exact=True).click()
    # then the weakest touchpoint heads the table
    expect(headings.locator("th[aria-sort='ascending']")).to_have_text("Satisfaction")
    expect(page.locator("table.touchpoint-table tbody tr").first.locator("th")).to_contain_text(weakest["name"])

    # then "Fix first" names the stage that matters more and performs worse, also in the chart's own words
    expect(panel.locator(".where-summary").filter(has_text="Fix first")).to_contain_text(fix_first[0]["label"])
    drivers_table = panel.locator("table.drivers-table")
    row = drivers_table.locator("tbody tr").filter(has_text=fix_first[0]["label"]).first
    expect(row).to_contain_text("Fix first")
    chart = panel.locator("svg.drivers-chart")
    expect(chart).to_be_visible()
    for quadrant in ("Fix first", "Protect", "Keep at parity", "Possible over-investment"):
        expect(chart.locator("text", has_text=quadrant).first).to_be_attached()
    expect(panel).to_contain_text("Tier: Service leadership")

    # and the paths show loops back to an earlier stage, the hand-offs name the worst one in words
    expect(panel.locator("svg.flow-chart")).to_be_visible()
    expect(panel.locator("table.top-paths")).to_contain_text("loops back")
    expect(panel.locator(".worst-handoff")).to_contain_text("identify themselves again")
