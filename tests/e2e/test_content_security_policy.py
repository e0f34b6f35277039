"""The Content-Security-Policy blocks nothing the pages need: no console error, scripts and charts work."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(journey, owner_user, team_user, manager_user):
    return build_world(journey, owner_user, team_user, manager_user)


@pytest.fixture
def manager_in_browser(page, world):
    log_in(page, "manager", password="password")
    return page


def test_the_journey_page_and_its_history_render_under_the_policy(manager_in_browser, world):
    page = manager_in_browser

    page.goto(f"/journeys/{world.journey.slug}/")
    page.get_by_role("link", name="History").click()
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", name="History of Onboarding")).to_be_visible()
    assert page.problems == []


def test_the_api_docs_start_under_the_policy(manager_in_browser):
    page = manager_in_browser

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)

    assert page.problems == []


def test_the_import_progress_script_runs_under_the_policy(manager_in_browser, world):
    page = manager_in_browser

    page.goto(f"/imports/{world.import_record.pk}/")
    page.wait_for_load_state("networkidle")

    assert page.problems == []


def test_the_mermaid_copy_script_runs_under_the_policy(manager_in_browser, world):
    page = manager_in_browser

    page.goto(f"/journeys/{world.journey.slug}/mermaid/")
    page.wait_for_load_state("networkidle")

    # the button is hidden in the HTML and shown by the script: visible means the script ran
    expect(page.get_by_role("button", name="Copy the text")).to_be_visible()
    assert page.problems == []
