"""The journey owner starts from the portfolio and reads why onboarding is in trouble."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import HealthSnapshot
from tests.e2e.conftest import DEMO_HISTORY_DAYS, log_in

ACTIVE_DEMO_JOURNEYS = {"onboarding", "shop-and-buy", "rail-refund", "billing-complaint", "home-move"}


def test_the_owner_finds_onboarding_among_the_worst_journeys_and_reads_its_paradox_and_trend(demo, page):
    # given the owner of onboarding, logged in
    log_in(page, "owner")

    # when they open the portfolio
    page.goto("/")

    # then every active journey is listed with a link to its page, worst first, onboarding among the worst
    expect(page.get_by_role("heading", name="Journey portfolio", level=1)).to_be_visible()
    rows = page.locator("main table.portfolio > tbody > tr")
    links = rows.evaluate_all("rows => rows.map(row => row.querySelector('a').getAttribute('href'))")
    assert {re.fullmatch(r"/journeys/([\w-]+)/", link).group(1) for link in links} == ACTIVE_DEMO_JOURNEYS
    assert "/journeys/onboarding/" in links[:2], f"onboarding is not among the two worst journeys: {links}"
    onboarding_row = page.locator("#journey-onboarding")
    expect(onboarding_row).to_contain_text("At risk")
    expect(onboarding_row).to_contain_text("Touchpoint paradox")

    # when they open onboarding from there
    onboarding_row.get_by_role("link", name="New customer onboarding").click()

    # then the health panel raises the paradox and shows the trend with its data table
    expect(page).to_have_url(re.compile(r"/journeys/onboarding/$"))
    health = page.locator("#health")
    expect(health.locator("li").filter(has_text="Touchpoint paradox")).to_be_visible()
    trend = health.locator("figure").filter(has=page.get_by_role("heading", name="Trend"))
    expect(trend.locator("svg")).to_be_visible()
    # the days the demo recomputed, plus the month ends its incentive measures carried over (docs/demo.md)
    recomputed = DEMO_HISTORY_DAYS + 1
    window_start = timezone.localdate() - dt.timedelta(days=180)
    snapshots = HealthSnapshot.objects.filter(journey__slug="onboarding", segment="", as_of__gt=window_start).count()
    assert recomputed < snapshots <= recomputed + 7
    summary = health.locator("summary").filter(has_text=f"Trend data as a table ({snapshots} daily snapshots)")
    summary.click()
    table = health.locator("details[open] table.data")
    expect(table).to_be_visible()
    expect(table.locator("tbody > tr")).to_have_count(snapshots)
