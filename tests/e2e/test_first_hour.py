"""A newcomer's first hour in Chromium: the Mermaid export's copy and download, the imports list's
counts, a CSV file's problems listed at once, and the product's own page for an address that does not exist."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from journeys.records import CSV_COLUMNS
from journeys.selectors import maps as selectors
from tests import factories
from tests.celery_worker import purge_broker, running_worker
from tests.e2e.conftest import log_in
from tests.e2e.test_csv_import import new_onboarding_instances, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_owner_copies_and_downloads_the_journeys_mermaid_text(demo, page):
    # given the owner on the onboarding journey page, in a browser that lets pages use the clipboard
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "owner")
    page.goto("/journeys/onboarding/")
    expected = selectors.journey_mermaid(selectors.journey_get(slug="onboarding"))

    # when they open the Mermaid export
    page.get_by_role("link", name="Mermaid export").click()

    # then the text is on the page, with a copy button beside it that copies exactly that text
    expect(page.get_by_role("heading", name="Mermaid text")).to_be_visible()
    assert page.locator("#mermaid-text").text_content() == expected
    page.get_by_role("button", name="Copy the text").click()
    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == expected

    # and the download saves the same text as onboarding.mmd
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download onboarding.mmd").click()
    download = downloading.value
    assert download.suggested_filename == "onboarding.mmd"
    assert Path(download.path()).read_text(encoding="utf-8") == expected


def test_without_javascript_the_mermaid_page_offers_no_copy_button_but_the_text_and_download(
    demo, browser, live_server
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "viewer")

    page.goto("/journeys/onboarding/mermaid/")

    expect(page.locator("#mermaid-text")).to_contain_text("journey")
    expect(page.get_by_role("button", name="Copy the text")).to_be_hidden()
    expect(page.get_by_role("link", name="Download onboarding.mmd")).to_be_visible()
    context.close()


def test_the_imports_list_shows_instances_and_interactions_apart(demo, page):
    # given an import that created 1,500 instances and 9,000 interactions
    factories.ImportFactory(
        status="succeeded",
        original_name="october.csv",
        total_rows=9000,
        instances_created=1500,
        interactions_created=9000,
    )
    log_in(page, "integration")

    page.goto("/imports/")

    # then the row shows both counts, each under its own heading, and not their sum
    row = page.get_by_role("row").filter(has_text="october.csv")
    expect(row.locator('[data-count="instances-created"]')).to_have_text("1,500")
    expect(row.locator('[data-count="interactions-created"]')).to_have_text("9,000")
    expect(row).not_to_contain_text("10,500")
    expect(page.get_by_role("columnheader", name="Journey instances")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Interactions")).to_be_visible()


def test_an_address_that_does_not_exist_gets_the_products_own_page(demo, page):
    log_in(page, "viewer")

    response = page.goto("/issues/99999/")

    assert response.status == 404
    # Chromium reports the page's own 404 on the console: expected here, and the only thing expected
    assert page.problems == ["console: Failed to load resource: the server responded with a status of 404 (Not Found)"]
    page.problems.clear()
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="portfolio", exact=True)).to_be_visible()
    # the product's stylesheet is applied: the top bar has the brand colour
    top_bar = page.locator(".topbar")
    assert top_bar.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(31, 78, 95)"
    expect(page.locator("body")).not_to_contain_text("URLconf")


@pytest.mark.worker
def test_a_file_missing_a_column_lists_the_header_and_the_rows_problems_together(demo, page):
    # given a file without occurred_at whose second row names a touchpoint that does not exist
    columns = [column for column in CSV_COLUMNS if column != "occurred_at"]
    rows = [
        {**row, "touchpoint": "fax" if number == 1 else row["touchpoint"]}
        for number, row in enumerate(new_onboarding_instances(1))
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    log_in(page, "integration")
    purge_broker()

    # when the integration account uploads it and a worker checks it
    upload(page, "no-dates.csv", out.getvalue().encode())
    with running_worker(purge=False):
        expect(page.get_by_role("alert")).to_contain_text("Nothing was imported. 2 problems found", timeout=30_000)

    # then the missing column and the unknown touchpoint are listed at once
    table = page.locator("table.data tbody")
    expect(table.locator("tr").nth(0).locator("td")).to_have_text(["1", "occurred_at", "Missing column 'occurred_at'."])
    expect(table.locator("tr").nth(1).locator("td")).to_have_text(
        ["3", "touchpoint", "Unknown touchpoint key 'fax' for journey 'onboarding'."]
    )
