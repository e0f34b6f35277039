"""Celery tasks of the journeys app, with a real worker: health recomputes (with the ingest receiver and the
beat schedules) and the CSV import."""

import datetime as dt
import importlib
import time

import pytest
from celery.signals import task_postrun
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from journeys.choices import JourneyStatus
from journeys.models import HealthSnapshot, Import, Interaction, PendingRecompute
from journeys.selectors.health import stale_journeys
from journeys.services.health import journey_health_compute
from journeys.services.ingest import instance_batch_ingest
from journeys.signals import health_recomputed, journey_data_changed
from journeys.tasks import (
    recompute_all_health,
    recompute_journey_health,
    recompute_pending_health,
    recompute_stale_health,
)
from tests import factories
from tests.celery_worker import purge_broker, queued_messages, running_worker, wait_for
from tests.journeys.conftest import recent_map
from tests.journeys.csv_files import csv_bytes, valid_rows

pytestmark = pytest.mark.django_db


def test_the_tasks_are_registered_late_acked_retried_and_time_limited():
    for task in (recompute_journey_health, recompute_pending_health, recompute_stale_health, recompute_all_health):
        assert task.name in app.tasks
        assert task.acks_late is True
        assert task.max_retries == 5
        assert task.retry_backoff is True
        assert task.soft_time_limit < task.time_limit


def test_recompute_task_is_idempotent_and_reports_what_it_stored():
    journey_map = recent_map()

    first = recompute_journey_health.apply(args=[journey_map.journey.pk]).get()
    second = recompute_journey_health.apply(args=[journey_map.journey.pk]).get()

    assert first["new_alerts"] == ["touchpoint_paradox", "satisfaction_decay"]
    assert second["new_alerts"] == []  # already raised by the first run
    assert {**first, "new_alerts": []} == second
    assert first["as_of"] == timezone.localdate().isoformat()
    assert HealthSnapshot.objects.filter(journey=journey_map.journey).count() == 1


def test_recompute_task_accepts_an_iso_as_of_day():
    journey_map = recent_map()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    recompute_journey_health.apply(args=[journey_map.journey.pk, yesterday.isoformat()]).get()

    assert list(HealthSnapshot.objects.values_list("as_of", flat=True)) == [yesterday]


def test_recompute_task_of_a_deleted_journey_does_nothing():
    assert recompute_journey_health.apply(args=[987654]).get() is None
    assert not HealthSnapshot.objects.exists()


def test_recompute_sends_health_recomputed_with_the_new_alerts_after_commit(django_capture_on_commit_callbacks):
    journey_map = recent_map()
    received = []

    def receiver(sender, journey, snapshot, new_alerts, **kwargs):
        received.append((journey.pk, snapshot.pk, new_alerts))

    health_recomputed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            recompute_journey_health.apply(args=[journey_map.journey.pk])
        with django_capture_on_commit_callbacks(execute=True):
            recompute_journey_health.apply(args=[journey_map.journey.pk])
    finally:
        health_recomputed.disconnect(receiver)

    snapshot = HealthSnapshot.objects.get()
    # touchpoints 4.5 against a journey of 2: the paradox is new the first time, not the second
    assert received == [
        (journey_map.journey.pk, snapshot.pk, ["touchpoint_paradox", "satisfaction_decay"]),
        (journey_map.journey.pk, snapshot.pk, []),
    ]


def test_journey_data_changed_enqueues_one_job_per_newly_pending_journey_after_commit(
    django_capture_on_commit_callbacks,
):
    first, second, already_pending = factories.JourneyFactory(), factories.JourneyFactory(), factories.JourneyFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        journey_data_changed.send(
            sender=None,
            journey_ids=[first.pk, second.pk, already_pending.pk],
            pending_recompute_ids=[first.pk, second.pk, first.pk],
        )

    assert [callback.args for callback in callbacks] == [(first.pk,), (second.pk,)]


def test_stale_journeys_are_active_ones_changed_since_their_latest_snapshot_or_never_computed():
    now = timezone.now()
    never_computed = factories.JourneyFactory(slug="never")
    changed_since = factories.JourneyFactory(slug="changed", data_changed_at=now)
    factories.HealthSnapshotFactory(journey=changed_since, computed_at=now - dt.timedelta(hours=1))
    up_to_date = factories.JourneyFactory(slug="fresh", data_changed_at=now - dt.timedelta(hours=2))
    factories.HealthSnapshotFactory(journey=up_to_date, computed_at=now - dt.timedelta(hours=1))
    # a segment snapshot computed later does not make the overall figures fresh
    factories.HealthSnapshotFactory(journey=changed_since, segment="smb", computed_at=now + dt.timedelta(hours=1))
    factories.JourneyFactory(slug="draft", status=JourneyStatus.DRAFT)

    assert sorted(stale_journeys().values_list("slug", flat=True)) == ["changed", "never"]
    assert never_computed.pk in stale_journeys().values_list("pk", flat=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_every_stale_day_when_old_data_arrives():
    journey_map = recent_map()
    journey = journey_map.journey
    thirty_days_ago = timezone.now() - dt.timedelta(days=30)
    late = {
        "external_id": "late-1",
        "customer_ref": "c-late-1",
        "started_at": thirty_days_ago.isoformat(),
        "ended_at": (thirty_days_ago + dt.timedelta(hours=3)).isoformat(),
        "outcome": "completed",
        "satisfaction": 3,
        "interactions": [
            {
                "external_id": "x-1",
                "touchpoint": "call",
                "occurred_at": (thirty_days_ago + dt.timedelta(hours=1)).isoformat(),
                "satisfaction": 4,
            }
        ],
    }

    with running_worker():
        instance_batch_ingest(journey_slug=journey.slug, instances=[late])

        assert wait_for(lambda: not PendingRecompute.objects.filter(journey=journey).exists(), timeout=180)

    days = list(HealthSnapshot.objects.filter(journey=journey, segment="").order_by("as_of"))
    assert [snapshot.as_of for snapshot in days] == [
        timezone.localdate() - dt.timedelta(days=n) for n in range(30, -1, -1)
    ]
    assert days[0].sample_size == 1  # the late instance alone
    assert days[-1].sample_size == 3  # with the two recent ones
    assert days[-1].stage_health.count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_hundred_ingests_of_one_journey_queue_one_message_and_one_job_run():
    journey = recent_map().journey
    purge_broker()
    now = timezone.now()  # one clock for the data and the check: in the first hour of a day, "an hour ago" is yesterday
    batches = [
        [
            {
                "external_id": f"batch-{n}",
                "customer_ref": f"c-batch-{n}",
                "started_at": (now - dt.timedelta(days=n % 20, hours=1)).isoformat(),
                "outcome": "in_progress",
            }
        ]
        for n in range(100)
    ]

    for batch in batches:
        instance_batch_ingest(journey_slug=journey.slug, instances=batch)

    assert queued_messages() == 1
    first_day = timezone.localdate(now - dt.timedelta(days=19, hours=1))
    days = (timezone.localdate() - first_day).days + 1  # 20, or 21 in the first hour of a day
    assert PendingRecompute.objects.get(journey=journey).first_day == first_day
    runs = []

    def record_run(sender, retval, **kwargs):
        if sender.name.startswith("journeys."):
            runs.append((sender.name, retval))

    task_postrun.connect(record_run, weak=False, dispatch_uid="runs")
    try:
        with running_worker(purge=False):
            assert wait_for(lambda: len(runs) == 1 and queued_messages() == 0, timeout=180)
            time.sleep(1)  # nothing else arrives
    finally:
        task_postrun.disconnect(dispatch_uid="runs")
    assert [(name, retval["days"]) for name, retval in runs] == [("journeys.tasks.recompute_pending_health", days)]
    assert HealthSnapshot.objects.filter(journey=journey, segment="").count() == days


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_only_stale_journeys_then_every_active_one():
    now = timezone.now()
    stale = recent_map().journey
    fresh = recent_map().journey
    fresh.data_changed_at = now - dt.timedelta(days=1)
    fresh.save()
    journey_health_compute(journey=fresh)
    fresh_computed_at = HealthSnapshot.objects.get(journey=fresh).computed_at

    with running_worker():
        assert recompute_stale_health.delay().get(timeout=30) == [stale.pk]
        assert wait_for(lambda: HealthSnapshot.objects.filter(journey=stale).exists())
        assert HealthSnapshot.objects.get(journey=fresh).computed_at == fresh_computed_at

        assert recompute_all_health.delay().get(timeout=30) == sorted([stale.pk, fresh.pk])
        assert wait_for(lambda: HealthSnapshot.objects.get(journey=fresh).computed_at > fresh_computed_at)


def test_the_beat_schedules_exist_after_migrate():
    stale = PeriodicTask.objects.get(task="journeys.tasks.recompute_stale_health")
    daily = PeriodicTask.objects.get(task="journeys.tasks.recompute_all_health")

    assert (stale.interval.every, stale.interval.period) == (10, "minutes")
    assert stale.enabled
    assert (daily.crontab.minute, daily.crontab.hour, daily.crontab.day_of_week) == ("15", "0", "*")
    assert daily.enabled


def test_the_schedule_migration_can_run_again_without_duplicates():
    migration = importlib.import_module("journeys.migrations.0003_health_beat_schedules")

    migration.create_schedules(django_apps, None)

    assert PeriodicTask.objects.filter(task__startswith="journeys.tasks.recompute_").count() == 2


# --- the CSV import task -------------------------------------------------------------------------------------------


def wait_for_import(pk, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            record = Import.objects.get(pk=pk)
        except OperationalError:  # the worker holds the write lock on SQLite for a moment
            record = None
        if record is not None and record.status in statuses:
            return record
        time.sleep(0.2)
    raise AssertionError(f"import {pk} did not finish in {timeout}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_an_uploaded_file(api_client, integration_user, mapped_journey):
    api_client.force_authenticate(integration_user)

    with running_worker():
        response = api_client.post(
            "/api/v1/imports/", {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv")}, format="multipart"
        )
        assert response.status_code == 202
        record = wait_for_import(response.json()["id"], {"succeeded", "failed"})

    assert record.status == "succeeded", record.errors
    assert (record.total_rows, record.processed_rows, record.interactions_created) == (3, 3, 3)
    assert Interaction.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_by_a_real_worker_is_in_the_next_read_of_the_list(api_client, integration_user, mapped_journey):
    api_client.force_authenticate(integration_user)
    assert api_client.get("/api/v1/instances/").json()["count"] == 0

    with running_worker():
        response = api_client.post(
            "/api/v1/imports/", {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv")}, format="multipart"
        )
        assert wait_for_import(response.json()["id"], {"succeeded", "failed"}).status == "succeeded"

    # every page is built from the database: the worker's commit is in the next read
    assert api_client.get("/api/v1/instances/").json()["count"] == 2
