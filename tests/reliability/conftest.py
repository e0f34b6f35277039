"""Fixtures of the failure-injection tests: a real, committed PostgreSQL database of their own and a
Redis broker, shared by the test process, Celery worker processes and a gunicorn server.

These tests do not use pytest-django's test database (its transaction is invisible to other
processes). They run with ``make reliability`` (``pytest -m failure``) when DATABASE_URL points to
PostgreSQL and CELERY_BROKER_URL to Redis, and are skipped otherwise.
"""

import os
from dataclasses import dataclass

import psycopg
import pytest

from . import processes


def _skip_reason() -> str | None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return "failure injection needs PostgreSQL: set DATABASE_URL=postgres://... (skipped on SQLite)"
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        return "failure injection needs a Redis broker: set CELERY_BROKER_URL=redis://..."
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("failure"):
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Stack:
    """Where the processes of a test meet: the database (URL and a psycopg connection) and the broker."""

    database_url: str
    broker_url: str
    token: str

    def env(self, **overrides: str) -> dict[str, str]:
        return {**processes.base_env(database_url=self.database_url, broker_url=self.broker_url), **overrides}

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(processes.psycopg_url(self.database_url), autocommit=True)

    def scalar(self, sql: str, params=()):
        with self.connect() as conn:
            row = conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def purge_broker(self) -> None:
        from celery import Celery

        with Celery(broker=self.broker_url).connection_for_write() as conn:
            channel = conn.default_channel
            channel.queue_purge("celery")
            client = channel.client
            client.delete("unacked", "unacked_index")

    def enqueue(self, task: str, *args) -> str:
        """Publish a task as the web process would: to the same broker, by name. Returns its id."""
        from celery import Celery

        return Celery(broker=self.broker_url).send_task(task, args=list(args)).id


@pytest.fixture(scope="session")
def stack():
    """A migrated database with the demo organisation (small scale) and today's health computed."""
    database_url = os.environ["DATABASE_URL"]
    name = f"throughline_failure_{os.getpid()}"
    url = processes.create_database(database_url, name)
    try:
        env = processes.base_env(database_url=url, broker_url=os.environ["CELERY_BROKER_URL"])
        processes.manage(env, "migrate", "--noinput", "-v", "0")
        output = processes.manage(env, "seed_demo", "--scale", "0.05", "--no-recompute")
        token = output.strip().rsplit(" ", 1)[-1]
        processes.manage(env, "recompute_health", "-v", "0")
        yield Stack(database_url=url, broker_url=os.environ["CELERY_BROKER_URL"], token=token)
    finally:
        processes.drop_database(database_url, name)
