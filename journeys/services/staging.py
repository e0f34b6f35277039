"""The staging table every ingest write goes through: typed rows in, checks across rows, one merge.

Rows are read and checked one at a time in Python (``journeys.records``, by
``journeys.services.ingest`` and ``journeys.services.imports``); what needs more than one row is
done here, in the database, so that the importer's memory does not grow with the file:

1. ``Staging`` creates a temporary table (one row per CSV row or per interaction of an ingest
   call, instance values repeated on every row) and ``add`` streams typed rows into it: ``COPY``
   on PostgreSQL, ``executemany`` on SQLite;
2. ``problems`` finds what only a look across rows shows (an instance's rows that contradict its
   first row, an interaction before its instance started, an interaction id used twice), with one
   window query, and returns the first of them with the total;
3. ``merge`` writes everything with two set-based statements, ``INSERT ... SELECT ...
   ON CONFLICT DO UPDATE ... WHERE <the values differ>``: new rows are inserted, changed rows
   updated, unchanged rows not touched. Each statement returns, per journey, how many rows it
   created and how many it updated, and the earliest start of an instance it wrote or whose
   interactions it wrote; one query before them finds the stored start of instances that move to
   another start (the days a recompute must cover, ``IngestCounts.earliest_started_at``).

The temporary table belongs to the connection (a session on PostgreSQL) and is dropped on the
way out, so a worker that reuses its connection starts clean.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, connection
from django.utils.dateparse import parse_datetime

from ..models import Interaction, JourneyInstance, Touchpoint
from ..records import InstanceRecord, InteractionRecord

TABLE = "throughline_ingest_rows"
ANALYZE_FROM = 50_000

# (column, PostgreSQL type, SQLite type). One row of the staging table, in this order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("row_number", "integer", "integer"),
    ("journey_id", "bigint", "integer"),
    ("instance_key", "text", "text"),
    ("instance_ok", "boolean", "integer"),
    ("customer_ref", "text", "text"),
    ("segment", "text", "text"),
    ("started_at", "timestamptz", "text"),
    ("ended_at", "timestamptz", "text"),
    ("outcome", "text", "text"),
    ("instance_satisfaction", "smallint", "integer"),
    ("interaction_ok", "boolean", "integer"),
    ("external_id", "text", "text"),
    ("touchpoint_id", "bigint", "integer"),
    ("channel", "text", "text"),
    ("occurred_at", "timestamptz", "text"),
    ("satisfaction", "smallint", "integer"),
    ("resolved", "boolean", "integer"),
    ("repeat", "boolean", "integer"),
    ("reidentified", "boolean", "integer"),
)
COLUMN_NAMES = tuple(name for name, _pg, _sqlite in COLUMNS)
# The names psycopg knows the binary formats by.
COPY_TYPES = [
    {"integer": "int4", "bigint": "int8", "boolean": "bool", "smallint": "int2"}.get(pg, pg)
    for _name, pg, _sqlite in COLUMNS
]
DATETIME_POSITIONS = tuple(i for i, (_name, pg, _sqlite) in enumerate(COLUMNS) if pg == "timestamptz")

# Instance value columns: (staging column, JourneyInstance column).
INSTANCE_VALUES = (
    ("customer_ref", "customer_ref"),
    ("segment", "segment"),
    ("started_at", "started_at"),
    ("ended_at", "ended_at"),
    ("outcome", "outcome"),
    ("instance_satisfaction", "satisfaction"),
)
INTERACTION_VALUES = ("touchpoint_id", "channel", "occurred_at", "satisfaction", "resolved", "repeat", "reidentified")


# A staged row (COLUMNS): (row number, journey id, instance id, *instance part,
# *interaction part). The parts of a row that carries no valid instance or interaction:
NO_INSTANCE = (False, None, None, None, None, None, None)
NO_INTERACTION = (False, None, None, None, None, None, None, None, None)


def instance_part(record: InstanceRecord) -> tuple:
    return (
        True,
        record.customer_ref,
        record.segment,
        record.started_at,
        record.ended_at,
        record.outcome,
        record.satisfaction,
    )


def interaction_part(item: InteractionRecord, touchpoint: tuple[int, str] | None) -> tuple:
    """The staged interaction; ``touchpoint`` is (id, channel), None when its key is unknown."""
    touchpoint_id, touchpoint_channel = touchpoint if touchpoint is not None else (None, "")
    return (
        True,
        item.external_id,
        touchpoint_id,
        item.channel or touchpoint_channel,
        item.occurred_at,
        item.satisfaction,
        item.resolved,
        item.repeat,
        item.reidentified,
    )


@dataclass(frozen=True)
class RowProblem:
    """One staged row that a look across rows finds wrong; the caller turns it into messages."""

    row_number: int
    instance_key: str
    external_id: str | None
    first_row: int
    # (staging column, the first row's value, this row's value) for every instance value that differs.
    contradictions: tuple[tuple[str, Any, Any], ...]
    started_at: datetime | None  # set when the interaction happened before this instance started
    duplicate_of: int | None  # the row that already has this interaction id


@dataclass
class IngestCounts:
    """Rows created, and rows whose stored values actually changed; unchanged rows count in neither."""

    instances_created: int = 0
    instances_updated: int = 0
    interactions_created: int = 0
    interactions_updated: int = 0
    # The earliest started_at (old or new) of the instances whose rows were written: from that local
    # day on, the journey's daily health changed. None when nothing was written.
    earliest_started_at: datetime | None = field(default=None, compare=False)

    @property
    def created(self) -> int:
        return self.instances_created + self.interactions_created

    @property
    def updated(self) -> int:
        return self.instances_updated + self.interactions_updated

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def add(self, other: IngestCounts) -> None:
        self.instances_created += other.instances_created
        self.instances_updated += other.instances_updated
        self.interactions_created += other.interactions_created
        self.interactions_updated += other.interactions_updated
        self.touch(other.earliest_started_at)

    def touch(self, started_at: datetime | None) -> None:
        """Count ``started_at`` among the starts of written instances."""
        if started_at is not None and (self.earliest_started_at is None or started_at < self.earliest_started_at):
            self.earliest_started_at = started_at


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _differs(left: str, right: str) -> str:
    """NULL-safe "the two values differ", in each database's words."""
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"({left} {operator} {right})"


def _any_differs(columns: Iterable[str]) -> str:
    """A row of an upsert differs from the stored one (``t``) in one of these columns."""
    return " OR ".join(_differs(f"t.{_quote(name)}", f"excluded.{_quote(name)}") for name in columns)


def _as_datetime(value: Any) -> datetime | None:
    """A timestamp read back from the staging table (SQLite returns the text it stored, or a naive UTC datetime)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    return parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed


class Staging:
    """``with Staging() as staging:`` a fresh temporary table, dropped on the way out."""

    def __enter__(self) -> Staging:
        self.postgres = connection.vendor == "postgresql"
        kind = 1 if self.postgres else 2
        columns = ", ".join(f"{_quote(column[0])} {column[kind]}" for column in COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} ({columns})")
        self.rows = 0
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None and connection.in_atomic_block:
            # The enclosing transaction is about to roll back (and with it a table created inside it);
            # a statement now could fail on the aborted transaction and hide the real error.
            return
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def add(self, rows: list[tuple]) -> None:
        """Stage rows (tuples in the order of ``COLUMNS``; timestamps aware)."""
        if not rows:
            return
        self.rows += len(rows)
        with connection.cursor() as cursor:
            if self.postgres:
                # cursor.cursor: the psycopg cursor under Django's wrapper.
                # Binary COPY: half the time of text COPY for these rows (measured, 100,000 rows: 0.24 s vs 0.51 s).
                with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMN_NAMES)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(COPY_TYPES)
                    for row in rows:
                        copy.write_row(row)
                return
            adapt = connection.ops.adapt_datetimefield_value
            prepared = []
            for row in rows:
                values = list(row)
                for position in DATETIME_POSITIONS:
                    if values[position] is not None:
                        values[position] = adapt(values[position])
                prepared.append(values)
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} VALUES ({placeholders})", prepared)  # noqa: S608 (no values)

    def analyze(self) -> None:
        """Give the planner the statistics of many staged rows (autovacuum never visits temporary tables).

        Below ``ANALYZE_FROM`` rows the plans are the same without (checked with EXPLAIN at 10,000
        and 100,000 rows: nested loops over the unique indexes) and ANALYZE would cost more than it saves.
        """
        if self.postgres and self.rows >= ANALYZE_FROM:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {TABLE}")

    # --- checks across rows -------------------------------------------------------------------------

    def problems(self, *, limit: int) -> tuple[list[RowProblem], int]:
        """The first ``limit`` rows with a problem across rows, in row order, and the number of problems.

        An instance's first valid row is its reference: a later valid row whose instance values
        differ contradicts it (one problem per value), and an interaction of the instance may not
        happen before that row's ``started_at``. An interaction id may appear once per instance.
        """
        first_values = ", ".join(
            f"FIRST_VALUE({_quote(column)}) OVER by_instance AS first_{column}" for column, _ in INSTANCE_VALUES
        )
        contradiction_count = " + ".join(
            f"CASE WHEN {_differs(_quote(column), f'first_{column}')} THEN 1 ELSE 0 END"
            for column, _ in INSTANCE_VALUES
        )
        value_pairs = ", ".join(f"{_quote(column)}, first_{column}" for column, _ in INSTANCE_VALUES)
        sql = f"""
            SELECT row_number, instance_key, external_id, instance_ok AND first_ok, first_row,
                   first_interaction_row, occurred_at, first_started_at, {value_pairs},
                   SUM(problem_count) OVER () AS total
            FROM (
                SELECT c.*,
                    CASE WHEN instance_ok AND first_ok AND row_number <> first_row
                         THEN {contradiction_count} ELSE 0 END
                    + CASE WHEN interaction_ok AND first_ok AND occurred_at < first_started_at THEN 1 ELSE 0 END
                    + CASE WHEN interaction_ok AND first_interaction_row < row_number THEN 1 ELSE 0 END
                    AS problem_count
                FROM (
                    SELECT s.*,
                        FIRST_VALUE(row_number) OVER by_instance AS first_row,
                        FIRST_VALUE(instance_ok) OVER by_instance AS first_ok,
                        {first_values},
                        MIN(CASE WHEN interaction_ok THEN row_number END)
                            OVER (PARTITION BY journey_id, instance_key, external_id) AS first_interaction_row
                    FROM {TABLE} s
                    WINDOW by_instance AS (
                        PARTITION BY journey_id, instance_key
                        ORDER BY CASE WHEN instance_ok THEN 0 ELSE 1 END, row_number
                    )
                ) c
            ) p
            WHERE problem_count > 0
            ORDER BY row_number
            LIMIT %s
        """  # noqa: S608 (identifiers only)
        with connection.cursor() as cursor:
            cursor.execute(sql, [limit])
            fetched = cursor.fetchall()
        problems = []
        total = 0
        for row in fetched:
            row_number, instance_key, external_id, both_valid, first_row, first_interaction_row = row[:6]
            occurred_at, first_started_at = row[6:8]
            pairs = row[8:-1]
            total = int(row[-1])
            contradictions = []
            if both_valid and row_number != first_row:
                for index, (column, _) in enumerate(INSTANCE_VALUES):
                    value, first = pairs[2 * index], pairs[2 * index + 1]
                    if column in ("started_at", "ended_at"):
                        value, first = _as_datetime(value), _as_datetime(first)
                    if value != first:
                        contradictions.append((column, first, value))
            occurred_at, first_started_at = _as_datetime(occurred_at), _as_datetime(first_started_at)
            too_early = occurred_at is not None and first_started_at is not None and occurred_at < first_started_at
            problems.append(
                RowProblem(
                    row_number=row_number,
                    instance_key=instance_key,
                    external_id=external_id,
                    first_row=first_row,
                    contradictions=tuple(contradictions),
                    started_at=first_started_at if too_early else None,
                    duplicate_of=first_interaction_row
                    if first_interaction_row is not None and first_interaction_row < row_number
                    else None,
                )
            )
        return problems, total

    # --- the merge ----------------------------------------------------------------------------------

    def merge(self, *, now: datetime) -> dict[int, IngestCounts]:
        """Write the staged rows (all valid) into the instance and interaction tables; counts per journey.

        Run it inside the caller's transaction, after ``problems`` found nothing.
        """
        counts: dict[int, IngestCounts] = defaultdict(IngestCounts)
        now = connection.ops.adapt_datetimefield_value(now)
        instance_table = _quote(JourneyInstance._meta.db_table)
        instance_columns = ", ".join(_quote(target) for _, target in INSTANCE_VALUES)
        instance_sources = ", ".join(f"MIN({_quote(source)})" for source, _ in INSTANCE_VALUES)
        instance_updates = ", ".join(
            f"{_quote(name)} = excluded.{_quote(name)}" for name in (*(t for _, t in INSTANCE_VALUES), "updated_at")
        )
        instance_changed = _any_differs(target for _, target in INSTANCE_VALUES)
        # An instance that moves to another start leaves its old days stale too: read the old start first.
        moved_sql = f"""
            SELECT s.journey_id, MIN(i.{_quote("started_at")})
            FROM {TABLE} s
            JOIN {instance_table} i
              ON i.{_quote("journey_id")} = s.journey_id AND i.{_quote("external_id")} = s.instance_key
            WHERE s.instance_ok AND {_differs(f"i.{_quote('started_at')}", "s.started_at")}
            GROUP BY s.journey_id
        """  # noqa: S608 (identifiers only)
        with connection.cursor() as cursor:
            cursor.execute(moved_sql)
            for journey_id, old_start in cursor.fetchall():
                counts[journey_id].touch(_as_datetime(old_start))
        # Every instance once: its rows agree (problems() found no contradiction), so MIN picks the value.
        instances_sql = f"""
            INSERT INTO {instance_table} AS t
                ({_quote("created_at")}, {_quote("updated_at")}, {_quote("journey_id")}, {_quote("external_id")},
                 {instance_columns})
            SELECT %s, %s, journey_id, instance_key, {instance_sources}
            FROM {TABLE} WHERE instance_ok
            GROUP BY journey_id, instance_key
            ORDER BY MIN(row_number)
            ON CONFLICT ({_quote("journey_id")}, {_quote("external_id")}) DO UPDATE SET {instance_updates}
            WHERE {instance_changed}
            RETURNING {_quote("journey_id")}, {_quote("created_at")} = {_quote("updated_at")}, {_quote("started_at")}
        """  # noqa: S608 (identifiers only)
        for journey_id, created, updated, earliest in self._counted(instances_sql, [now, now]):
            counts[journey_id].instances_created += created
            counts[journey_id].instances_updated += updated
            counts[journey_id].touch(earliest)

        interaction_table = _quote(Interaction._meta.db_table)
        interaction_columns = ", ".join(_quote(name) for name in INTERACTION_VALUES)
        interaction_sources = ", ".join(f"s.{_quote(name)}" for name in INTERACTION_VALUES)
        interaction_updates = ", ".join(
            f"{_quote(name)} = excluded.{_quote(name)}" for name in (*INTERACTION_VALUES, "updated_at")
        )
        interaction_changed = _any_differs(INTERACTION_VALUES)
        interactions_sql = f"""
            INSERT INTO {interaction_table} AS t
                ({_quote("created_at")}, {_quote("updated_at")}, {_quote("instance_id")}, {_quote("external_id")},
                 {interaction_columns})
            SELECT %s, %s, i.id, s.external_id, {interaction_sources}
            FROM {TABLE} s
            JOIN {instance_table} i ON i.journey_id = s.journey_id AND i.external_id = s.instance_key
            WHERE s.interaction_ok
            ORDER BY s.row_number
            ON CONFLICT ({_quote("instance_id")}, {_quote("external_id")}) DO UPDATE SET {interaction_updates}
            WHERE {interaction_changed}
            RETURNING {_quote("touchpoint_id")}, {_quote("created_at")} = {_quote("updated_at")},
                (SELECT started.{_quote("started_at")} FROM {instance_table} started
                 WHERE started.id = {_quote("instance_id")})
        """  # noqa: S608 (identifiers only)
        by_touchpoint = self._counted(interactions_sql, [now, now])
        if by_touchpoint:
            journeys = dict(
                Touchpoint.objects.filter(pk__in=[row[0] for row in by_touchpoint]).values_list("id", "journey_id")
            )
            for touchpoint_id, created, updated, earliest in by_touchpoint:
                counts[journeys[touchpoint_id]].interactions_created += created
                counts[journeys[touchpoint_id]].interactions_updated += updated
                counts[journeys[touchpoint_id]].touch(earliest)
        return dict(counts)

    def _counted(self, upsert_sql: str, params: list) -> list[tuple[int, int, int, datetime | None]]:
        """Run an upsert that returns (key, created?, started_at) per written row; per key (created, updated, earliest).

        A new row has created_at = updated_at (both ``now``); an updated one keeps its older created_at.
        PostgreSQL counts inside the statement; SQLite (no RETURNING in a subquery) streams the rows.
        """
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"WITH written (key, created, started_at) AS ({upsert_sql}) "  # noqa: S608 (identifiers only)
                    "SELECT key, COUNT(*) FILTER (WHERE created), COUNT(*) FILTER (WHERE NOT created), "
                    "MIN(started_at) FROM written GROUP BY key",
                    params,
                )
                return [
                    (key, int(created), int(updated), earliest) for key, created, updated, earliest in cursor.fetchall()
                ]
            cursor.execute(upsert_sql, params)
            tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            earliest: dict[int, datetime] = {}
            for key, created, value in cursor:
                tally[key][0 if created else 1] += 1
                started_at = _as_datetime(value)
                if started_at is not None and (key not in earliest or started_at < earliest[key]):
                    earliest[key] = started_at
            return [(key, created, updated, earliest.get(key)) for key, (created, updated) in tally.items()]
