"""The screenshots of the README: the portfolio, a journey page and the incentive matrix.

Every run takes them into var/screenshots/docs/; with UPDATE_SCREENSHOTS=1 they replace the
committed ones in docs/screenshots/ (see docs/screenshots.md).
"""

import os
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, log_in, seed_demo_organisation

DOCS_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
MAX_BYTES = 500_000
# Twelve weeks of daily health, as the portfolio's sparklines show.
HISTORY_DAYS = 84


def screenshot_folder() -> Path:
    folder = DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else SCREENSHOTS / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_documentation_screenshots_show_the_portfolio_a_journey_and_the_matrix(transactional_db, page):
    seed_demo_organisation(history_days=HISTORY_DAYS)
    folder = screenshot_folder()
    page.set_viewport_size({"width": 1366, "height": 1000})

    log_in(page, "owner")
    page.goto("/")
    expect(page.get_by_role("heading", name="Journey portfolio", level=1)).to_be_visible()
    page.screenshot(path=str(folder / "portfolio.png"))

    page.goto("/journeys/onboarding/")
    expect(page.locator("#health")).to_contain_text("Touchpoint paradox")
    page.screenshot(path=str(folder / "journey.png"))

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")  # before the next page, so nothing of this one is cut off
    log_in(page, "manager")
    page.goto("/incentives/")
    expect(page.locator("table.matrix")).to_be_visible()
    page.screenshot(path=str(folder / "matrix.png"))

    for name in ("portfolio.png", "journey.png", "matrix.png"):
        size = (folder / name).stat().st_size
        assert 10_000 < size < MAX_BYTES, f"{name} is {size} bytes"
