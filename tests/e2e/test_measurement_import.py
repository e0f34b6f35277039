"""A manager imports a CSV of incentive measurements from the matrix; a real worker loads it while the page follows."""

import pytest
from playwright.sync_api import expect

from owners.models import IncentiveMeasurement, MeasurementImport
from tests.celery_worker import purge_broker, running_worker
from tests.e2e.conftest import log_in
from tests.e2e.test_csv_import import RECORD_PROGRESS_BAR


def upload(page, name: str, content: bytes) -> None:
    page.goto("/incentives/")  # the incentive matrix
    page.get_by_role("link", name="Import measurements").click()
    page.get_by_label("CSV file").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="Upload and import").click()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_manager_imports_measurements_watches_the_job_and_reads_a_bad_files_report(demo, page):
    # given the demo's manager, and the latest month of one incentive's measures
    latest = IncentiveMeasurement.objects.select_related("incentive").order_by("-period_end", "incentive_id").first()
    incentive = latest.incentive
    log_in(page, "manager")
    page.add_init_script(RECORD_PROGRESS_BAR)
    polls = []
    page.on("response", lambda response: "progress.json" in response.url and polls.append(response.status))
    purge_broker()

    # when they upload a corrected figure for that month
    good = f"incentive,period_end,value,source\n{incentive.pk},{latest.period_end},{latest.value + 1},corrected\n"
    upload(page, "corrected.csv", good.encode())

    # then the import waits for a worker with its bar empty
    expect(page.locator(".messages")).to_contain_text("'corrected.csv' is queued")
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#import-progress")).to_contain_text("Waiting for a worker to start.")
    with running_worker(purge=False):
        # and, once a worker has run it, the page shows what changed
        succeeded = page.locator(".card").filter(has_text="Succeeded")
        expect(succeeded).to_contain_text("1 row imported", timeout=30_000)
        expect(succeeded.locator(".kpi").filter(has_text="Changed measurements").locator(".value")).to_have_text("1")
        expect(succeeded).to_contain_text("The evidence of the incentives they belong to is being recomputed")
    seen = page.evaluate("sessionStorage.getItem('progress-seen')").split()
    assert (seen[0], seen[-1]) == ("0", "100"), f"the bar went {seen}"
    assert polls
    assert set(polls) == {200}
    latest.refresh_from_db()
    assert latest.source == "corrected"

    # when they upload a file with a bad value and an unknown incentive
    bad = f"incentive,period_end,value\n{incentive.pk},{latest.period_end},fast\n999999,{latest.period_end},6\n"
    purge_broker()
    upload(page, "broken.csv", bad.encode())
    with running_worker(purge=False):
        # then nothing is imported and every problem is listed by row and column
        expect(page.get_by_role("alert")).to_contain_text("Nothing was imported. 2 problems found", timeout=30_000)
    table = page.locator("table.data")
    expect(table.locator("tbody tr").nth(0).locator("td")).to_have_text(["2", "value", "'fast' is not a number."])
    expect(table.locator("tbody tr").nth(1).locator("td")).to_have_text(
        ["3", "incentive", "There is no incentive with id 999999."]
    )
    assert list(MeasurementImport.objects.order_by("pk").values_list("status", flat=True)) == ["succeeded", "failed"]

    # and the list of imports shows both
    page.get_by_role("link", name="All measurement imports").click()
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("broken.csv")
    expect(rows.nth(1)).to_contain_text("corrected.csv")
