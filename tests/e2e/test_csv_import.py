"""The integration account feeds a CSV file; a real worker checks and loads it, and health follows."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import HealthSnapshot, Import, JourneyInstance
from tests.celery_worker import purge_broker, running_worker, wait_for
from tests.e2e.conftest import log_in

# The columns of the export format (docs/csv-format.md).
COLUMNS = [
    *("journey", "instance_external_id", "customer_ref", "segment", "started_at", "ended_at", "outcome"),
    *("instance_satisfaction", "interaction_external_id", "touchpoint", "channel", "occurred_at", "satisfaction"),
    *("resolved", "repeat", "reidentified"),
]

# The detail page reloads itself when the import finishes, so the bar's last state is kept where
# the reloaded page can still read it.
RECORD_PROGRESS_BAR = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector('#import-progress [role="progressbar"]');
  if (!bar) return;
  const record = () => sessionStorage.setItem("progress-seen", (sessionStorage.getItem("progress-seen") || "")
    + " " + bar.getAttribute("aria-valuenow"));
  record();
  new MutationObserver(record).observe(bar, { attributes: true, attributeFilter: ["aria-valuenow"] });
});
"""


def csv_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def new_onboarding_instances(count: int) -> list[dict]:
    """First-time subscribers who finished onboarding this week, unhappy after a rescheduled visit."""
    started = timezone.now() - dt.timedelta(days=6)
    rows = []
    for number in range(1, count + 1):
        instance = {
            "journey": "onboarding",
            "instance_external_id": f"E2E-{number}",
            "customer_ref": f"c-e2e-{number:04d}",
            "segment": "first-time subscriber",
            "started_at": started.isoformat(),
            "ended_at": (started + dt.timedelta(days=5)).isoformat(),
            "outcome": "completed",
            "instance_satisfaction": "1",
        }
        for step, (touchpoint, satisfaction, repeat) in enumerate(
            [("sales-call", "5", "false"), ("technician-visit", "4", "false"), ("reschedule-call", "3", "true")]
        ):
            rows.append(
                {
                    **instance,
                    "interaction_external_id": f"E2E-{number}-{step + 1}",
                    "touchpoint": touchpoint,
                    "occurred_at": (started + dt.timedelta(days=step * 2)).isoformat(),
                    "satisfaction": satisfaction,
                    "resolved": "true",
                    "repeat": repeat,
                    "reidentified": "false",
                }
            )
    return rows


def upload(page, name: str, content: bytes) -> None:
    page.goto("/imports/new/")
    page.get_by_label("CSV file").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="Upload and import").click()


def todays_overall_snapshot() -> HealthSnapshot:
    return HealthSnapshot.objects.get(journey__slug="onboarding", segment="", as_of=timezone.localdate())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_integration_account_imports_a_csv_watches_it_load_and_the_journey_health_changes(demo, page):
    # given the integration account, and onboarding's health as of today
    before = todays_overall_snapshot()
    log_in(page, "integration")
    page.add_init_script(RECORD_PROGRESS_BAR)
    polls = []
    page.on("response", lambda response: "progress.json" in response.url and polls.append(response.status))
    purge_broker()

    # when it uploads a valid file of 4 new onboarding instances (12 rows)
    upload(page, "onboarding-this-week.csv", csv_file(new_onboarding_instances(4)))

    # then the import waits for a worker with its progress bar empty
    expect(page.locator(".messages")).to_contain_text("'onboarding-this-week.csv' is queued")
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#import-progress")).to_contain_text("Waiting for a worker to start.")

    # Queued before the worker starts: the empty bar is on screen first, and no enqueue races the
    # worker's polling (kombu's filesystem broker can hand it a message file not written yet).
    with running_worker(purge=False):
        # when a worker picks it up, the bar fills and the page shows the counts
        succeeded = page.locator(".card").filter(has_text="Succeeded")
        expect(succeeded).to_contain_text("12 rows imported", timeout=30_000)
        kpis = {
            label: succeeded.locator(".kpi").filter(has_text=label).locator(".value")
            for label in ("Instances created", "Interactions created")
        }
        expect(kpis["Instances created"]).to_have_text("4")
        expect(kpis["Interactions created"]).to_have_text("12")
        seen = page.evaluate("sessionStorage.getItem('progress-seen')").split()
        assert (seen[0], seen[-1]) == ("0", "100"), f"the bar went {seen}"
        assert polls, "the page never polled the import's progress"
        assert set(polls) == {200}

        # and the recompute the import triggered takes the new instances into onboarding's health
        assert wait_for(lambda: todays_overall_snapshot().computed_at != before.computed_at)
    after = todays_overall_snapshot()
    assert after.sample_size == before.sample_size + 4
    assert after.score != before.score
    page.goto("/journeys/onboarding/")
    sample = page.locator("#health .kpi").filter(has_text="Journeys in sample").locator(".value")
    expect(sample).to_have_text(str(after.sample_size))
    assert Import.objects.get().status == "succeeded"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_bad_csv_is_refused_with_its_problems_listed_by_row_and_column(demo, page):
    # given a file with an unknown touchpoint on its first data row and a satisfaction of 7 on its third
    rows = new_onboarding_instances(1)
    rows[0]["touchpoint"] = "fax"
    rows[2]["satisfaction"] = "7"
    log_in(page, "integration")
    purge_broker()

    # when the integration account uploads it and a worker checks it
    upload(page, "broken.csv", csv_file(rows))
    with running_worker(purge=False):
        # then the import fails, nothing is imported, and the problems are listed by row and column
        expect(page.get_by_role("alert")).to_contain_text("Nothing was imported. 2 problems found", timeout=30_000)
    table = page.locator("table.data")
    expect(table.locator("thead th")).to_have_text(["Row", "Column", "Problem"])
    expect(table.locator("tbody tr").nth(0).locator("td")).to_have_text(
        ["2", "touchpoint", "Unknown touchpoint key 'fax' for journey 'onboarding'."]
    )
    expect(table.locator("tbody tr").nth(1).locator("td")).to_have_text(
        ["4", "satisfaction", "Satisfaction is rated from 1 to 5; got 7."]
    )
    assert not JourneyInstance.objects.filter(external_id__startswith="E2E-").exists()
    assert Import.objects.get().status == "failed"


@pytest.mark.django_db(transaction=True)
def test_an_owner_downloads_the_journeys_data_from_the_journey_page_and_the_imports_list(demo, page):
    # given the owner on onboarding's page
    log_in(page, "owner")
    page.goto("/journeys/onboarding/")

    # when they follow "Download data (CSV)"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download data (CSV)").click()
    download = download_info.value

    # then they get every recorded interaction of onboarding, in the import format
    assert download.suggested_filename == "onboarding-instances.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))  # noqa: PTH123, SIM115
    assert list(rows[0]) == COLUMNS
    instances = JourneyInstance.objects.filter(journey__slug="onboarding")
    assert {row["instance_external_id"] for row in rows} == set(instances.values_list("external_id", flat=True))

    # and the imports list links the same download for each journey
    page.goto("/imports/")
    name = instances.first().journey.name
    expect(page.get_by_role("link", name=name, exact=True).first).to_have_attribute(
        "href", "/journeys/onboarding/instances.csv"
    )
