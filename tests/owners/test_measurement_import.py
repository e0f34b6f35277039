"""CSV import of incentive measurements: all or nothing, every problem by row and column, twice changes nothing."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from core.choices import ImportStatus
from owners import services
from owners.choices import Direction, EvidenceSignal
from owners.models import IncentiveEvidence, IncentiveMeasurement, MeasurementImport
from owners.tasks import run_measurement_import
from tests import factories
from tests.celery_worker import running_worker
from tests.owners.conftest import build_organisation
from tests.owners.test_services_evidence import HANDLE_TIMES, MONTHS, SCORES

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
URL = "/incentives/measurements/import/"
LIST_URL = "/incentives/measurements/imports/"


def _csv(org, *lines, header="incentive,period_end,value,source"):
    return "\n".join([header, *(line.format(ht=org.handle_time.pk) for line in lines)]).encode()


def test_a_good_file_is_imported_and_importing_it_again_changes_nothing(organisation):
    content = _csv(organisation, "{ht},2026-09-30,6.1,WFM", "{ht},2026-10-31,5.9,WFM", "")

    first = services.incentive_measurements_import_csv(content=content, today=TODAY)
    second = services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 0)
    assert sorted(IncentiveMeasurement.objects.values_list("value", flat=True)) == [5.9, 6.1]


def test_a_missing_column_is_reported_with_the_row_problems_the_other_columns_allow(organisation):
    content = _csv(organisation, "{ht},2026-13-01", "999999,2026-10-31", header="incentive,period_end")

    with pytest.raises(services.MeasurementCsvInvalid) as refused:
        services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (1, "value", "The column “value” is missing."),
        (2, "period_end", "'2026-13-01' is not a date (YYYY-MM-DD)."),
        (3, "incentive", "There is no incentive with id 999999."),
    ]
    assert not IncentiveMeasurement.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"incentive,period_end,value\n", "no measurements"),
        ("incentive,period_end,value\n1,2026-10-31,caf\xe9".encode("latin-1"), "not UTF-8"),
        (b"incentive,period_end,value\n1,2026-10-31,\x00", "is not a number"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_imports_nothing(organisation, content, message):
    with pytest.raises(services.MeasurementCsvInvalid) as refused:
        services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert any(message in problem.message for problem in refused.value.problems)
    assert not IncentiveMeasurement.objects.exists()


def test_the_check_reports_its_progress_every_500_rows_and_at_the_end(organisation):
    lines = [f"{{ht}},{(dt.date(2020, 1, 1) + dt.timedelta(days=day)).isoformat()},6" for day in range(1200)]
    seen = []

    records = services.measurement_csv_check(
        content=_csv(organisation, *lines), today=TODAY, on_progress=lambda done, total: seen.append((done, total))
    )

    assert len(records) == 1200
    assert seen == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]


# --- the stored import and its job ------------------------------------------------------------------


def _stored(org, *lines, name="m.csv", header="incentive,period_end,value,source"):
    upload = SimpleUploadedFile(name, _csv(org, *lines, header=header), content_type="text/csv")
    return services.measurement_import_create(file=upload, enqueue=False)


def test_a_stored_import_loads_all_rows_and_a_second_import_of_the_same_file_changes_nothing(organisation):
    first = _stored(organisation, "{ht},2026-09-30,6.1,WFM", "{ht},2026-10-31,5.9,WFM")
    second = _stored(organisation, "{ht},2026-09-30,6.1,WFM", "{ht},2026-10-31,5.9,WFM")

    first = services.measurement_import_run(import_id=first.pk, today=TODAY)
    second = services.measurement_import_run(import_id=second.pk, today=TODAY)

    assert (first.status, first.total_rows, first.processed_rows, first.progress_percent) == ("succeeded", 2, 2, 100)
    assert (first.measurements_created, first.measurements_updated) == (2, 0)
    assert (second.status, second.measurements_created, second.measurements_updated) == ("succeeded", 0, 0)
    assert sorted(IncentiveMeasurement.objects.values_list("value", flat=True)) == [5.9, 6.1]


def test_a_bad_file_imports_nothing_and_its_report_names_every_row_and_column(organisation):
    record = _stored(
        organisation,
        "{ht},2026-09-30,6.1,WFM",  # good, but not imported: the file is all or nothing
        "{ht},2026-10-31,fast,WFM",
        "999999,2026-11-31,6,WFM",
        "{ht},2026-09-30,6.3,WFM",
    )

    record = services.measurement_import_run(import_id=record.pk, today=TODAY)

    assert record.status == ImportStatus.FAILED
    assert record.error_count == 4
    assert record.errors == [
        {"row": 3, "column": "value", "message": "'fast' is not a number."},
        {"row": 4, "column": "incentive", "message": "There is no incentive with id 999999."},
        {"row": 4, "column": "period_end", "message": "'2026-11-31' is not a date (YYYY-MM-DD)."},
        {"row": 5, "column": "period_end", "message": "This incentive's period ending 2026-09-30 is also on row 2."},
    ]
    assert not IncentiveMeasurement.objects.exists()


def test_a_nul_or_an_oversized_file_is_reported_without_a_row_the_database_cannot_hold(organisation):
    nul = _stored(organisation, "{ht},2026-10-31,\x00", header="incentive,period_end,value")

    nul = services.measurement_import_run(import_id=nul.pk, today=TODAY)

    assert nul.errors == [{"row": 2, "column": "value", "message": "'?' is not a number."}]
    with pytest.raises(services.ImportTooLarge, match="over the limit of 2.0 MB"):
        services.measurement_import_create(file=SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024 + 1)))
    assert MeasurementImport.objects.count() == 1


def test_running_a_finished_import_again_changes_nothing(organisation):
    record = _stored(organisation, "{ht},2026-10-31,6.1,WFM")
    services.measurement_import_run(import_id=record.pk, today=TODAY)
    IncentiveMeasurement.objects.update(value=9.9)

    again = services.measurement_import_run(import_id=record.pk, today=TODAY)

    assert (again.status, again.measurements_created) == ("succeeded", 1)
    assert IncentiveMeasurement.objects.get().value == 9.9


def test_the_task_is_late_acked_retried_on_database_errors_and_time_limited():
    assert run_measurement_import.acks_late is True
    assert run_measurement_import.max_retries == 5
    assert run_measurement_import.soft_time_limit < run_measurement_import.time_limit


# --- the pages ---------------------------------------------------------------------------------------


def test_an_upload_is_stored_queued_and_followed_on_its_page(
    client, organisation, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    upload = SimpleUploadedFile("october.csv", _csv(organisation, "{ht},2026-10-31,6.2"), content_type="text/csv")

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(URL, {"file": upload})

    record = MeasurementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}{record.pk}/"
    assert (record.status, record.original_name, record.created_by) == ("queued", "october.csv", manager_user)
    assert len(queued) == 1  # the job is sent once the upload has committed
    assert not IncentiveMeasurement.objects.exists()  # nothing read inside the request
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker to start." in page
    assert f'data-progress-url="{LIST_URL}{record.pk}/progress.json"' in page
    assert 'src="/static/js/import-progress.js"' in page


def test_the_progress_document_follows_the_job(client, organisation, viewer_user):
    record = _stored(organisation, "{ht},2026-10-31,6.2")
    MeasurementImport.objects.filter(pk=record.pk).update(status="running", total_rows=4, processed_rows=1)
    client.force_login(viewer_user)

    running = client.get(f"{LIST_URL}{record.pk}/progress.json").json()
    page = client.get(f"{LIST_URL}{record.pk}/").content.decode()

    assert running == {
        "id": record.pk,
        "status": "running",
        "status_display": "Running",
        "phase": "checking",
        "finished": False,
        "total_rows": 4,
        "processed_rows": 1,
        "percent": 25,
        "created": 0,
        "updated": 0,
        "error_count": 0,
    }
    assert "Checking rows: 1 of 4." in page
    assert 'aria-valuenow="25"' in page


def test_a_failed_import_shows_its_report_by_row_and_column(client, organisation, viewer_user):
    record = _stored(organisation, "{ht},2026-10-31,fast")
    services.measurement_import_run(import_id=record.pk, today=TODAY)
    client.force_login(viewer_user)

    page = client.get(f"{LIST_URL}{record.pk}/").content.decode()

    assert "Nothing was imported. 1 problem found in 1 rows" in page
    assert '<td class="num">2</td><td><code>value</code></td><td>&#x27;fast&#x27; is not a number.</td>' in page
    assert "import-progress.js" not in page  # finished: nothing to poll
    assert "Import another file" not in page  # a viewer feeds nothing


def test_a_succeeded_import_shows_its_counts(client, organisation, integration_user):
    record = _stored(organisation, "{ht},2026-09-30,6.1", "{ht},2026-10-31,6.2")
    services.measurement_import_run(import_id=record.pk, today=TODAY)
    client.force_login(integration_user)

    page = client.get(f"{LIST_URL}{record.pk}/").content.decode()

    assert "2 rows imported" in page
    assert '<span class="label">New measurements</span><span class="value">2</span>' in page
    assert "Import another file" in page


def test_an_oversized_upload_is_refused_with_413_and_nothing_stored(client, organisation, manager_user):
    client.force_login(manager_user)

    response = client.post(URL, {"file": SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024 + 1))})

    assert response.status_code == 413
    assert "over the limit of 2.0 MB" in response.content.decode()
    assert not MeasurementImport.objects.exists()


def test_the_upload_page_is_for_managers_and_integration_accounts(client, organisation, integration_user, viewer_user):
    client.force_login(viewer_user)
    refused = client.post(URL, {"file": SimpleUploadedFile("m.csv", _csv(organisation, "{ht},2026-10-31,6.2"))})
    client.force_login(integration_user)
    page = client.get(URL)

    assert refused.status_code == 403
    assert not MeasurementImport.objects.exists()
    assert "Average handle time" in page.content.decode()  # the ids to use, by name


def test_the_list_shows_every_import_with_its_counts_in_a_constant_number_of_queries(
    client, organisation, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    empty = client.get(LIST_URL).content.decode()
    for period_end in ("2026-09-30", "2026-10-31"):
        record = _stored(organisation, f"{{ht}},{period_end},6.1")
        services.measurement_import_run(import_id=record.pk, today=TODAY)
    factories.MeasurementImportFactory(created_by=factories.UserFactory(username="feeder"))
    factories.MeasurementImportFactory(created_by=factories.UserFactory(username="feeder-2"))

    with django_assert_max_num_queries(8):
        page = client.get(LIST_URL).content.decode()

    assert "No measurement imports yet." in empty
    assert page.count('data-count="measurements-created">1<') == 2
    assert "feeder-2" in page
    assert "Import a CSV file" not in page


def test_the_detail_page_costs_a_constant_number_of_queries(
    client, organisation, viewer_user, django_assert_max_num_queries
):
    record = _stored(organisation, *[f"{{ht}},2026-10-{day:02d},x" for day in range(1, 29)])
    services.measurement_import_run(import_id=record.pk, today=TODAY)
    client.force_login(viewer_user)

    with django_assert_max_num_queries(7):  # +1: the header's unread notifications count
        page = client.get(f"{LIST_URL}{record.pk}/").content.decode()

    assert "28 problems found" in page


# --- the job with a real worker ---------------------------------------------------------------------


def _wait_for_import(pk, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            record = MeasurementImport.objects.get(pk=pk)
        except OperationalError:  # the worker holds SQLite's write lock for a moment
            record = None
        if record is not None and record.finished:
            return record
        time.sleep(0.2)
    raise AssertionError(f"measurement import {pk} did not finish in {timeout}s")


def _evidence_of(incentive):
    try:
        return IncentiveEvidence.objects.filter(incentive=incentive).first()
    except OperationalError:
        return None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_upload_then_computes_the_evidence_after_it_commits(client, manager_user):
    # given a journey with twelve monthly scores, and a handle-time target that is lower when it is better
    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    organisation = build_organisation(journey, today=timezone.localdate())
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    for day, score in zip(MONTHS, SCORES, strict=True):
        factories.HealthSnapshotFactory(journey=journey, as_of=day, score=Decimal(str(score)))
    lines = [f"{{ht}},{day.isoformat()},{value},WFM" for day, value in zip(MONTHS, HANDLE_TIMES, strict=True)]
    client.force_login(manager_user)

    with running_worker():
        # when the file is uploaded, and a bad one after it
        good = client.post(URL, {"file": SimpleUploadedFile("year.csv", _csv(organisation, *lines))})
        bad = client.post(URL, {"file": SimpleUploadedFile("bad.csv", _csv(organisation, "{ht},2026-10-31,-"))})

        # then the worker loads the first whole, refuses the second by row and column
        loaded = _wait_for_import(int(good["Location"].rstrip("/").rsplit("/", 1)[1]))
        refused = _wait_for_import(int(bad["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert (loaded.status, loaded.measurements_created, loaded.total_rows) == ("succeeded", 12, 12)
        assert refused.status == "failed"
        assert refused.errors == [{"row": 2, "column": "value", "message": "'-' is not a number."}]
        # and the evidence job runs once the measurements have committed
        deadline = time.monotonic() + 60
        while _evidence_of(organisation.handle_time) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        evidence = IncentiveEvidence.objects.get(incentive=organisation.handle_time, journey=journey)
        assert evidence.signal == EvidenceSignal.CONFLICT
        assert evidence.computed_at >= loaded.finished_at
    assert IncentiveMeasurement.objects.filter(incentive=organisation.handle_time).count() == 12
