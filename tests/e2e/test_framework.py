"""A manager reads the journey framework on the demo: the tree, a parent's roll-up, who was left out."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from playwright.sync_api import expect

from journeys.models import HealthSnapshot, Journey
from tests.e2e.conftest import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _expected_rollup(parent_slug: str) -> str:
    """Worked independently of the selector: each active part's latest overall snapshot, weighted by n."""
    total, weights = Decimal(0), 0
    for part in Journey.objects.filter(parent__slug=parent_slug, status="active"):
        latest = HealthSnapshot.objects.filter(journey=part, segment="").order_by("-as_of", "-id").first()
        if latest and latest.score is not None and latest.status != "insufficient_data":
            total += latest.score * latest.sample_size
            weights += latest.sample_size
    return str((total / weights).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_manager_reads_the_framework_with_roll_ups_and_the_parts_left_out(demo, page):
    log_in(page, "manager")
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Framework").first.click()

    expect(page.get_by_role("heading", name="Journey framework", level=1)).to_be_visible()
    rows = page.locator("main table.framework > tbody > tr")
    ids = rows.evaluate_all("rows => rows.map(row => row.id)")
    become = ids.index("framework-become-a-customer")
    assert ids[become + 1 : become + 3] == ["framework-onboarding", "framework-shop-and-buy"]

    become_row = page.locator("#framework-become-a-customer")
    expect(become_row.locator("[data-rollup]")).to_have_text(_expected_rollup("become-a-customer"))
    live_row = page.locator("#framework-live-with-the-service")
    expect(live_row.locator(".rollup-excluded")).to_contain_text("Left out: ")
    expect(live_row.locator(".rollup-excluded")).to_contain_text(
        "Upgrade to fibre broadband (draft: only active journeys count)"
    )

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "framework.png"), full_page=True)

    # the journey page walks back up the framework
    page.locator("#framework-onboarding").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/journeys/onboarding/$"))
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Become a customer")
