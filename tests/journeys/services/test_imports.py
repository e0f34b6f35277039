"""CSV import (service, pages, API, command, worker) and the instances CSV export."""

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import OperationalError

from journeys import records
from journeys.models import Import, Interaction, Journey, JourneyInstance
from journeys.services import imports
from tests import factories
from tests.celery_worker import running_worker

pytestmark = pytest.mark.django_db

HEADER = list(records.CSV_COLUMNS)


def a_row(**values):
    row = {
        "journey": "onboarding",
        "instance_external_id": "i-1",
        "customer_ref": "c-1",
        "segment": "consumer",
        "started_at": "2026-10-01T09:00:00Z",
        "ended_at": "2026-10-20T17:00:00Z",
        "outcome": "completed",
        "instance_satisfaction": "3",
        "interaction_external_id": "x-1",
        "touchpoint": "welcome-call",
        "channel": "",
        "occurred_at": "2026-10-01T10:00:00Z",
        "satisfaction": "5",
        "resolved": "true",
        "repeat": "false",
        "reidentified": "no",
    }
    row.update(values)
    return row


def csv_bytes(rows, header=None):
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode()


def valid_rows():
    return [
        a_row(),
        a_row(interaction_external_id="x-2", touchpoint="app-setup", channel="web", occurred_at="2026-10-02T10:00:00Z"),
        a_row(instance_external_id="i-2", customer_ref="c-2", outcome="abandoned", interaction_external_id="x-1"),
    ]


def run_import(content: bytes, *, journey=None, name="interactions.csv"):
    record = imports.import_create(file=ContentFile(content, name=name), journey=journey, enqueue=False)
    return imports.import_run(import_id=record.pk)


def test_a_valid_file_is_imported_with_its_counts(mapped_journey):
    record = run_import(csv_bytes(valid_rows()))

    assert record.status == "succeeded", record.errors
    assert (record.total_rows, record.processed_rows) == (3, 3)
    assert (record.instances_created, record.interactions_created) == (2, 3)
    assert (record.instances_updated, record.interactions_updated) == (0, 0)
    first = JourneyInstance.objects.get(external_id="i-1")
    assert (first.outcome, first.satisfaction, first.customer_ref) == ("completed", 3, "c-1")
    assert sorted(first.interactions.values_list("external_id", "channel", "resolved")) == [
        ("x-1", "phone", True),
        ("x-2", "web", True),
    ]
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at is not None


def test_the_uploaded_file_is_kept_under_media_root(mapped_journey, media_root):
    record = run_import(csv_bytes(valid_rows()))

    assert Path(record.file.path).is_file()
    assert Path(record.file.path).is_relative_to(media_root)
    assert record.original_name == "interactions.csv"


def test_importing_the_same_file_twice_changes_nothing(mapped_journey):
    content = csv_bytes(valid_rows())
    run_import(content)
    stamped = Journey.objects.get(pk=mapped_journey.pk).data_changed_at

    again = run_import(content)

    assert again.status == "succeeded"
    assert (
        again.instances_created,
        again.instances_updated,
        again.interactions_created,
        again.interactions_updated,
    ) == (
        0,
        0,
        0,
        0,
    )
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at == stamped
    assert (JourneyInstance.objects.count(), Interaction.objects.count()) == (2, 3)


def test_rows_of_one_instance_may_be_scattered_over_several_load_batches(mapped_journey, monkeypatch):
    # given staging batches of two rows, and an instance whose rows are far apart
    monkeypatch.setattr(imports, "STAGE_BATCH_ROWS", 2)
    rows = [a_row(instance_external_id=f"i-{n}", customer_ref=f"c-{n}") for n in range(5)]
    rows.append(a_row(instance_external_id="i-0", customer_ref="c-0", interaction_external_id="late"))

    record = run_import(csv_bytes(rows))

    assert record.status == "succeeded", record.errors
    assert (record.instances_created, record.interactions_created) == (5, 6)
    assert sorted(Interaction.objects.filter(instance__external_id="i-0").values_list("external_id", flat=True)) == [
        "late",
        "x-1",
    ]


def test_optional_columns_may_be_absent_and_the_journey_chosen_for_the_import(mapped_journey):
    header = ["instance_external_id", "started_at", "interaction_external_id", "touchpoint", "occurred_at"]
    content = csv_bytes([a_row(), a_row(instance_external_id="i-2")], header=header)

    record = run_import(content, journey=mapped_journey)

    assert record.status == "succeeded", record.errors
    instance = JourneyInstance.objects.get(external_id="i-2")
    assert (instance.outcome, instance.ended_at, instance.segment) == ("in_progress", None, "")


def test_a_row_with_empty_interaction_columns_describes_only_its_instance(mapped_journey):
    record = run_import(csv_bytes([a_row(interaction_external_id="", touchpoint="", occurred_at="", satisfaction="")]))

    assert record.status == "succeeded", record.errors
    assert (JourneyInstance.objects.count(), Interaction.objects.count()) == (1, 0)


NOT_UTF8 = "journey,instance_external_id\nonboarding,caf\xe9\n".encode("latin-1")

BAD_FILES = [
    pytest.param(
        csv_bytes(valid_rows(), header=[c for c in HEADER if c != "occurred_at"]),
        (1, "occurred_at", "Missing column 'occurred_at'."),
        id="missing-column",
    ),
    pytest.param(
        csv_bytes([*valid_rows(), a_row(instance_external_id="i-3", started_at="01/10/2026 9h")]),
        (5, "started_at", "is not a date-time"),
        id="bad-date",
    ),
    pytest.param(
        csv_bytes([a_row(instance_satisfaction="three")]),
        (2, "instance_satisfaction", "'three' is not a satisfaction score"),
        id="bad-number",
    ),
    pytest.param(
        csv_bytes([a_row(satisfaction="7")]), (2, "satisfaction", "rated from 1 to 5; got 7"), id="number-out-of-range"
    ),
    pytest.param(csv_bytes([a_row(repeat="sometimes")]), (2, "repeat", "not a yes/no value"), id="bad-boolean"),
    pytest.param(csv_bytes([a_row(outcome="done")]), (2, "outcome", "'done' is not one of"), id="bad-choice"),
    pytest.param(csv_bytes([a_row(channel="pigeon")]), (2, "channel", "'pigeon' is not one of"), id="bad-channel"),
    pytest.param(csv_bytes([a_row(journey="nope")]), (2, "journey", "Unknown journey 'nope'."), id="unknown-journey"),
    pytest.param(
        csv_bytes([*valid_rows(), a_row(interaction_external_id="x-9", touchpoint="fax")]),
        (5, "touchpoint", "Unknown touchpoint key 'fax' for journey 'onboarding'."),
        id="unknown-touchpoint",
    ),
    pytest.param(
        csv_bytes([a_row(), a_row(interaction_external_id="x-2", started_at="2026-10-02T09:00:00Z")]),
        (3, "started_at", "Contradicts row 2 of the same instance"),
        id="contradicting-instance",
    ),
    pytest.param(
        csv_bytes([a_row(), a_row(occurred_at="2026-10-03T10:00:00Z")]),
        (3, "interaction_external_id", "Duplicate interaction 'x-1' of instance 'i-1': already on row 2."),
        id="duplicate-interaction",
    ),
    pytest.param(
        csv_bytes([a_row(outcome="in_progress")]), (2, "ended_at", "in progress has no end"), id="end-in-progress"
    ),
    pytest.param(
        csv_bytes([a_row(customer_ref="jane@example.com")]), (2, "customer_ref", "e-mail address"), id="email-ref"
    ),
    pytest.param(NOT_UTF8, (2, "", "The file is not UTF-8 text"), id="not-utf8"),
    pytest.param(b"", (1, "", "The file is empty"), id="empty-file"),
    pytest.param(csv_bytes([]), (2, "", "no data rows"), id="header-only"),
    pytest.param(
        csv_bytes(valid_rows()) + b"onboarding,i-9,c-9\n",
        (5, "", "This row has 3 values; the header has 16"),
        id="short-row",
    ),
    pytest.param(
        csv_bytes(valid_rows(), header=[*HEADER, "satisfation"]),
        (1, "satisfation", "Unknown column 'satisfation'"),
        id="unknown-column",
    ),
]


@pytest.mark.parametrize(("content", "problem"), BAD_FILES)
def test_a_bad_file_imports_nothing_and_lists_the_problem_by_row_and_column(mapped_journey, content, problem):
    record = run_import(content)

    assert record.status == "failed"
    row, column, message = problem
    assert any(
        (error["row"], error["column"]) == (row, column) and message in error["message"] for error in record.errors
    ), record.errors
    assert record.error_count == len(record.errors)
    assert (JourneyInstance.objects.count(), Interaction.objects.count()) == (0, 0)
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at is None


def test_rows_for_another_journey_than_the_chosen_one_are_refused(mapped_journey):
    factories.JourneyFactory(slug="billing")

    record = run_import(
        csv_bytes([a_row(), a_row(journey="billing", instance_external_id="b-1")]), journey=mapped_journey
    )

    assert record.status == "failed"
    assert record.errors == [
        {
            "row": 3,
            "column": "journey",
            "message": "This row is for journey 'billing' but the import is for 'onboarding'.",
        }
    ]
    assert not JourneyInstance.objects.exists()


def test_the_report_keeps_the_first_1000_problems_and_counts_the_rest(mapped_journey):
    rows = [a_row(instance_external_id=f"i-{n}", outcome="done") for n in range(1200)]

    record = run_import(csv_bytes(rows))

    assert record.status == "failed"
    assert (len(record.errors), record.error_count) == (1000, 1200)
    assert record.errors[0] == {
        "row": 2,
        "column": "outcome",
        "message": records.read_instance({"outcome": "done"})[1]["outcome"],
    }


def test_running_a_finished_import_again_leaves_it_as_it_is(mapped_journey):
    record = run_import(csv_bytes(valid_rows()))
    JourneyInstance.objects.all().delete()

    again = imports.import_run(import_id=record.pk)

    assert again.status == "succeeded"
    assert again.instances_created == 2
    assert not JourneyInstance.objects.exists()


# --- export ------------------------------------------------------------------------------------------


def _export(client, slug="onboarding"):
    response = client.get(f"/journeys/{slug}/instances.csv")
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def test_the_export_is_in_the_import_format_with_one_row_per_interaction(client, viewer_user, mapped_journey):
    run_import(
        csv_bytes(
            [
                *valid_rows(),
                a_row(instance_external_id="lonely", interaction_external_id="", touchpoint="", occurred_at=""),
            ]
        )
    )
    client.force_login(viewer_user)

    rows = list(csv.DictReader(io.StringIO(_export(client).decode())))

    assert list(rows[0]) == HEADER
    assert len(rows) == 4
    first = next(row for row in rows if row["interaction_external_id"] == "x-2")
    assert (first["instance_external_id"], first["channel"], first["resolved"], first["repeat"]) == (
        "i-1",
        "web",
        "true",
        "false",
    )
    lonely = next(row for row in rows if row["instance_external_id"] == "lonely")
    assert (lonely["touchpoint"], lonely["repeat"], lonely["outcome"]) == ("", "", "completed")


def test_an_export_imported_back_changes_nothing(client, viewer_user, mapped_journey):
    # given data that came in through the API, with every kind of value
    run_import(
        csv_bytes(
            [
                *valid_rows(),
                a_row(
                    instance_external_id="open",
                    outcome="",
                    ended_at="",
                    instance_satisfaction="",
                    interaction_external_id="",
                    touchpoint="",
                    occurred_at="",
                ),
            ]
        )
    )
    client.force_login(viewer_user)
    exported = _export(client)
    stamped = Journey.objects.get(pk=mapped_journey.pk).data_changed_at

    # when
    record = run_import(exported)

    # then
    assert record.status == "succeeded", record.errors
    assert (
        record.instances_created,
        record.instances_updated,
        record.interactions_created,
        record.interactions_updated,
    ) == (
        0,
        0,
        0,
        0,
    )
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at == stamped
    assert _export(client) == exported


def test_the_export_streams_with_a_constant_number_of_queries(
    client, viewer_user, mapped_journey, django_assert_max_num_queries
):
    run_import(csv_bytes([a_row(instance_external_id=f"i-{n}", customer_ref=f"c-{n}") for n in range(40)]))
    client.force_login(viewer_user)

    with django_assert_max_num_queries(6):
        content = _export(client)

    assert content.count(b"\n") == 41


def test_the_export_of_an_unknown_journey_is_404(client, viewer_user):
    client.force_login(viewer_user)

    assert client.get("/journeys/nope/instances.csv").status_code == 404


# --- pages -------------------------------------------------------------------------------------------------


def test_an_integration_account_uploads_a_file_and_follows_it(client, integration_user, mapped_journey):
    client.force_login(integration_user)

    response = client.post(
        "/imports/new/", {"file": ContentFile(csv_bytes(valid_rows()), name="october.csv"), "journey": "onboarding"}
    )

    record = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{record.pk}/"
    assert (record.status, record.original_name, record.journey, record.created_by) == (
        "queued",
        "october.csv",
        mapped_journey,
        integration_user,
    )
    assert record.task_id
    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page refreshes itself
    assert "js/import-progress.js" in page
    assert f"/imports/{record.pk}/progress.json" in page


def test_an_oversized_file_is_refused_with_a_form_error(client, integration_user, mapped_journey, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(integration_user)

    response = client.post("/imports/new/", {"file": ContentFile(csv_bytes(valid_rows()), name="big.csv")})

    assert response.status_code == 200
    assert "the limit is 0.0 MB" in response.content.decode()
    assert not Import.objects.exists()


def test_a_viewer_cannot_upload_and_sees_no_upload_button(client, viewer_user):
    client.force_login(viewer_user)

    assert client.get("/imports/new/").status_code == 403
    assert client.post("/imports/new/", {"file": ContentFile(b"x", name="x.csv")}).status_code == 403
    page = client.get("/imports/").content.decode()
    assert "Import a CSV file" not in page
    assert "No imports yet." in page
    assert not Import.objects.exists()


def test_the_upload_page_lists_the_columns(client, integration_user):
    client.force_login(integration_user)

    page = client.get("/imports/new/").content.decode()

    assert '<label for="id_file">CSV file' in page
    assert "<code>interaction_external_id</code>" in page


def test_a_failed_import_shows_its_error_table_and_how_many_more(client, viewer_user, mapped_journey):
    record = run_import(csv_bytes([a_row(instance_external_id=f"i-{n}", outcome="done") for n in range(1005)]))
    client.force_login(viewer_user)

    page = client.get(f"/imports/{record.pk}/").content.decode()

    assert "Nothing was imported. 1005 problems found" in page
    assert "<code>outcome</code>" in page
    assert "… and 5 more." in page
    assert "import-progress.js" not in page


def test_a_succeeded_import_shows_its_counts(client, viewer_user, mapped_journey):
    record = run_import(csv_bytes(valid_rows()))
    client.force_login(viewer_user)

    page = client.get(f"/imports/{record.pk}/").content.decode()

    assert "Succeeded" in page
    assert '<span class="label">Interactions created</span><span class="value">3</span>' in page


def test_the_progress_document_reports_the_phase_and_percentage(client, viewer_user):
    record = factories.ImportFactory(status="running", total_rows=200, processed_rows=50)
    client.force_login(viewer_user)

    body = client.get(f"/imports/{record.pk}/progress.json").json()

    assert {key: body[key] for key in ("status", "phase", "percent", "finished", "processed_rows")} == {
        "status": "running",
        "phase": "checking",
        "percent": 25,
        "finished": False,
        "processed_rows": 50,
    }
    Import.objects.filter(pk=record.pk).update(processed_rows=200)
    assert client.get(f"/imports/{record.pk}/progress.json").json()["phase"] == "loading"


def test_the_import_list_filters_by_status(client, viewer_user):
    factories.ImportFactory(status="failed", original_name="bad.csv")
    factories.ImportFactory(status="succeeded", original_name="good.csv")
    client.force_login(viewer_user)

    page = client.get("/imports/", {"status": "failed"}).content.decode()

    assert "bad.csv" in page
    assert "good.csv" not in page


def test_import_pages_cost_a_constant_number_of_queries(
    client, integration_user, mapped_journey, django_assert_max_num_queries
):
    for n in range(30):
        factories.ImportFactory(journey=mapped_journey, created_by=integration_user, original_name=f"f{n}.csv")
    record = Import.objects.first()
    client.force_login(integration_user)

    with django_assert_max_num_queries(8):
        assert client.get("/imports/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/imports/{record.pk}/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/imports/{record.pk}/progress.json").status_code == 200


# --- API -------------------------------------------------------------------------------------------------


def test_the_api_accepts_a_multipart_upload_with_202_and_the_imports_url(api_client, integration_user, mapped_journey):
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/imports/",
        {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv"), "journey": "onboarding"},
        format="multipart",
    )

    assert response.status_code == 202, response.json()
    record = Import.objects.get()
    body = response.json()
    assert (body["id"], body["status"], body["journey"]) == (record.pk, "queued", "onboarding")
    assert body["url"].endswith(f"/api/v1/imports/{record.pk}/")
    assert response["Location"] == body["url"]


def test_the_api_shows_an_imports_status_progress_counts_and_errors(api_client, viewer_user, mapped_journey):
    failed = run_import(csv_bytes([a_row(outcome="done")]))
    succeeded = run_import(csv_bytes(valid_rows()))
    api_client.force_authenticate(viewer_user)

    listing = api_client.get("/api/v1/imports/", {"status": "succeeded"}).json()
    detail = api_client.get(f"/api/v1/imports/{failed.pk}/").json()

    assert [row["id"] for row in listing["results"]] == [succeeded.pk]
    assert {key: listing["results"][0][key] for key in ("created", "updated", "total_rows", "processed_rows")} == {
        "created": 5,
        "updated": 0,
        "total_rows": 3,
        "processed_rows": 3,
    }
    assert "errors" not in listing["results"][0]
    assert detail["status"] == "failed"
    assert detail["errors"][0]["row"] == 2
    assert detail["errors"][0]["column"] == "outcome"


def test_the_api_refuses_an_oversized_upload_with_413(api_client, integration_user, settings):
    settings.IMPORT_MAX_BYTES = 100
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/imports/", {"file": ContentFile(b"x" * 500, name="big.csv")}, format="multipart"
    )

    assert response.status_code == 413
    assert "the limit is" in response.json()["file"][0]
    assert not Import.objects.exists()


def test_the_api_refuses_an_upload_without_a_file_or_with_an_unknown_journey(api_client, integration_user):
    api_client.force_authenticate(integration_user)

    no_file = api_client.post("/api/v1/imports/", {}, format="multipart")
    unknown = api_client.post(
        "/api/v1/imports/", {"file": ContentFile(b"a", name="a.csv"), "journey": "nope"}, format="multipart"
    )

    assert no_file.status_code == 400
    assert "file" in no_file.json()
    assert unknown.status_code == 400
    assert "journey" in unknown.json()
    assert not Import.objects.exists()


def test_a_viewer_cannot_upload_through_the_api(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.post("/api/v1/imports/", {"file": ContentFile(b"a", name="a.csv")}, format="multipart")

    assert response.status_code == 403
    assert not Import.objects.exists()


def test_the_import_list_endpoint_costs_a_constant_number_of_queries(
    api_client, viewer_user, mapped_journey, django_assert_max_num_queries
):
    for n in range(30):
        factories.ImportFactory(journey=mapped_journey, created_by=viewer_user, original_name=f"f{n}.csv")
    api_client.force_authenticate(viewer_user)

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/imports/")

    assert response.json()["count"] == 30


# --- command ------------------------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_counts(tmp_path, mapped_journey, capsys):
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes(valid_rows()))

    call_command("import_interactions", str(path), "--journey", "onboarding", stdout=(out := io.StringIO()))

    assert "Imported 3 rows" in out.getvalue()
    assert "instances 2 created, 0 updated; interactions 3 created, 0 updated" in out.getvalue()
    assert Import.objects.get().status == "succeeded"
    assert "Checking" in capsys.readouterr().err  # the tqdm bar


def test_the_command_prints_the_error_report_and_fails(tmp_path, mapped_journey):
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes([a_row(touchpoint="fax")]))
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_interactions", str(path), "--no-progress", stderr=err)

    assert failure.value.returncode == 1
    assert "row 2, column touchpoint: Unknown touchpoint key 'fax' for journey 'onboarding'." in err.getvalue()
    assert not JourneyInstance.objects.exists()


def test_the_command_refuses_an_unknown_journey_or_a_missing_file(tmp_path, mapped_journey):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_interactions", str(tmp_path / "none.csv"))
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes(valid_rows()))
    with pytest.raises(CommandError, match="Unknown journey 'nope'"):
        call_command("import_interactions", str(path), "--journey", "nope")
    assert not Import.objects.exists()


# --- a real worker -------------------------------------------------------------------------------------------


def _wait_for(pk, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            record = Import.objects.get(pk=pk)
        except OperationalError:  # the worker holds the write lock on SQLite for a moment
            record = None
        if record is not None and record.status in statuses:
            return record
        time.sleep(0.2)
    raise AssertionError(f"import {pk} did not finish in {timeout}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_an_uploaded_file(api_client, integration_user, mapped_journey):
    api_client.force_authenticate(integration_user)

    with running_worker():
        response = api_client.post(
            "/api/v1/imports/", {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv")}, format="multipart"
        )
        assert response.status_code == 202
        record = _wait_for(response.json()["id"], {"succeeded", "failed"})

    assert record.status == "succeeded", record.errors
    assert (record.total_rows, record.processed_rows, record.interactions_created) == (3, 3, 3)
    assert Interaction.objects.count() == 3


def test_the_documented_example_file_imports(mapped_journey):
    example = Path(__file__).resolve().parents[3] / "docs" / "example-interactions.csv"

    record = run_import(example.read_bytes())

    assert record.status == "succeeded", record.errors
    assert (record.instances_created, record.interactions_created) == (5, 9)


def test_an_import_that_ran_out_of_retries_is_marked_failed(mapped_journey):
    record = factories.ImportFactory(status="running")

    imports.import_give_up(import_id=record.pk)

    record.refresh_from_db()
    assert (record.status, record.error_count) == ("failed", 1)
    assert "nothing was imported" in record.errors[0]["message"]


def test_rows_of_one_instance_that_write_the_same_values_differently_agree(mapped_journey):
    rows = [a_row(), a_row(interaction_external_id="x-2", started_at="2026-10-01T10:00:00+01:00", outcome="COMPLETED")]

    record = run_import(csv_bytes(rows))

    assert record.status == "succeeded", record.errors
    assert (record.instances_created, record.interactions_created) == (1, 2)


def _billing_journey():
    billing = factories.JourneyFactory(slug="billing")
    stage = factories.StageFactory(journey=billing, name="Bill", position=1)
    factories.TouchpointFactory(stage=stage, key="welcome-call", name="Bill call", channel="phone")
    return billing


def test_a_file_for_several_journeys_counts_and_stamps_each_journey_that_changed(mapped_journey):
    # given two journeys with a touchpoint key in common, and one file with rows for both
    billing = _billing_journey()
    rows = [*valid_rows(), a_row(journey="billing", instance_external_id="i-1", customer_ref="c-9")]

    record = run_import(csv_bytes(rows))

    # then an instance id is per journey, each row lands in its own journey, and both are stamped
    assert record.status == "succeeded", record.errors
    assert (record.instances_created, record.interactions_created) == (3, 4)
    billed = JourneyInstance.objects.get(journey=billing)
    assert (billed.external_id, billed.customer_ref) == ("i-1", "c-9")
    assert billed.interactions.get().touchpoint.journey_id == billing.pk
    assert Journey.objects.get(pk=billing.pk).data_changed_at is not None
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at is not None


def test_an_import_that_changes_one_value_updates_only_that_row(mapped_journey):
    run_import(csv_bytes(valid_rows()))
    untouched = Interaction.objects.get(instance__external_id="i-2").updated_at
    rows = valid_rows()
    rows[1]["satisfaction"] = "1"  # the second interaction of i-1
    rows[2]["segment"] = "business"  # instance i-2

    record = run_import(csv_bytes(rows))

    assert record.status == "succeeded", record.errors
    assert (record.instances_created, record.instances_updated) == (0, 1)
    assert (record.interactions_created, record.interactions_updated) == (0, 1)
    assert Interaction.objects.get(instance__external_id="i-1", external_id="x-2").satisfaction == 1
    assert JourneyInstance.objects.get(external_id="i-2").segment == "business"
    assert Interaction.objects.get(instance__external_id="i-2").updated_at == untouched


def test_problems_across_rows_are_found_whatever_the_staging_batch_of_each_row(mapped_journey, monkeypatch):
    # given staging batches of two rows, and the rows of instance i-1 in the first and the last batch
    monkeypatch.setattr(imports, "STAGE_BATCH_ROWS", 2)
    rows = [a_row()]
    rows += [a_row(instance_external_id=f"i-{n}", customer_ref=f"c-{n}") for n in range(2, 6)]
    rows.append(a_row(outcome="abandoned", occurred_at="2026-09-30T08:00:00Z"))  # row 7: contradicts, early, duplicate

    record = run_import(csv_bytes(rows))

    assert record.status == "failed"
    assert [(error["row"], error["column"]) for error in record.errors] == [
        (7, "outcome"),
        (7, "interaction_external_id"),
        (7, "occurred_at"),
    ]
    assert record.errors[0]["message"].startswith("Contradicts row 2 of the same instance: 'completed' there")
    assert record.errors[1]["message"] == "Duplicate interaction 'x-1' of instance 'i-1': already on row 2."
    assert record.errors[2]["message"] == "occurred_at is before the journey started (2026-10-01T09:00:00+00:00)."
    assert record.error_count == 3
    assert not JourneyInstance.objects.exists()


def test_the_report_lists_problems_of_single_rows_and_across_rows_in_row_order(mapped_journey):
    rows = [
        a_row(),
        a_row(instance_external_id="i-2", satisfaction="9"),  # row 3: a value of its own
        a_row(interaction_external_id="x-2", segment="business"),  # row 4: contradicts row 2
        a_row(instance_external_id="i-3", channel="pigeon"),  # row 5: a value of its own
    ]

    record = run_import(csv_bytes(rows))

    assert [(error["row"], error["column"]) for error in record.errors] == [
        (3, "satisfaction"),
        (4, "segment"),
        (5, "channel"),
    ]
    assert record.error_count == 3


def test_a_row_whose_instance_columns_are_invalid_contradicts_nothing(mapped_journey):
    # row 3 has a bad outcome: it is reported for that, not also as contradicting row 2
    rows = [a_row(), a_row(interaction_external_id="x-2", outcome="done", ended_at="")]

    record = run_import(csv_bytes(rows))

    assert [(error["row"], error["column"]) for error in record.errors] == [(3, "outcome")]


def test_the_staging_table_is_gone_after_an_import_that_succeeded_or_failed(mapped_journey):
    from django.db import DatabaseError, connection, transaction

    from journeys.services.staging import TABLE

    def staging_exists():
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: PostgreSQL aborts on the error
                cursor.execute(f"SELECT 1 FROM {TABLE}")  # noqa: S608 (a constant)
        except DatabaseError:  # either database's "no such table"
            return False
        return True

    assert run_import(csv_bytes(valid_rows())).status == "succeeded"
    assert not staging_exists()
    assert run_import(csv_bytes([a_row(), a_row(occurred_at="2026-10-03T10:00:00Z")])).status == "failed"
    assert not staging_exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_by_a_real_worker_is_in_the_next_read_of_a_cached_list(
    api_client, integration_user, mapped_journey, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    api_client.force_authenticate(integration_user)
    assert api_client.get("/api/v1/instances/").json()["count"] == 0
    with django_assert_num_queries(1):  # the data generation: the page comes from the cache
        assert api_client.get("/api/v1/instances/").json()["count"] == 0

    with running_worker():
        response = api_client.post(
            "/api/v1/imports/", {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv")}, format="multipart"
        )
        assert _wait_for(response.json()["id"], {"succeeded", "failed"}).status == "succeeded"

    # the worker's connection raised the generation after its commit: the page is built afresh
    assert api_client.get("/api/v1/instances/").json()["count"] == 2
