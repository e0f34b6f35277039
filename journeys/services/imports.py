"""The CSV import: upload page, ``POST /api/v1/imports/`` and ``manage.py import_interactions``.

A file is checked row by row as it streams in (the readers of ``journeys.records``), and across
rows in the database (``journeys.services.staging``), then loaded with the same set-based merge
as the JSON ingest, in one transaction, or nothing. The importer's memory does not grow with the
file.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.imports import import_claim, import_enqueue
from core.imports import import_give_up as give_up

from ..choices import ImportStatus
from ..models import Import, Journey
from ..records import (
    CSV_COLUMNS,
    INSTANCE_COLUMN,
    INSTANCE_FIELDS,
    INTERACTION_COLUMN,
    INTERACTION_KEY_COLUMNS,
    INTERACTION_READERS,
    REQUIRED_COLUMNS,
    TouchpointIndex,
    csv_value,
    read_instance_values,
    read_interaction_values,
    shorten,
    started_before_message,
    unknown_touchpoint_message,
)
from ..selectors.ingest import touchpoint_index
from .ingest import journey_data_changed_mark, staged_rows_merge
from .staging import NO_INSTANCE, NO_INTERACTION, IngestCounts, RowProblem, Staging, instance_part, interaction_part

logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000
TOUCHPOINT_CELL = [name for name, _reader in INTERACTION_READERS].index("touchpoint")
NUL = "\x00"
NUL_MESSAGE = (
    "This value holds a NUL character, which no text can hold (a sign of a binary or badly exported file). "
    "Remove it and upload the file again."
)
STAGE_BATCH_ROWS = 2000
# What is worth trying again: the connection dropped, or a lock (SQLite's "database is locked", PostgreSQL's
# lock timeouts and deadlocks are OperationalError). A data error (DataError, IntegrityError...) is the same
# on every try.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)


# --- CSV import -----------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ErrorReport:
    """Every problem is counted; the first ``MAX_REPORTED_ERRORS`` are kept with their row and column."""

    def __init__(self):
        self.problems: list[ImportProblem] = []
        self.count = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_REPORTED_ERRORS:
            # The report is stored as JSON, which PostgreSQL cannot hold with a NUL: a quoted cell shows it as "?".
            self.problems.append(ImportProblem(row, column.replace(NUL, "?"), message.replace(NUL, "?")))

    def add_sorted(self, problems: list[ImportProblem], count: int) -> None:
        """Add problems found apart from the row-by-row reading (each list in row order), then order all by row.

        Both lists hold at least the first ``MAX_REPORTED_ERRORS`` of their kind, so the first
        ``MAX_REPORTED_ERRORS`` of the merged list are the first of the file.
        """
        self.count += count
        order = {column: position for position, column in enumerate(CSV_COLUMNS)}
        merged = sorted(
            [*self.problems, *problems], key=lambda problem: (problem.row or 0, order.get(problem.column, -1))
        )
        self.problems = merged[:MAX_REPORTED_ERRORS]

    def __bool__(self) -> bool:
        return self.count > 0

    def as_list(self) -> list[dict[str, Any]]:
        return [problem.as_dict() for problem in self.problems]


@dataclass
class ImportResult:
    counts: IngestCounts
    errors: ErrorReport
    total_rows: int

    @property
    def succeeded(self) -> bool:
        return not self.errors


ProgressCallback = Callable[[str, int, int], None]  # (phase "checking" | "loading", rows done, total rows)
Opener = Callable[[], Any]  # returns a new binary file object positioned at the start


@dataclass
class _JourneyData:
    journey: Journey
    touchpoints: TouchpointIndex


class _StopReading(Exception):  # noqa: N818
    pass


class _CsvReader:
    """Streams a stored CSV file: a header row, then ``(row number, cells)``; row 1 is the header."""

    def __init__(self, opener: Opener, errors: ErrorReport):
        self.opener = opener
        self.errors = errors

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        with self.opener() as handle:
            text = io.TextIOWrapper(getattr(handle, "file", handle), encoding="utf-8-sig", newline="")
            try:
                for row_number, cells in enumerate(csv.reader(text), start=1):  # noqa: B007 (reported below)
                    yield row_number, cells
            except UnicodeDecodeError as error:
                self.errors.add(
                    row_number + 1,
                    "",
                    f"The file is not UTF-8 text (byte 0x{error.object[error.start]:02x} cannot be read). "
                    "Save it as 'CSV UTF-8' and upload it again.",
                )
                raise _StopReading from error
            except csv.Error as error:
                self.errors.add(row_number + 1, "", f"The file is not valid CSV: {error}.")
                raise _StopReading from error
            finally:
                text.detach()


class CsvImport:
    """Check a whole CSV file, then load it in one transaction, or nothing.

    The file is read twice, as a stream: once to count its rows (for the progress bar) and once to
    check every row and stage it (``journeys.services.staging``: a temporary table, COPY on PostgreSQL) in
    batches of ``STAGE_BATCH_ROWS``, with progress written in autocommit so that other
    connections see it. The checks that need more than one row (contradicting instance rows,
    duplicate interactions, interactions before their instance started) are one query over the
    staged rows, and loading is one set-based merge in one transaction. Nothing of the file is
    kept in Python beyond one batch, so memory does not grow with the file; on SQLite the write
    lock is taken only by the merge.
    """

    def __init__(self, *, opener: Opener, journey: Journey | None = None, on_progress: ProgressCallback | None = None):
        self.opener = opener
        self.journey = journey
        self.on_progress = on_progress or (lambda phase, done, total: None)
        self.errors = ErrorReport()
        self.counts = IngestCounts()
        self.total_rows = 0
        self._journeys: dict[str, _JourneyData | None] = {}
        self._columns: list[str] = []
        self._missing: frozenset[str] = frozenset()  # required columns the header lacks (reported once, there)
        self._rows_readable = False

    def run(self) -> ImportResult:
        try:
            self._count_rows()
            # A missing, unknown or repeated column does not stop the reading: the rows are still
            # checked with the columns there are, so the report lists every problem at once.
            if self._rows_readable:
                with Staging() as staging:
                    self._stage(staging)
                    if not self.errors:
                        self._load(staging)
        except _StopReading:
            pass
        return ImportResult(counts=self.counts, errors=self.errors, total_rows=self.total_rows)

    def _reader(self) -> _CsvReader:
        return _CsvReader(self.opener, self.errors)

    def _count_rows(self) -> None:
        rows = 0
        header = None
        for row_number, cells in self._reader().rows():
            if row_number == 1:
                header = cells
            elif "".join(cells).strip():
                rows += 1
        if header is None:
            expected = ", ".join(REQUIRED_COLUMNS)
            self.errors.add(1, "", f"The file is empty: expected a header row with at least the columns {expected}.")
            return
        self._rows_readable = self._read_header(header)
        if self._rows_readable and rows == 0:
            self.errors.add(2, "", "The file has a header but no data rows.")
            self._rows_readable = False
        self.total_rows = rows

    def _read_header(self, header: list[str]) -> bool:
        """Report the header's problems; False when the rows cannot be read at all (wrong separator)."""
        columns = [name.strip().lower() for name in header]
        if len(columns) == 1:
            delimiter = next((mark for mark in (";", "\t", "|") if mark in columns[0]), None)
            if delimiter is not None:
                shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
                self.errors.add(
                    1,
                    "",
                    f"The columns are separated by {shown}; separate them by commas "
                    "(in a spreadsheet: save as 'CSV UTF-8 (comma delimited)').",
                )
                return False
        seen = set()
        for name in columns:
            if NUL in name:
                self.errors.add(1, name, f"Column '{shorten(name)}': {NUL_MESSAGE}")
            elif name in seen:
                self.errors.add(1, name, f"Column '{shorten(name)}' appears twice.")
            elif name and name not in CSV_COLUMNS:
                self.errors.add(
                    1, name, f"Unknown column '{shorten(name)}'. The columns are: {', '.join(CSV_COLUMNS)}."
                )
            seen.add(name)
        missing = [
            name
            for name in REQUIRED_COLUMNS
            if name not in seen and not (name == "journey" and self.journey is not None)
        ]
        for name in missing:
            self.errors.add(1, name, f"Missing column '{name}'.")
        self._missing = frozenset(missing)
        self._columns = columns
        return True

    def _add_row_errors(self, row_number: int, columns: dict[str, str], errors: dict[str, str]) -> None:
        """A row's value problems, but none about a missing column: the header's problem says it once."""
        for name, message in errors.items():
            column = columns[name]
            if column not in self._missing:
                self.errors.add(row_number, column, message)

    def _cells(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows: blank rows skipped, rows of the wrong width reported.

        Each row gets one more cell, "", which stands for every column the file does not have.
        """
        width = len(self._columns)
        for row_number, cells in self._reader().rows():
            if row_number == 1:
                continue
            joined = "".join(cells)
            if not joined.strip():
                continue
            if len(cells) != width:
                self.errors.add(row_number, "", f"This row has {len(cells)} values; the header has {width} columns.")
                continue
            if NUL in joined:  # before any use: PostgreSQL refuses a NUL wherever the cell would go
                for column, cell in zip(self._columns, cells, strict=True):
                    if NUL in cell:
                        self.errors.add(row_number, column, NUL_MESSAGE)
                continue
            cells.append("")
            yield row_number, cells

    def _position(self, column: str) -> int:
        return self._columns.index(column) if column in self._columns else len(self._columns)

    def _getter(self, columns: Iterable[str]) -> Callable[[list[str]], tuple[str, ...]]:
        """The cells of these columns of a row from ``_cells``, as a tuple."""
        return itemgetter(*[self._position(column) for column in columns], len(self._columns))

    def _journey_of(self, row_number: int, slug: str, *, report: bool) -> _JourneyData | None:
        slug = slug.strip()
        if self.journey is not None:
            if slug and slug != self.journey.slug:
                if report:
                    self.errors.add(
                        row_number,
                        "journey",
                        f"This row is for journey '{shorten(slug)}' but the import is for '{self.journey.slug}'.",
                    )
                return None
            slug = self.journey.slug
        if not slug:
            if report and "journey" not in self._missing:
                self.errors.add(row_number, "journey", "This field is required.")
            return None
        if slug not in self._journeys:
            journey = self.journey if self.journey is not None else Journey.objects.filter(slug=slug).first()
            self._journeys[slug] = _JourneyData(journey, touchpoint_index(journey)) if journey else None
        data = self._journeys[slug]
        if data is None and report:
            self.errors.add(row_number, "journey", f"Unknown journey '{shorten(slug)}'.")
        return data

    def _stage(self, staging: Staging) -> None:
        """Check every row on its own and stage it; then the checks across rows, in the database."""
        journey_position = self._position("journey")
        # Each getter ends with the always-empty cell, so that its tuple has a known length; [:-1] drops it.
        instance_cells_of = self._getter(INSTANCE_COLUMN[name] for name in INSTANCE_FIELDS)
        interaction_cells_of = self._getter(INTERACTION_COLUMN[name] for name, _reader in INTERACTION_READERS)
        key_cells_of = self._getter(INTERACTION_KEY_COLUMNS)
        done = 0
        batch: list[tuple] = []
        # Parsed instance columns by their cells: an instance's rows repeat them. Cleared with each batch.
        instances: dict[tuple, tuple[tuple, dict[str, str]]] = {}
        self.on_progress("checking", 0, self.total_rows)
        for row_number, cells in self._cells():
            done += 1
            journey_data = self._journey_of(row_number, cells[journey_position], report=True)
            journey_id = journey_data.journey.pk if journey_data is not None else None
            instance_cells = instance_cells_of(cells)
            parsed = instances.get((journey_id, instance_cells))
            if parsed is None:
                record, instance_errors = read_instance_values(instance_cells[:-1])
                parsed = instances[(journey_id, instance_cells)] = (
                    instance_part(record) if record is not None else NO_INSTANCE,
                    instance_errors,
                )
            instance, instance_errors = parsed
            if instance_errors:
                self._add_row_errors(row_number, INSTANCE_COLUMN, instance_errors)
            interaction = NO_INTERACTION
            if "".join(key_cells_of(cells)).strip():
                interaction_cells = interaction_cells_of(cells)
                item, item_errors = read_interaction_values(interaction_cells[:-1])
                if item_errors:
                    self._add_row_errors(row_number, INTERACTION_COLUMN, item_errors)
                # The touchpoint key is checked even when another value of the row is wrong.
                touchpoint_key = interaction_cells[TOUCHPOINT_CELL].strip()
                touchpoint = None
                if journey_data is not None and touchpoint_key and "touchpoint" not in item_errors:
                    touchpoint = journey_data.touchpoints.get(touchpoint_key)
                    if touchpoint is None:
                        self.errors.add(
                            row_number, "touchpoint", unknown_touchpoint_message(touchpoint_key, journey_data.journey)
                        )
                if item is not None and journey_data is not None:
                    interaction = interaction_part(item, touchpoint)
            instance_key = instance_cells[0].strip()
            if journey_id is not None and instance_key:
                batch.append((row_number, journey_id, instance_key, *instance, *interaction))
            if len(batch) >= STAGE_BATCH_ROWS:
                staging.add(batch)
                batch = []
                instances.clear()
                self.on_progress("checking", done, self.total_rows)
        staging.add(batch)
        staging.analyze()
        problems, total = staging.problems(limit=MAX_REPORTED_ERRORS)
        self.errors.add_sorted([message for problem in problems for message in _cross_row_messages(problem)], total)
        self.on_progress("checking", done, self.total_rows)

    def _load(self, staging: Staging) -> None:
        self.on_progress("loading", 0, self.total_rows)
        with transaction.atomic():
            self.counts, changed = staged_rows_merge(staging=staging)
            journey_data_changed_mark(since=changed)
        self.on_progress("loading", self.total_rows, self.total_rows)


def _cross_row_messages(problem: RowProblem) -> list[ImportProblem]:
    messages = []
    for staged_column, first, value in problem.contradictions:
        messages.append(
            ImportProblem(
                problem.row_number,
                staged_column,  # the staging table names them as the CSV does
                f"Contradicts row {problem.first_row} of the same instance: '{shorten(csv_value(first))}' there, "
                f"'{shorten(csv_value(value))}' here. Instance columns must be the same on every row.",
            )
        )
    if problem.started_at is not None:
        messages.append(ImportProblem(problem.row_number, "occurred_at", started_before_message(problem.started_at)))
    if problem.duplicate_of is not None:
        messages.append(
            ImportProblem(
                problem.row_number,
                "interaction_external_id",
                f"Duplicate interaction '{shorten(problem.external_id)}' of instance "
                f"'{shorten(problem.instance_key)}': already on row {problem.duplicate_of}.",
            )
        )
    return messages


# --- Import records ---------------------------------------------------------------------------------


class ImportTooLarge(ApplicationError):  # noqa: N818
    status_code = 413


def import_size_problem(size: int | None) -> str | None:
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        shown, most = megabytes(size), megabytes(limit)
        if shown == most:  # just over: the rounded sizes read the same, so say it in bytes
            shown, most = f"{size:,} bytes", f"{limit:,} bytes ({most})"
        return f"The file is {shown}, over the limit of {most}. Split it into smaller files."
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def import_create(*, file: File, journey: Journey | None, user=None, enqueue: bool = True) -> Import:
    """Store an uploaded CSV under MEDIA_ROOT and, once committed, queue ``run_import`` for it."""
    problem = import_size_problem(file.size)
    if problem:
        raise ImportTooLarge(problem, field="file")
    name = (getattr(file, "name", "") or "interactions.csv").rsplit("/", 1)[-1]
    record = Import(
        journey=journey,
        original_name=name[:255],
        created_by=user if user is not None and user.is_authenticated else None,
        task_id=str(uuid.uuid4()) if enqueue else "",
    )
    record.file.save(name, file, save=False)
    record.full_clean()
    record.save()
    if enqueue:
        # journeys.tasks imports this module for import_run: importing the task here breaks the cycle.
        from ..tasks import run_import

        task_id = record.task_id
        transaction.on_commit(lambda: _enqueue_import(run_import, record.pk, task_id))
    return record


def _enqueue_import(task, import_id: int, task_id: str) -> None:
    import_enqueue(Import, task, import_id=import_id, task_id=task_id)


def _open_stored(record: Import) -> Opener:
    return lambda: record.file.storage.open(record.file.name, "rb")


def import_run(*, import_id: int, on_progress: ProgressCallback | None = None) -> Import:
    """Run one import: check every row, then load all of them in one transaction, or nothing.

    Safe to run twice: a finished import is left as it is; one left ``running`` by a killed worker
    starts again from the beginning (its load transaction never committed).
    Call it outside any transaction so that the progress it writes is visible to other connections.
    """
    claimed = import_claim(Import, import_id=import_id)
    record = Import.objects.select_related("journey").get(pk=import_id)
    if not claimed:
        return record

    checked = {"rows": 0}

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "checking":
            checked["rows"] = done
            Import.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)
        if on_progress is not None:
            on_progress(phase, done, total)

    try:
        result = CsvImport(opener=_open_stored(record), journey=record.journey, on_progress=progress).run()
    except TRANSIENT_DATABASE_ERRORS:
        raise  # a lost connection or a lock: the task retries from the start
    except (DatabaseError, FileNotFoundError) as error:
        # Checked data the database still refuses (a concurrent edit, a value it cannot hold): the same
        # file would fail the same way again, so it is reported at once, never retried. Nothing is kept.
        report = ErrorReport()
        report.add(None, "", f"Nothing was imported: {error}")
        result = ImportResult(counts=IngestCounts(), errors=report, total_rows=record.total_rows or 0)
    except Exception:
        logger.exception("Import %s failed unexpectedly", import_id)
        report = ErrorReport()
        report.add(None, "", "The import stopped on an unexpected error; nothing was imported. Tell an administrator.")
        result = ImportResult(counts=IngestCounts(), errors=report, total_rows=record.total_rows or 0)
    counts = result.counts
    Import.objects.filter(pk=import_id).update(
        status=ImportStatus.SUCCEEDED if result.succeeded else ImportStatus.FAILED,
        total_rows=result.total_rows,
        processed_rows=result.total_rows if result.succeeded else checked["rows"],
        instances_created=counts.instances_created,
        instances_updated=counts.instances_updated,
        interactions_created=counts.interactions_created,
        interactions_updated=counts.interactions_updated,
        errors=result.errors.as_list(),
        error_count=result.errors.count,
        finished_at=timezone.now(),
    )
    record.refresh_from_db()
    return record


def import_give_up(*, import_id: int) -> None:
    """Mark an import failed after its last retry, so that it does not stay 'running' for ever."""
    give_up(Import, import_id=import_id)
