"""A corpus of malformed CSV files and ingest payloads (tests/corpus/): each is refused with its message
addressed by row and column (CSV) or by position (ingest), and nothing at all is written."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from journeys.models import Import
from journeys.services import imports

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# file -> (row, column, a part of the message). Rows count the header as row 1.
CSV_EXPECTED = {
    "01-empty.csv": (1, "", "The file is empty"),
    "02-header-only.csv": (2, "", "The file has a header but no data rows."),
    "03-missing-column.csv": (1, "started_at", "Missing column 'started_at'."),
    "04-unknown-column.csv": (1, "customer_email", "Unknown column 'customer_email'."),
    "05-wrong-delimiter.csv": (1, "", "The columns are separated by ';'; separate them by commas"),
    "06-satisfaction-not-a-number.csv": (2, "satisfaction", "'very good' is not a satisfaction score"),
    "07-satisfaction-out-of-range.csv": (2, "instance_satisfaction", "Satisfaction is rated from 1 to 5; got 6."),
    "08-huge-number.csv": (2, "satisfaction", "Satisfaction is rated from 1 to 5; got 9999999999"),
    "09-date-not-a-date.csv": (2, "started_at", "'yesterday' is not a date-time; use ISO 8601"),
    "10-ended-before-started.csv": (2, "ended_at", "ended_at is before started_at."),
    "11-year-9999.csv": (2, "started_at", "'9999-12-31T23:59:59Z' is in the future"),
    "12-year-1900.csv": (2, "started_at", "'1900-01-01T00:00:00Z' is before 1970"),
    "13-interaction-before-instance-started.csv": (2, "occurred_at", "occurred_at is before the journey started"),
    "14-unknown-touchpoint.csv": (2, "touchpoint", "Unknown touchpoint key 'call-centre' for journey 'onboarding'."),
    "15-unknown-journey.csv": (2, "journey", "Unknown journey 'renewal'."),
    "16-duplicate-interaction.csv": (3, "interaction_external_id", "Duplicate interaction 'x-1' of instance 'c-1'"),
    "17-contradicting-instance-rows.csv": (3, "outcome", "Contradicts row 2 of the same instance"),
    "18-missing-required-value.csv": (2, "instance_external_id", "This field is required."),
    "19-sql-injection.csv": (2, "journey", "Unknown journey 'onboarding'; DROP TABLE"),
    "20-formula-injection.csv": (2, "customer_ref", "starts with =: a spreadsheet would run it as a formula"),
    "21-html-injection.csv": (2, "segment", "The characters < and > are not allowed in identifiers."),
    "22-over-long-text.csv": (2, "instance_external_id", "At most 100 characters (this has 101)."),
    "23-binary-junk.csv": (2, "", "The file is not UTF-8 text"),
    "24-latin-1.csv": (2, "", "The file is not UTF-8 text (byte 0xe9 cannot be read)"),
    "25-email-as-customer-ref.csv": (2, "customer_ref", "This looks like an e-mail address."),
    "26-phone-as-customer-ref.csv": (2, "customer_ref", "This looks like a phone number."),
    "27-bom-and-bad-outcome.csv": (2, "outcome", "'finished' is not one of: in_progress, completed, abandoned."),
    "28-wrong-channel-and-boolean.csv": (2, "resolved", "'maybe' is not a yes/no value"),
    "29-in-progress-with-end.csv": (2, "ended_at", "A journey in progress has no end"),
    "30-nul-in-identifier.csv": (2, "interaction_external_id", "This value holds a NUL character"),
    "31-future-interaction.csv": (2, "occurred_at", "'2030-01-01T10:00:00Z' is in the future"),
    "32-unbalanced-quotes.csv": (2, "", "This row has 2 values; the header has 16 columns."),
    "33-nul-in-instance-id.csv": (2, "instance_external_id", "This value holds a NUL character"),
    "34-nul-in-journey.csv": (2, "journey", "This value holds a NUL character"),
    "35-nul-in-date.csv": (2, "started_at", "This value holds a NUL character"),
    "36-lone-surrogate.csv": (2, "", "The file is not UTF-8 text (byte 0xed cannot be read)"),
    "37-formula-minus.csv": (2, "instance_external_id", "starts with -: a spreadsheet would run it as a formula"),
    "38-bidi-override.csv": (2, "segment", "Invisible characters (right-to-left overrides"),
    "39-nul-in-header.csv": (1, "seg?ment", "holds a NUL character"),
}

# file -> (position key of the 400 answer, a part of the message).
INGEST_EXPECTED = {
    "01-not-an-object.json": ("non_field_errors", "Send a JSON object"),
    "02-empty-object.json": ("journey", "This field is required: the slug of the journey."),
    "03-journey-null.json": ("journey", "This field is required: the slug of the journey."),
    "04-journey-not-text.json": ("journey", "Must be text: the slug of the journey."),
    "05-unknown-journey.json": ("journey", "Unknown journey 'renewal'."),
    "06-instances-not-a-list.json": ("instances", "a list of instances"),
    "07-instances-empty.json": ("instances", "Send at least one instance."),
    "08-instance-not-an-object.json": ("instances[0]", "Must be an object."),
    "09-missing-external-id.json": ("instances[0].external_id", "This field is required."),
    "10-satisfaction-wrong-type.json": ("instances[0].satisfaction", "'4.5' is not a satisfaction score"),
    "11-satisfaction-boolean.json": ("instances[0].satisfaction", "'True' is not a satisfaction score"),
    "12-huge-number.json": ("instances[0].satisfaction", "Satisfaction is rated from 1 to 5; got 1000000000"),
    "13-date-wrong-type.json": ("instances[0].started_at", "Must be a date-time text"),
    "14-ended-before-started.json": ("instances[0].ended_at", "ended_at is before started_at."),
    "15-year-9999.json": ("instances[0].started_at", "is in the future"),
    "16-year-1900.json": ("instances[0].started_at", "is before 1970"),
    "17-interaction-before-instance.json": (
        "instances[0].interactions[0].occurred_at",
        "occurred_at is before the journey started",
    ),
    "18-unknown-touchpoint.json": ("instances[0].interactions[0].touchpoint", "Unknown touchpoint key 'call-centre'"),
    "19-duplicate-instances.json": ("instances[1].external_id", "Duplicate instance external id 'i-1'"),
    "20-duplicate-interactions.json": ("instances[0].interactions[1].external_id", "Duplicate interaction external id"),
    "21-sql-injection.json": ("journey", "Unknown journey 'onboarding'; DROP TABLE"),
    "22-formula-injection.json": ("instances[0].external_id", "starts with =: a spreadsheet would run it"),
    "23-html-injection.json": ("instances[0].segment", "The characters < and > are not allowed"),
    "24-over-long-text.json": ("instances[0].customer_ref", "At most 100 characters (this has 5000)."),
    "25-email-customer-ref.json": ("instances[0].customer_ref", "This looks like an e-mail address."),
    "26-phone-customer-ref.json": ("instances[0].customer_ref", "This looks like a phone number."),
    "27-interactions-not-a-list.json": ("instances[0].interactions", "Must be a list."),
    "28-interaction-null.json": ("instances[0].interactions[0]", "Must be an object."),
    "29-nested-garbage.json": ("instances[0].customer_ref", "Must be text."),
    "30-deep-nesting.json": ("detail", "nested too deeply"),
    "31-too-many-instances.json": ("instances", "At most 1,000 instances per call; this batch has 1,001."),
    "32-outcome-and-channel-unknown.json": ("instances[0].interactions[0].channel", "'pigeon' is not one of"),
    "33-nul-in-external-id.json": ("detail", "Null characters are not allowed."),  # refused by the parser
    "34-future-start.json": ("instances[0].started_at", "'2099-01-01T00:00:00Z' is in the future"),
    "35-lone-surrogate.json": ("instances[0].customer_ref", "Lone surrogate characters"),
    "36-misspelt-instance-key.json": ("instances[0].satisfation", "Unknown field 'satisfation'"),
    "37-misspelt-interaction-key.json": ("instances[0].interactions[0].resolvd", "Unknown field 'resolvd'"),
    "38-formula-minus.json": ("instances[0].external_id", "starts with -: a spreadsheet would run it"),
    "39-zero-width.json": ("instances[0].interactions[0].external_id", "Invisible characters"),
    "40-unknown-top-level-key.json": ("jouney", "Unknown field 'jouney'"),
}


def _row_counts(*, leave_out=()) -> dict[str, int]:
    """The number of rows of every table of the project (and its history and auth tables)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("auth", "journeys", "owners", "improvements") and model not in leave_out
    }


def test_the_corpus_has_a_line_for_every_file_and_at_least_25_of_each_kind():
    csv_files = {path.name for path in (CORPUS / "csv").iterdir()}
    ingest_files = {path.name for path in (CORPUS / "ingest").iterdir()}

    assert csv_files == set(CSV_EXPECTED)
    assert ingest_files == set(INGEST_EXPECTED)
    assert len(csv_files) >= 25
    assert len(ingest_files) >= 25


@pytest.mark.parametrize("name", sorted(CSV_EXPECTED))
def test_a_malformed_csv_file_is_refused_by_row_and_column_and_nothing_is_imported(name, world):
    # given journey J with its map and data
    before = _row_counts(leave_out=[Import])  # the import record is the report
    content = (CORPUS / "csv" / name).read_bytes()

    # when the file is imported
    record = imports.import_create(file=ContentFile(content, name=name), journey=None, enqueue=False)
    record = imports.import_run(import_id=record.pk)

    # then the import failed with the expected message at its row and column, and nothing was written
    row, column, message = CSV_EXPECTED[name]
    assert record.status == "failed"
    assert any(
        error["row"] == row and error["column"] == column and message in error["message"] for error in record.errors
    ), record.errors
    assert not any("unexpected error" in error["message"] for error in record.errors)
    assert (record.instances_created, record.interactions_created) == (0, 0)
    assert _row_counts(leave_out=[Import]) == before


@pytest.mark.parametrize("name", sorted(INGEST_EXPECTED))
def test_a_malformed_ingest_payload_is_refused_by_position_and_nothing_is_written(
    name, world, client, integration_user, token_for
):
    # given journey J and an integration account
    headers = {"HTTP_AUTHORIZATION": f"Token {token_for(integration_user)}"}
    before = _row_counts()

    # when the payload is posted
    response = client.post(
        "/api/v1/ingest/", (CORPUS / "ingest" / name).read_bytes(), content_type="application/json", **headers
    )

    # then a 400 names the position of the problem, and nothing was written
    position, message = INGEST_EXPECTED[name]
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert position in body, body
    messages = body[position] if isinstance(body[position], list) else [body[position]]
    assert any(message in text for text in messages), body
    assert _row_counts() == before


def test_the_json_corpus_files_are_what_they_claim(world):
    # the deep-nesting file really is deeper than Python's decoder allows
    with pytest.raises(RecursionError):
        json.loads((CORPUS / "ingest" / "30-deep-nesting.json").read_text())
