"""Celery tasks of the journeys app, with a real worker: health recomputes (with the ingest receiver and the
beat schedules) and the CSV import."""

import datetime as dt
import importlib
import time

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from journeys.choices import JourneyStatus
from journeys.models import HealthSnapshot, Import, Interaction
from journeys.selectors.health import stale_journeys
from journeys.services.health import journey_health_compute
from journeys.signals import health_recomputed, journey_data_changed
from journeys.tasks import recompute_all_health, recompute_journey_health, recompute_stale_health
from tests import factories
from tests.celery_worker import running_worker
from tests.journeys.conftest import recent_map
from tests.journeys.csv_files import csv_bytes, valid_rows

pytestmark = pytest.mark.django_db


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_tasks_are_registered_late_acked_retried_and_time_limited():
    for task in (recompute_journey_health, recompute_stale_health, recompute_all_health):
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


def test_journey_data_changed_enqueues_one_recompute_per_journey_after_commit(django_capture_on_commit_callbacks):
    first, second = factories.JourneyFactory(), factories.JourneyFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        journey_data_changed.send(sender=None, journey_ids=[first.pk, second.pk, first.pk])

    assert len(callbacks) == 2
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
def test_a_real_worker_recomputes_health_when_journey_data_changes():
    journey_map = recent_map()
    journey = journey_map.journey

    with running_worker():
        journey_data_changed.send(sender=None, journey_ids=[journey.pk])

        assert wait_for(lambda: HealthSnapshot.objects.filter(journey=journey, segment="").exists())

    snapshot = HealthSnapshot.objects.get(journey=journey, segment="")
    assert snapshot.as_of == timezone.localdate()
    assert snapshot.sample_size == 2
    assert snapshot.touchpoint_csat == 4.5
    assert snapshot.stage_health.count() == 2


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
def test_an_import_by_a_real_worker_is_in_the_next_read_of_a_cached_list(
    api_client, integration_user, mapped_journey, django_assert_num_queries
):
    cache.clear()
    api_client.force_authenticate(integration_user)
    assert api_client.get("/api/v1/instances/").json()["count"] == 0
    with django_assert_num_queries(1):  # the data generation: the page comes from the cache
        assert api_client.get("/api/v1/instances/").json()["count"] == 0

    with running_worker():
        response = api_client.post(
            "/api/v1/imports/", {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv")}, format="multipart"
        )
        assert wait_for_import(response.json()["id"], {"succeeded", "failed"}).status == "succeeded"

    # the worker's connection raised the generation after its commit: the page is built afresh
    assert api_client.get("/api/v1/instances/").json()["count"] == 2
