"""CSV files for the import tests: a valid row to vary, files built from rows, and a synchronous import."""

import csv
import io

from django.core.files.base import ContentFile

from journeys import records
from journeys.services import imports

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
