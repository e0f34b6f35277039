"""Failure injection with real processes (design sections 5 and 10): a worker killed in the middle of
a recompute, a database connection dropped under a running task, the broker down during an ingest.

Each test runs `celery -A config worker` subprocesses (and gunicorn, and a private redis-server)
against a committed PostgreSQL database of its own; see conftest.py.
"""

import json
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

from . import processes
from .hooked_worker import HOLD_KEY

pytestmark = pytest.mark.failure

RECOMPUTE = "journeys.tasks.recompute_journey_health"


@dataclass(frozen=True)
class Snapshot:
    id: int
    computed_at: object
    stage_health_ids: tuple


def overall_snapshot(stack, journey_id: int) -> Snapshot:
    """Today's overall snapshot of the journey and the ids of its stage rows, as committed."""
    with stack.connect() as conn:
        snapshot_id, computed_at = conn.execute(
            "SELECT id, computed_at FROM journeys_healthsnapshot WHERE journey_id = %s AND segment = '' "
            "ORDER BY as_of DESC LIMIT 1",
            [journey_id],
        ).fetchone()
        stage_ids = tuple(
            row[0]
            for row in conn.execute(
                "SELECT id FROM journeys_stagehealth WHERE snapshot_id = %s ORDER BY id", [snapshot_id]
            )
        )
    return Snapshot(snapshot_id, computed_at, stage_ids)


def backend_waiting_on_hold(stack) -> int | None:
    """The database backend (the worker's connection) blocked on the lock the test holds, if any."""
    return stack.scalar(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [HOLD_KEY],
    )


def backend_alive(stack, pid: int) -> bool:
    return bool(stack.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]))


def journey_id_of(stack, slug: str) -> int:
    return stack.scalar("SELECT id FROM journeys_journey WHERE slug = %s", [slug])


def test_a_worker_killed_in_the_middle_of_a_recompute_leaves_the_previous_snapshot_and_a_new_worker_completes_it(
    stack,
):
    # given today's committed snapshot, and a recompute held inside its transaction (new rows written)
    stack.purge_broker()
    journey_id = journey_id_of(stack, "onboarding")
    before = overall_snapshot(stack, journey_id)
    assert len(before.stage_health_ids) >= 3
    with stack.connect() as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [HOLD_KEY])
        with processes.celery_worker(stack.env(), hooked=True, name="doomed") as doomed:
            task_id = stack.enqueue(RECOMPUTE, journey_id)
            worker_backend = processes.wait_until(
                lambda: backend_waiting_on_hold(stack), timeout=60, what="the recompute to reach its commit"
            )
            assert overall_snapshot(stack, journey_id) == before  # written, not visible

            # when the worker dies (SIGKILL, no cleanup) before committing
            doomed.kill()
        holder.execute("SELECT pg_advisory_unlock(%s)", [HOLD_KEY])

    # then its transaction ends without a commit: the previous snapshot and its stage rows are intact
    processes.wait_until(
        lambda: not backend_alive(stack, worker_backend), timeout=30, what="the dead worker's backend to end"
    )
    assert overall_snapshot(stack, journey_id) == before
    assert f"{RECOMPUTE}[{task_id}] received" in doomed.output()
    assert "succeeded" not in doomed.output()

    # and the unacknowledged task is delivered again to a new worker, which completes it
    with processes.celery_worker(stack.env(), name="successor") as successor:
        after = processes.wait_until(
            lambda: (snapshot := overall_snapshot(stack, journey_id)).computed_at > before.computed_at and snapshot,
            timeout=90,
            what="the successor to recompute the journey",
        )
        processes.wait_until(
            lambda: f"{RECOMPUTE}[{task_id}] succeeded" in successor.output(),
            timeout=30,
            what="the successor to report success",
        )
    assert f"{RECOMPUTE}[{task_id}] received" in successor.output()
    assert after.id == before.id  # the day's snapshot is updated in place, not duplicated
    assert len(after.stage_health_ids) == len(before.stage_health_ids)
    assert set(after.stage_health_ids).isdisjoint(before.stage_health_ids)
    assert (
        stack.scalar(
            "SELECT count(*) FROM journeys_healthsnapshot WHERE journey_id = %s AND segment = '' AND as_of = "
            "(SELECT as_of FROM journeys_healthsnapshot WHERE id = %s)",
            [journey_id, before.id],
        )
        == 1
    )


def test_a_task_whose_database_connection_is_dropped_is_retried_and_completes(stack):
    # given a recompute held inside its transaction
    stack.purge_broker()
    journey_id = journey_id_of(stack, "billing-complaint")
    before = overall_snapshot(stack, journey_id)
    with stack.connect() as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [HOLD_KEY])
        with processes.celery_worker(stack.env(), hooked=True, name="retrying") as worker:
            task_id = stack.enqueue(RECOMPUTE, journey_id)
            worker_backend = processes.wait_until(
                lambda: backend_waiting_on_hold(stack), timeout=60, what="the recompute to reach its commit"
            )

            # when the server drops the worker's database connection
            assert holder.execute("SELECT pg_terminate_backend(%s)", [worker_backend]).fetchone()[0]
            processes.wait_until(
                lambda: f"{RECOMPUTE}[{task_id}] retry" in worker.output(), timeout=60, what="the task to retry"
            )
            # nothing of the interrupted attempt was committed
            assert overall_snapshot(stack, journey_id) == before
            holder.execute("SELECT pg_advisory_unlock(%s)", [HOLD_KEY])

            # then the retry, on a fresh connection, completes the recompute
            processes.wait_until(
                lambda: f"{RECOMPUTE}[{task_id}] succeeded" in worker.output(),
                timeout=90,
                what="the retried task to succeed",
            )
            output = worker.output()
    after = overall_snapshot(stack, journey_id)
    assert after.computed_at > before.computed_at
    assert "OperationalError" in output
    assert len(after.stage_health_ids) == len(before.stage_health_ids)


def ingest(base_url: str, token: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (a loopback URL built by the test)
        f"{base_url}/api/v1/ingest/",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode(errors="replace")[:2000]}


def test_an_ingest_commits_while_the_broker_is_down_and_the_stale_sweep_catches_up_once_it_is_back(stack):
    # given a web server whose broker is down (nothing listens on its port yet)
    port = processes.free_port()
    env = stack.env(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0")
    journey_id = journey_id_of(stack, "onboarding")
    before = overall_snapshot(stack, journey_id)
    external_id = f"broker-down-{uuid.uuid4().hex[:12]}"
    payload = {
        "journey": "onboarding",
        "instances": [
            {
                "external_id": external_id,
                "segment": "first-time subscriber",
                "started_at": "2026-11-20T09:00:00Z",
                "ended_at": "2026-11-21T17:00:00Z",
                "outcome": "completed",
                "satisfaction": 2,
                "interactions": [
                    {"external_id": "1", "touchpoint": "sales-call", "occurred_at": "2026-11-20T09:05:00Z"},
                    {"external_id": "2", "touchpoint": "booking-call", "occurred_at": "2026-11-21T10:00:00Z"},
                ],
            }
        ],
    }

    # when data is ingested
    with processes.gunicorn(env) as web:
        status, body = ingest(web.url, stack.token, payload)
        web_log = web.output()

    # then the ingest commits and answers 200; the journey is left stale for the sweep
    assert (status, body) == (200, {"created": 3, "updated": 0})
    assert (
        stack.scalar(
            "SELECT count(*) FROM journeys_interaction i JOIN journeys_journeyinstance n ON n.id = i.instance_id "
            "WHERE n.external_id = %s",
            [external_id],
        )
        == 2
    )
    data_changed_at = stack.scalar("SELECT data_changed_at FROM journeys_journey WHERE id = %s", [journey_id])
    assert data_changed_at > before.computed_at
    assert overall_snapshot(stack, journey_id) == before
    assert "the stale sweep will catch up" in web_log

    # and once the broker is back, the stale sweep recomputes the journey
    with processes.redis_server(port), processes.celery_worker(env, name="catch-up") as worker:
        subprocess.run(  # noqa: S603
            [processes.CELERY, "-A", "config", "call", "journeys.tasks.recompute_stale_health"],
            cwd=processes.ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        after = processes.wait_until(
            lambda: (snapshot := overall_snapshot(stack, journey_id)).computed_at > data_changed_at and snapshot,
            timeout=90,
            what="the stale sweep to recompute the journey",
        )
        assert "journeys.tasks.recompute_stale_health" in worker.output()
    assert after.computed_at > data_changed_at
