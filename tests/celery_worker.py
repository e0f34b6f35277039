"""A real Celery worker, in a thread of the test process, consuming the configured broker.

Tests that use it need ``transactional_db``: the worker's thread has its own database connection
and must see committed rows.
"""

import contextlib

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for the ping check)
from celery.contrib.testing.worker import start_worker

from config.celery import app


@contextlib.contextmanager
def running_worker(*, purge: bool = True):
    """Start the worker; ``purge=False`` keeps what the test queued before starting it."""
    app.conf.task_always_eager = False
    if purge:
        purge_broker()
    with start_worker(app, perform_ping_check=True, pool="solo", shutdown_timeout=30, loglevel="WARNING") as worker:
        yield worker


def purge_broker():
    # Leftovers in a shared broker (Redis in CI) must not leak into this test.
    with contextlib.suppress(Exception):
        app.control.purge()


def queued_messages(queue: str = "celery") -> int:
    """How many messages wait on the configured broker's queue (filesystem folder or Redis list)."""
    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue=queue, passive=False).message_count
