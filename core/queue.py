"""Enqueueing Celery tasks without letting a broker outage turn a user's request into a 500."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerError, ConnectionError, OSError)


def enqueue(task, *, args=(), task_id: str | None = None) -> bool:
    """Send ``task`` to the broker; False (and a warning in the log) when the broker is unreachable."""
    try:
        task.apply_async(args=list(args), task_id=task_id)
    except BROKER_ERRORS as error:
        logger.warning("Could not enqueue %s%s: %s", task.name, tuple(args), error)
        return False
    return True


def enqueue_on_commit(task, *, args=(), task_id: str | None = None) -> bool:
    """Enqueue once the current transaction commits (at once outside one).

    False only when the send was attempted and the broker was unreachable, so a view outside a
    transaction can tell its user; inside a transaction the outcome is only known later (logged).
    """
    outcome = []
    transaction.on_commit(lambda: outcome.append(enqueue(task, args=args, task_id=task_id)))
    return all(outcome)


def backoff_seconds(attempts: int, *, base: int, cap: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: ``base``, doubling each time, at most ``cap``."""
    return min(base * 2 ** max(attempts - 1, 0), cap)
