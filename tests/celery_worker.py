"""A real Celery worker, in a thread of the test process, consuming the configured broker.

Tests that use it need ``transactional_db``: the worker's thread has its own database connection
and must see committed rows.
"""

import contextlib
import time

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for the ping check)
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

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


def wait_for(condition, timeout: float = 30.0) -> bool:
    """Ask ``condition`` every 0.2 s until it holds (True) or ``timeout`` seconds pass (False).

    SQLite's shared in-memory test database answers a read with "database table is locked" while the
    worker's thread writes that table (shared-cache locks do not wait): such a read counts as "not yet".
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            pass
        time.sleep(0.2)
    return False
