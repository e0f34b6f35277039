"""The screenshots of the README: the portfolio, a journey page, a persona's emotion curve and the incentive matrix.

Every run takes them into var/screenshots/docs/ from the small demo the other tests use; with
UPDATE_SCREENSHOTS=1 they are taken from a larger demo, closer to what `make run` shows, and
replace the committed ones in docs/screenshots/ (see docs/screenshots.md).
"""

import os
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_SCALE, SCREENSHOTS, log_in, seed_demo_organisation

DOCS_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
MAX_BYTES = 500_000
# Twelve weeks of daily health, as the portfolio's sparklines show.
HISTORY_DAYS = 84


UPDATING = os.environ.get("UPDATE_SCREENSHOTS") == "1"
DOCS_SCALE = 0.25


def test_the_documentation_screenshots_show_the_portfolio_a_journey_a_persona_and_the_matrix(transactional_db, page):
    seed_demo_organisation(history_days=HISTORY_DAYS, scale=DOCS_SCALE if UPDATING else DEMO_SCALE)
    folder = DOCS_SCREENSHOTS if UPDATING else SCREENSHOTS / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 1000})

    log_in(page, "owner")
    page.goto("/")
    expect(page.get_by_role("heading", name="Journey portfolio", level=1)).to_be_visible()
    # From the top of the page down to the end of the journeys table, "my work" included.
    table = page.locator("table.portfolio").bounding_box()
    clip = {"x": 0, "y": 0, "width": 1366, "height": table["y"] + table["height"] + 16}
    page.screenshot(path=str(folder / "portfolio.png"), full_page=True, clip=clip)

    page.goto("/journeys/onboarding/")
    health = page.locator("#health")
    expect(health).to_contain_text("Touchpoint paradox")
    # The health panel from its title down to the trend charts: score, alerts, breakdown, trend.
    top = health.bounding_box()
    charts = health.locator("figure.chart-figure").last.bounding_box()
    clip = {**top, "height": charts["y"] + charts["height"] - top["y"] + 16}
    page.screenshot(path=str(folder / "journey.png"), full_page=True, clip=clip)

    # The first persona's card: its facts, its emotion curve beside all customers', the dips in words.
    persona = page.locator("#personas article.persona-card").filter(has_text="first-time subscriber")
    expect(persona.locator("svg.emotion-curve")).to_be_visible()
    persona.screenshot(path=str(folder / "persona.png"))

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")  # before the next page, so nothing of this one is cut off
    log_in(page, "manager")
    page.goto("/incentives/")
    expect(page.locator("table.matrix")).to_be_visible()
    # The top of the page and the first groups of the matrix, down to Customer Service's verdicts.
    matrix = page.locator("table.matrix").bounding_box()
    clip = {"x": 0, "y": 0, "width": 1366, "height": min(matrix["y"] + matrix["height"], matrix["y"] + 1000)}
    page.screenshot(path=str(folder / "matrix.png"), full_page=True, clip=clip)

    for name in ("portfolio.png", "journey.png", "persona.png", "matrix.png"):
        size = (folder / name).stat().st_size
        assert 10_000 < size < MAX_BYTES, f"{name} is {size} bytes"
