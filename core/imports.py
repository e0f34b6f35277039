"""The life of any CSV import record (``core.models.CsvImportRecord``): queued, claimed by a worker, finished.

journeys' interaction imports and owners' measurement imports go through these steps alike; what a
file holds and how it is checked and loaded is each app's own.
"""

import contextlib

from django.db import DatabaseError
from django.utils import timezone

from .choices import ImportStatus
from .queue import enqueue

BROKER_DOWN_MESSAGE = (
    "The task queue is unavailable, so the file was not processed and nothing was imported. "
    "Upload it again in a few minutes."
)
DATABASE_DOWN_MESSAGE = "The database stayed unavailable; nothing was imported."


def _problem(message: str) -> list[dict]:
    return [{"row": None, "column": "", "message": message}]


def import_enqueue(model, task, *, import_id: int, task_id: str) -> bool:
    """Queue the import's task; if the broker is down, fail the record with a message instead of a 500."""
    if enqueue(task, args=[import_id], task_id=task_id):
        return True
    model.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.FAILED, errors=_problem(BROKER_DOWN_MESSAGE), error_count=1, finished_at=timezone.now()
    )
    return False


def import_claim(model, *, import_id: int) -> bool:
    """Mark a queued import running (or restart one a killed worker left running); False when it is finished."""
    return bool(
        model.objects.filter(pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
            status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0, errors=[], error_count=0
        )
    )


def import_give_up(model, *, import_id: int) -> None:
    """Mark an import failed after its task's last retry, so that it does not stay 'running' for ever."""
    with contextlib.suppress(DatabaseError):
        model.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            errors=_problem(DATABASE_DOWN_MESSAGE),
            error_count=1,
            finished_at=timezone.now(),
        )
