"""Retention (RETENTION_DAYS): old instances and interactions go in batches, every snapshot stays as it was."""

import datetime as dt
import importlib
import logging
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.errors import ApplicationError
from journeys.models import HealthSnapshot, Interaction, JourneyInstance, PendingRecompute, RetentionMark
from journeys.services.health import journey_health_compute
from journeys.services.recompute import pending_recompute_mark, pending_recompute_run
from journeys.services.retention import first_recomputable_day, retention_cut, retention_remove
from journeys.tasks import remove_expired_data
from tests.celery_worker import running_worker
from tests.journeys.conftest import build_map
from tests.journeys.test_tasks import wait_for

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZONE)


def started_days_ago(journey_map, days: int, *, at: dt.time = dt.time(12), interactions: int = 2):
    """An instance that started ``days`` local days before today, with ``interactions`` interactions."""
    day = timezone.localdate() - dt.timedelta(days=days)
    started_at = dt.datetime.combine(day, at, tzinfo=ZONE)
    keys = ["call", "visit", "app", "web-form", "letter"]
    return journey_map.add_instance(
        started_at=started_at,
        duration=dt.timedelta(minutes=30),
        interactions=[
            {"touchpoint": keys[n % len(keys)], "occurred_at": started_at + dt.timedelta(minutes=n), "satisfaction": 4}
            for n in range(interactions)
        ],
    )


def test_retention_is_off_by_default_and_removes_nothing():
    journey_map = build_map(window_days=3)
    started_days_ago(journey_map, 400)

    run = retention_remove()

    assert settings.RETENTION_DAYS == 0
    assert (run.instances, run.interactions) == (0, 0)
    assert JourneyInstance.objects.count() == 1
    assert Interaction.objects.count() == 2
    assert not RetentionMark.objects.exists()


def test_the_cut_is_local_midnight_of_the_oldest_day_kept_and_never_inside_the_health_window():
    today = dt.date(2026, 6, 30)

    # 5 days kept: today and the 4 before
    assert retention_cut(window_days=3, days=5, today=today) == local_midnight(dt.date(2026, 6, 26))
    # a 10-day window is always kept whole, whatever RETENTION_DAYS says
    assert retention_cut(window_days=10, days=5, today=today) == local_midnight(dt.date(2026, 6, 21))


def test_instances_that_started_before_the_cut_go_with_their_interactions_the_rest_stays(caplog):
    # given a journey with a 3-day window and instances around the cut of RETENTION_DAYS=5 (today - 4 days, 00:00)
    journey_map = build_map(window_days=3)
    old = [
        started_days_ago(journey_map, 30, interactions=3),
        started_days_ago(journey_map, 6, interactions=1),
        started_days_ago(journey_map, 5, at=dt.time(23, 59, 59), interactions=2),
    ]
    kept = [
        started_days_ago(journey_map, 4, at=dt.time(0, 0, 0), interactions=2),  # exactly at the cut
        started_days_ago(journey_map, 1, interactions=2),
        started_days_ago(journey_map, 0, interactions=1),
    ]
    other_journey = build_map(window_days=3)
    other_old = started_days_ago(other_journey, 30, interactions=2)

    # when retention runs for 5 days
    with caplog.at_level(logging.INFO, logger="journeys.services.retention"):
        run = retention_remove(days=5)

    # then the three old instances and their 6 interactions are gone, in both journeys
    assert (run.instances, run.interactions, run.journeys) == (4, 8, 2)
    assert set(JourneyInstance.objects.values_list("pk", flat=True)) == {each.pk for each in kept}
    assert Interaction.objects.filter(instance__in=old).count() == 0
    assert not JourneyInstance.objects.filter(pk=other_old.pk).exists()
    assert Interaction.objects.count() == 5  # 2 + 2 + 1 of the kept instances
    mark = RetentionMark.objects.get(journey=journey_map.journey)
    assert mark.removed_before == local_midnight(timezone.localdate() - dt.timedelta(days=4))
    assert (mark.instances_removed, mark.interactions_removed) == (3, 6)
    assert "removed 4 instances and 8 interactions of 2 journeys" in caplog.text


def test_a_second_run_removes_nothing_and_counts_stay():
    journey_map = build_map(window_days=3)
    for days in (10, 11, 12):
        started_days_ago(journey_map, days)
    first = retention_remove(days=5)

    second = retention_remove(days=5)

    assert (first.instances, first.interactions) == (3, 6)
    assert (second.instances, second.interactions, second.batches) == (0, 0, 0)
    mark = RetentionMark.objects.get(journey=journey_map.journey)
    assert (mark.instances_removed, mark.interactions_removed) == (3, 6)


def test_removal_goes_in_batches_of_the_batch_size():
    journey_map = build_map(window_days=3)
    for days in range(10, 17):  # 7 old instances
        started_days_ago(journey_map, days, interactions=1)
    recent = started_days_ago(journey_map, 1, interactions=1)

    run = retention_remove(days=5, batch_size=3)

    assert (run.batches, run.instances, run.interactions) == (3, 7, 7)  # 3 + 3 + 1
    assert list(JourneyInstance.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_long_health_window_is_kept_whole_whatever_retention_days_says():
    journey_map = build_map(window_days=10)
    inside_window = started_days_ago(journey_map, 9)
    before_window = started_days_ago(journey_map, 10)

    retention_remove(days=2)

    assert list(JourneyInstance.objects.values_list("pk", flat=True)) == [inside_window.pk]
    assert not JourneyInstance.objects.filter(pk=before_window.pk).exists()


def test_a_raised_mark_is_never_lowered_by_a_longer_retention():
    journey_map = build_map(window_days=3)
    retention_remove(days=5)
    mark = RetentionMark.objects.get(journey=journey_map.journey).removed_before

    retention_remove(days=50)

    assert RetentionMark.objects.get(journey=journey_map.journey).removed_before == mark


# --- health after retention: the removed days' snapshots stay as they are --------------------------------------


def _snapshots(journey) -> dict[dt.date, tuple]:
    rows = HealthSnapshot.objects.filter(journey=journey, segment="").order_by("as_of")
    return {row.as_of: (row.sample_size, row.score, row.updated_at) for row in rows}


def test_the_recompute_never_recomputes_a_day_whose_window_lost_data_and_today_counts_what_is_kept():
    # given 20 days of daily instances (2 per day) with a 3-day window, and a snapshot for each day
    journey_map = build_map(window_days=3, min_sample=1)
    journey = journey_map.journey
    today = timezone.localdate()
    for days in range(20):
        started_days_ago(journey_map, days, at=dt.time(9))
        started_days_ago(journey_map, days, at=dt.time(15))
    call_command("recompute_health", journey=journey.slug, since=19, verbosity=0)
    before = _snapshots(journey)
    assert len(before) == 20
    assert [sample for sample, _score, _at in before.values()] == [2, 4] + [6] * 18  # 3 days x 2 instances

    # when retention keeps 8 days (cut at today - 7, 00:00), then old data arrives and every stale day is recomputed
    retention_remove(days=8)
    assert first_recomputable_day(journey=journey) == today - dt.timedelta(days=5)
    late = started_days_ago(journey_map, 15, interactions=1)  # an instance before the cut (the ingest accepts it)
    pending_recompute_mark(first_days={journey.pk: late.started_at.date()})
    run = pending_recompute_run(journey_id=journey.pk)
    call_command("recompute_health", journey=journey.slug, since=19, verbosity=0)

    # then every day whose window reaches before the cut keeps its snapshot untouched, and only those
    after = _snapshots(journey)
    protected = [today - dt.timedelta(days=n) for n in range(19, 5, -1)]  # today-19 .. today-6
    recomputed = [today - dt.timedelta(days=n) for n in range(5, -1, -1)]  # today-5 .. today
    assert set(after) == set(before)
    for day in protected:
        assert after[day] == before[day], day
    for day in recomputed:
        assert after[day][2] > before[day][2], day  # stored again
        assert after[day][0] == 6  # 3 whole days of kept data: the same figures as before the removal
    assert (run.first_day, run.last_day) == (today - dt.timedelta(days=5), today)
    assert not PendingRecompute.objects.filter(journey=journey).exists()


def test_asking_for_a_removed_day_returns_its_stored_figures_unchanged():
    journey_map = build_map(window_days=3, min_sample=1)
    journey = journey_map.journey
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    started_days_ago(journey_map, 10)
    stored = journey_health_compute(journey=journey, as_of=ten_days_ago).snapshot
    retention_remove(days=5)

    result = journey_health_compute(journey=journey, as_of=ten_days_ago)

    assert result.snapshot.pk == stored.pk
    assert (result.snapshot.sample_size, result.snapshot.updated_at) == (1, stored.updated_at)
    assert result.new_alerts == []
    with pytest.raises(ApplicationError, match="removed"):
        journey_health_compute(journey=journey, as_of=ten_days_ago - dt.timedelta(days=1))  # never computed


# --- the job ----------------------------------------------------------------------------------------------


def test_the_beat_schedule_runs_the_job_every_night_and_the_migration_can_run_again():
    task = PeriodicTask.objects.get(task="journeys.tasks.remove_expired_data")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "3", "*")
    assert task.enabled

    importlib.import_module("journeys.migrations.0013_retention_beat_schedule").create_schedule(django_apps, None)

    assert PeriodicTask.objects.filter(task="journeys.tasks.remove_expired_data").count() == 1


def test_the_job_is_late_acked_retried_and_time_limited():
    assert remove_expired_data.acks_late is True
    assert remove_expired_data.max_retries == 5
    assert remove_expired_data.soft_time_limit < remove_expired_data.time_limit


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_removes_the_expired_data_and_a_second_run_removes_nothing(settings):
    settings.RETENTION_DAYS = 5
    settings.RETENTION_BATCH_SIZE = 2
    journey_map = build_map(window_days=3)
    for days in (7, 8, 9):
        started_days_ago(journey_map, days)
    kept = started_days_ago(journey_map, 2)

    with running_worker():
        first = remove_expired_data.delay().get(timeout=60)
        second = remove_expired_data.delay().get(timeout=60)

    assert first == {**first, "journeys": 1, "instances": 3, "interactions": 6, "batches": 2}
    assert second == {**second, "journeys": 0, "instances": 0, "interactions": 0, "batches": 0}
    assert wait_for(lambda: list(JourneyInstance.objects.values_list("pk", flat=True)) == [kept.pk])
    assert Interaction.objects.count() == 2
