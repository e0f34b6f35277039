"""The CSV import service: checking a file row by row and across rows, loading it all or nothing."""

from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from journeys import records
from journeys.models import Interaction, Journey, JourneyInstance
from journeys.services import imports
from journeys.services.staging import TABLE
from tests import factories
from tests.journeys.csv_files import HEADER, a_row, csv_bytes, run_import, valid_rows

pytestmark = pytest.mark.django_db


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


def test_a_missing_column_is_reported_together_with_the_problems_of_the_rows(mapped_journey):
    # given a file without occurred_at, with a bad date and an unknown touchpoint further down
    header = [column for column in HEADER if column != "occurred_at"]
    rows = [
        a_row(),
        a_row(instance_external_id="i-2", customer_ref="c-2", started_at="01/10/2026 9h"),
        a_row(instance_external_id="i-3", customer_ref="c-3", touchpoint="welcome-cal"),
    ]

    record = run_import(csv_bytes(rows, header=header))

    # then all three problems are listed at once, and the missing column only once, on the header
    assert record.status == "failed"
    assert [(error["row"], error["column"]) for error in record.errors] == [
        (1, "occurred_at"),
        (3, "started_at"),
        (4, "touchpoint"),
    ], record.errors
    assert record.errors[0]["message"] == "Missing column 'occurred_at'."
    assert "'01/10/2026 9h' is not a date-time" in record.errors[1]["message"]
    assert record.errors[2]["message"] == "Unknown touchpoint key 'welcome-cal' for journey 'onboarding'."
    assert record.error_count == 3
    assert (JourneyInstance.objects.count(), Interaction.objects.count()) == (0, 0)


def test_without_the_journey_column_the_rows_are_still_checked_for_what_needs_no_journey(mapped_journey):
    header = [column for column in HEADER if column != "journey"]
    rows = [a_row(), a_row(instance_external_id="i-2", customer_ref="c-2", satisfaction="7")]

    record = run_import(csv_bytes(rows, header=header))

    assert [(error["row"], error["column"]) for error in record.errors] == [(1, "journey"), (3, "satisfaction")]
    assert not JourneyInstance.objects.exists()


def test_without_the_instance_column_the_cross_row_checks_are_skipped_but_values_checked(mapped_journey):
    header = [column for column in HEADER if column != "instance_external_id"]
    rows = [a_row(), a_row(), a_row(outcome="done")]

    record = run_import(csv_bytes(rows, header=header))

    # rows 2 and 3 would be duplicates, but without instance ids nothing says they are the same instance
    assert [(error["row"], error["column"]) for error in record.errors] == [
        (1, "instance_external_id"),
        (4, "outcome"),
    ], record.errors
    assert not JourneyInstance.objects.exists()


def test_an_unknown_touchpoint_is_reported_even_when_another_value_of_its_row_is_wrong(mapped_journey):
    record = run_import(csv_bytes([a_row(touchpoint="fax", occurred_at="soon")]))

    assert [(error["row"], error["column"]) for error in record.errors] == [(2, "touchpoint"), (2, "occurred_at")]


def test_a_header_separated_by_semicolons_is_reported_alone(mapped_journey):
    content = b"journey;instance_external_id\nonboarding;i-1\n"

    record = run_import(content)

    assert len(record.errors) == 1
    assert "separated by ';'" in record.errors[0]["message"]


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
