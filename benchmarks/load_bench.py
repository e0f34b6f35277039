"""What loading the reference data cost, and what the interaction trigger of journeys/0002 costs per row.

The trigger (an interaction's touchpoint belongs to its instance's journey) fires once per row,
even under COPY. It stays on in the load; here the same sample of interaction rows is COPYed twice
into the loaded table, with the trigger and without, each in a transaction that is rolled back.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from .generator import INTERACTION_COLUMNS
from .report import Figure

SECTION = "load"
TRIGGER = "journeys_interaction_same_journey"


def _sample(rows: int) -> str:
    """Existing interactions as COPY text, with new external ids (so they do not collide)."""
    columns = INTERACTION_COLUMNS.replace("external_id", "external_id || 't'")
    with connection.cursor() as cursor:
        lines = []
        with cursor.cursor.copy(
            f"COPY (SELECT {columns} FROM journeys_interaction ORDER BY id LIMIT {int(rows)}) TO STDOUT"
        ) as copy:
            for data in copy:
                lines.append(bytes(data))
    return b"".join(lines).decode()


def _timed_copy(text: str, *, trigger: bool) -> float:
    with transaction.atomic(), connection.cursor() as cursor:
        if not trigger:
            cursor.execute(f"ALTER TABLE journeys_interaction DISABLE TRIGGER {TRIGGER}")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY journeys_interaction ({INTERACTION_COLUMNS}) FROM STDIN") as copy:
            copy.write(text)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)  # also undoes DISABLE TRIGGER
    return seconds


def measure(*, marker: dict, sample_rows: int = 200_000) -> list[Figure]:
    counts, seconds = marker["counts"], marker["load_seconds"]
    figures = [
        Figure(
            SECTION,
            f"reference data: {counts['journeys']} journeys, {counts['instances']:,} instances, "
            f"{counts['interactions']:,} interactions",
            seconds["total"],
            "s",
            beside=f"+ VACUUM ANALYZE {seconds.get('vacuum_analyze', 0):.1f} s",
            target="a few minutes at scale 1",
            details={**marker},
        ),
        Figure(
            SECTION,
            "of which COPY of interactions (trigger on, indexes rebuilt after)",
            seconds["copy_interactions"],
            "s",
            beside=f"{counts['interactions'] / max(seconds['copy_interactions'], 1e-9):,.0f} rows/s; "
            f"index rebuild {seconds.get('rebuild_indexes_and_constraints', 0):.1f} s",
        ),
    ]
    rows = min(sample_rows, counts["interactions"])
    text = _sample(rows)
    with_trigger = min(_timed_copy(text, trigger=True) for _ in range(2))
    without_trigger = min(_timed_copy(text, trigger=False) for _ in range(2))
    per_row = (with_trigger - without_trigger) / rows * 1e6
    figures.append(
        Figure(
            SECTION,
            f"interaction trigger: COPY {rows:,} rows into the loaded table, with / without it",
            f"{with_trigger:.2f} s / {without_trigger:.2f} s",
            beside=f"trigger {per_row:.1f} us per row = {100 * (with_trigger - without_trigger) / with_trigger:.0f}% "
            "of the COPY (kept on)",
            details={"with_trigger": with_trigger, "without_trigger": without_trigger, "rows": rows},
        )
    )
    return figures
