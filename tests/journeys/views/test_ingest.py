"""Pages of ingested data: the instances CSV export and the import pages (upload, progress, report)."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from journeys.models import Import, Journey
from tests import factories
from tests.journeys.csv_files import HEADER, a_row, csv_bytes, run_import, valid_rows

pytestmark = pytest.mark.django_db


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


HOSTILE_IDENTIFIERS = ["-2+3+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/")', "+1+1", "@SUM(1)", "\t=1"]


def test_the_export_escapes_hostile_identifiers_stored_before_the_rules_refused_them(
    client, viewer_user, mapped_journey
):
    # given instances written past the ingest rules (data from before they existed)
    touchpoint = mapped_journey.touchpoints.first()
    for index, value in enumerate(HOSTILE_IDENTIFIERS):
        instance = factories.JourneyInstanceFactory(
            journey=mapped_journey, external_id=value, customer_ref=f"c-{index}", segment=value
        )
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, external_id=value)
    factories.JourneyInstanceFactory(journey=mapped_journey, external_id="-3", customer_ref="c-plain")
    client.force_login(viewer_user)

    # when
    rows = list(csv.DictReader(io.StringIO(_export(client).decode())))

    # then every cell starting like a formula has its quote, and a plain number stays a number
    exported = {row["instance_external_id"] for row in rows}
    assert exported == {f"'{value}" for value in HOSTILE_IDENTIFIERS} | {"-3"}
    assert {row["segment"] for row in rows if row["instance_external_id"] != "-3"} == {
        f"'{value}" for value in HOSTILE_IDENTIFIERS
    }
    assert {row["interaction_external_id"] for row in rows if row["instance_external_id"] != "-3"} == {
        f"'{value}" for value in HOSTILE_IDENTIFIERS
    }


def test_the_export_writes_moments_in_utc_as_the_import_reads_them(client, viewer_user, mapped_journey):
    instance = factories.JourneyInstanceFactory(
        journey=mapped_journey,
        external_id="timed",
        customer_ref="c-timed",
        started_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ended_at=dt.datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=dt.UTC),
        outcome="completed",
    )
    factories.InteractionFactory(instance=instance, touchpoint=mapped_journey.touchpoints.first(), external_id="t-1")
    client.force_login(viewer_user)

    (row,) = csv.DictReader(io.StringIO(_export(client).decode()))

    assert (row["started_at"], row["ended_at"]) == ("2026-03-01T07:30:00+00:00", "2026-03-01T10:00:00.123456+00:00")
    assert dt.datetime.fromisoformat(row["started_at"]) == instance.started_at


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

    content = csv_bytes(valid_rows())
    response = client.post("/imports/new/", {"file": ContentFile(content, name="big.csv")})

    assert response.status_code == 413  # was 200: the page said no, the status said yes
    assert f"The file is {len(content):,} bytes, over the limit of 100 bytes (0.0 MB)" in response.content.decode()
    assert not Import.objects.exists()


def test_a_file_just_over_the_limit_is_told_in_bytes_not_in_two_equal_megabytes():
    from journeys.services.imports import import_size_problem

    limit = 50 * 1024 * 1024
    with override_settings(IMPORT_MAX_BYTES=limit):
        assert import_size_problem(limit + 1) == (
            "The file is 52,428,801 bytes, over the limit of 52,428,800 bytes (50.0 MB). Split it into smaller files."
        )
        assert import_size_problem(2 * limit).startswith("The file is 100.0 MB, over the limit of 50.0 MB.")
        assert import_size_problem(limit) is None


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


def test_the_import_list_shows_instances_and_interactions_apart(client, viewer_user):
    # given an import that created 1,500 instances with 9,000 interactions and updated a few
    factories.ImportFactory(
        status="succeeded",
        instances_created=1500,
        instances_updated=2,
        interactions_created=9000,
        interactions_updated=3,
    )
    client.force_login(viewer_user)

    page = client.get("/imports/").content.decode()

    # then each count has its own cell under its own heading, none of them added together
    cells = dict(re.findall(r'data-count="([a-z-]+)">([^<]*)</td>', page))
    assert cells == {
        "instances-created": "1,500",
        "instances-updated": "2",
        "interactions-created": "9,000",
        "interactions-updated": "3",
    }
    assert "10,500" not in page
    assert "10500" not in page
    assert "Journey instances</th>" in page
    assert "Interactions</th>" in page


def test_import_pages_cost_a_constant_number_of_queries(
    client, integration_user, mapped_journey, django_assert_max_num_queries
):
    for n in range(30):
        factories.ImportFactory(journey=mapped_journey, created_by=integration_user, original_name=f"f{n}.csv")
    record = Import.objects.first()
    client.force_login(integration_user)

    with django_assert_max_num_queries(9):  # +1: the unread notifications count in the header
        assert client.get("/imports/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"/imports/{record.pk}/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/imports/{record.pk}/progress.json").status_code == 200
