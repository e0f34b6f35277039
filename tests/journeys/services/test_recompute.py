"""Trend truth (design section 15): data for past days recomputes every affected day, in one job per journey."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from journeys.models import HealthSnapshot, JourneyInstance, PendingRecompute
from journeys.services import ingest, recompute
from journeys.services.health import journey_health_backfill
from journeys.tasks import recompute_pending_health, recompute_stale_health
from tests import factories
from tests.celery_worker import purge_broker, queued_messages
from tests.journeys.conftest import build_map
from tests.journeys.csv_files import a_row, csv_bytes, run_import

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def noon(days_ago: int) -> dt.datetime:
    """Noon UTC of the day ``days_ago`` days before today (the project's time zone is UTC in the tests)."""
    return dt.datetime.combine(today() - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def trend(journey) -> dict[dt.date, tuple]:
    """The overall snapshot of every day: (sample size, score, journey_csat, computed_at)."""
    return {
        row.as_of: (row.sample_size, row.score, row.journey_csat, row.computed_at)
        for row in HealthSnapshot.objects.filter(journey=journey, segment="")
    }


def old_rows(journey, days_ago: int, count: int, satisfaction: str = "1"):
    """CSV rows of ``count`` instances started ``days_ago`` days ago, each with one interaction."""
    started = noon(days_ago)
    return [
        a_row(
            journey=journey.slug,
            instance_external_id=f"late-{days_ago}-{n}",
            customer_ref=f"c-late-{n}",
            started_at=iso(started),
            ended_at=iso(started + dt.timedelta(hours=5)),
            instance_satisfaction=satisfaction,
            interaction_external_id="x-1",
            touchpoint="call",
            occurred_at=iso(started + dt.timedelta(hours=1)),
        )
        for n in range(count)
    ]


def a_map_with_history(*, window_days=10, days=60):
    """A journey with one instance every 5 days over ``days`` days and a daily snapshot of each day."""
    journey_map = build_map(min_sample=1, window_days=window_days)
    for days_ago in range(days, -1, -5):
        journey_map.add_instance(
            started_at=noon(days_ago), satisfaction=4, interactions=[{"touchpoint": "call", "satisfaction": 4}]
        )
    journey_health_backfill(
        journey=journey_map.journey, first_as_of=today() - dt.timedelta(days=days), last_as_of=today()
    )
    return journey_map


def test_an_import_of_30_day_old_data_changes_the_snapshots_of_those_days_and_not_others():
    # given a journey whose daily trend is computed, with a 10-day window
    journey = a_map_with_history(window_days=10).journey
    before = trend(journey)

    # when a CSV of journeys that started 30 days ago is imported, and the recompute job runs
    record = run_import(csv_bytes(old_rows(journey, 30, count=3)), journey=journey)
    assert record.status == "succeeded"
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=30)
    result = recompute_pending_health.apply(args=[journey.pk]).get()

    # then the days whose window holds day -30 (days -30 .. -21) show the three new instances ...
    after = trend(journey)
    assert result == {
        "journey_id": journey.pk,
        "first_day": (today() - dt.timedelta(days=30)).isoformat(),
        "last_day": today().isoformat(),
        "days": 31,
        "again": False,
    }
    assert set(after) == set(before)
    for days_ago in range(60, -1, -1):
        day = today() - dt.timedelta(days=days_ago)
        # brute force: the instances whose start day lies in the 10 days ending with this day
        window_count = JourneyInstance.objects.filter(
            journey=journey,
            started_at__gt=noon(days_ago + 10) + dt.timedelta(hours=12),
            started_at__lte=noon(days_ago) + dt.timedelta(hours=12),
        ).count()
        assert after[day][0] == window_count, day
        if 21 <= days_ago <= 30:
            assert after[day][0] == before[day][0] + 3
            assert after[day][1] < before[day][1]  # satisfaction 1 of 5 lowers the score
        elif days_ago < 21:
            # recomputed (the range runs to today) but their windows do not hold the new instances
            assert after[day][:3] == before[day][:3]
            assert after[day][3] > before[day][3]
        else:
            assert after[day] == before[day]  # days before the data: not even rewritten
    assert not PendingRecompute.objects.exists()


def test_before_the_job_runs_only_the_pending_row_records_the_change_and_the_trend_is_as_it_was():
    journey = a_map_with_history().journey
    before = trend(journey)

    run_import(csv_bytes(old_rows(journey, 30, count=2)), journey=journey)

    assert trend(journey) == before
    assert PendingRecompute.objects.filter(journey=journey, first_day=today() - dt.timedelta(days=30)).exists()


def test_importing_the_same_file_again_changes_nothing_and_marks_nothing():
    journey = a_map_with_history().journey
    content = csv_bytes(old_rows(journey, 30, count=2))
    run_import(content, journey=journey)
    recompute_pending_health.apply(args=[journey.pk])

    run_import(content, journey=journey)

    assert not PendingRecompute.objects.exists()


def test_an_import_that_adds_an_interaction_to_an_old_instance_stales_from_that_instances_start():
    journey_map = a_map_with_history()
    journey = journey_map.journey
    old = JourneyInstance.objects.filter(journey=journey).order_by("started_at").first()  # started 60 days ago
    row = a_row(
        journey=journey.slug,
        instance_external_id=old.external_id,
        customer_ref=old.customer_ref,
        segment=old.segment,
        started_at=iso(old.started_at),
        ended_at=iso(old.ended_at),
        outcome=old.outcome,
        instance_satisfaction=str(old.satisfaction),
        interaction_external_id="late-call",
        touchpoint="visit",
        occurred_at=iso(old.started_at + dt.timedelta(hours=3)),
    )

    record = run_import(csv_bytes([row]), journey=journey)

    assert (record.instances_updated, record.interactions_created) == (0, 1)
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=60)


def test_moving_an_instances_start_later_stales_from_its_old_start():
    journey_map = build_map(min_sample=1)
    instance = journey_map.add_instance(started_at=noon(40), duration=dt.timedelta(hours=2))

    ingest.instance_update(instance=instance, data={"started_at": noon(3), "ended_at": noon(3) + dt.timedelta(hours=2)})

    assert PendingRecompute.objects.get(journey=journey_map.journey).first_day == today() - dt.timedelta(days=40)


def test_an_ingest_batch_moving_an_instance_later_stales_from_its_old_start():
    journey_map = build_map(min_sample=1)
    journey = journey_map.journey
    instance = journey_map.add_instance(started_at=noon(50), duration=dt.timedelta(hours=2))
    moved = {
        "external_id": instance.external_id,
        "customer_ref": instance.customer_ref,
        "started_at": iso(noon(2)),
        "ended_at": iso(noon(2) + dt.timedelta(hours=2)),
        "outcome": "completed",
        "satisfaction": 4,
    }

    counts = ingest.instance_batch_ingest(journey_slug=journey.slug, instances=[moved])

    assert counts.instances_updated == 1
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=50)


def test_single_row_writes_stale_from_the_day_their_instance_started():
    journey_map = build_map(min_sample=1)
    journey = journey_map.journey
    instance = journey_map.add_instance(started_at=noon(12))
    PendingRecompute.objects.all().delete()

    ingest.interaction_create(
        instance=instance,
        data={"external_id": "late", "touchpoint_key": "call", "occurred_at": noon(12) + dt.timedelta(hours=1)},
    )
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=12)

    older = ingest.instance_create(
        journey=journey,
        data={
            "external_id": "older",
            "customer_ref": "c-older",
            "started_at": noon(20),
            "ended_at": noon(20) + dt.timedelta(hours=1),
            "outcome": "completed",
        },
    )
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=20)

    ingest.instance_delete(instance=older)  # day -20 was already pending: the row keeps the earliest day
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=20)


def test_many_writes_to_one_journey_leave_one_pending_recompute_and_ask_for_one_job():
    journey_map = build_map(min_sample=1)
    journey = journey_map.journey
    asked = []

    for days_ago in (5, 30, 10, 45, 1):
        changed = recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=days_ago)})
        asked.extend(changed)

    assert asked == [journey.pk]  # only the first write created the row
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=45)


def test_one_job_run_covers_every_coalesced_write_and_a_duplicate_message_does_nothing():
    journey_map = build_map(min_sample=1)
    journey = journey_map.journey
    for days_ago in (3, 7, 5):
        journey_map.add_instance(started_at=noon(days_ago))
        recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=days_ago)})

    first = recompute_pending_health.apply(args=[journey.pk]).get()
    second = recompute_pending_health.apply(args=[journey.pk]).get()

    assert first["days"] == 8  # days -7 .. 0
    assert second is None
    assert sorted(trend(journey)) == [today() - dt.timedelta(days=n) for n in range(7, -1, -1)]


def test_a_write_during_the_run_keeps_the_row_and_asks_for_one_more_job():
    journey = build_map(min_sample=1).journey
    recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=9)})

    claimed = recompute.pending_recompute_claim(journey_id=journey.pk)
    # a second message while the first job runs finds the days taken
    assert recompute.pending_recompute_claim(journey_id=journey.pk) is None
    during = [
        recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=days_ago)})
        for days_ago in (2, 4)
    ]
    again = recompute.pending_recompute_finish(journey_id=journey.pk)

    assert claimed == today() - dt.timedelta(days=9)
    assert during == [[], []]  # the running job sends the one message they need
    assert again is True
    row = PendingRecompute.objects.get(journey=journey)
    assert (row.first_day, row.running_since, row.claimed_first_day) == (today() - dt.timedelta(days=4), None, None)
    assert recompute.pending_recompute_claim(journey_id=journey.pk) == today() - dt.timedelta(days=4)


def test_the_range_goes_back_at_most_180_days():
    journey_map = build_map(min_sample=1)
    journey = journey_map.journey
    instance = journey_map.add_instance(started_at=noon(400))
    ingest.instance_update(instance=instance, data={"satisfaction": 1})
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=400)

    result = recompute_pending_health.apply(args=[journey.pk]).get()

    days = sorted(trend(journey))
    assert result["first_day"] == (today() - dt.timedelta(days=180)).isoformat()
    assert result["days"] == 181
    assert days[0] == today() - dt.timedelta(days=recompute.MAX_DAYS_BACK)
    assert days[-1] == today()
    assert len(days) == 181


def test_data_that_starts_in_the_future_recomputes_today_only():
    journey = build_map(min_sample=1).journey
    recompute.pending_recompute_mark(first_days={journey.pk: today() + dt.timedelta(days=3)})

    result = recompute_pending_health.apply(args=[journey.pk]).get()

    assert (result["first_day"], result["days"]) == (today().isoformat(), 1)
    assert list(trend(journey)) == [today()]


def test_a_job_that_fails_gives_its_days_back_and_its_retry_takes_them(monkeypatch):
    journey = build_map(min_sample=1).journey
    recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=6)})
    first_claim = recompute.pending_recompute_claim(journey_id=journey.pk)
    recompute.pending_recompute_mark(first_days={journey.pk: today() - dt.timedelta(days=2)})

    recompute.pending_recompute_release(journey_id=journey.pk)

    row = PendingRecompute.objects.get(journey=journey)
    assert first_claim == today() - dt.timedelta(days=6)
    assert (row.first_day, row.running_since) == (today() - dt.timedelta(days=6), None)
    assert recompute_pending_health.apply(args=[journey.pk]).get()["days"] == 7


def test_a_claim_left_by_a_dead_job_is_taken_again_after_it_expires():
    journey = build_map(min_sample=1).journey
    factories.PendingRecomputeFactory(
        journey=journey,
        first_day=today() - dt.timedelta(days=1),
        claimed_first_day=today() - dt.timedelta(days=8),
        running_since=timezone.now() - recompute.CLAIM_EXPIRES - dt.timedelta(minutes=1),
    )

    assert recompute.pending_recompute_claim(journey_id=journey.pk) == today() - dt.timedelta(days=8)


def test_the_stale_sweep_resends_lost_messages_and_marks_stale_journeys_without_a_pending_recompute():
    now = timezone.now()
    lost = factories.PendingRecomputeFactory(enqueued_at=now - recompute.MESSAGE_RESEND_AFTER - dt.timedelta(minutes=1))
    queued = factories.PendingRecomputeFactory(enqueued_at=now - dt.timedelta(minutes=1))
    never_sent = factories.PendingRecomputeFactory(enqueued_at=None)  # the broker was down after the write
    dead = factories.PendingRecomputeFactory(
        first_day=None,
        claimed_first_day=today(),
        running_since=now - recompute.CLAIM_EXPIRES - dt.timedelta(minutes=1),
        enqueued_at=now - recompute.CLAIM_EXPIRES - dt.timedelta(minutes=2),
    )
    running = factories.PendingRecomputeFactory(first_day=None, claimed_first_day=today(), running_since=now)
    never_computed = factories.JourneyFactory()

    sent = recompute_stale_health.apply().get()

    assert sent == sorted([lost.journey_id, never_sent.journey_id, dead.journey_id, never_computed.pk])
    assert not PendingRecompute.objects.filter(enqueued_at__isnull=True).exists()
    assert PendingRecompute.objects.get(journey=never_computed).first_day == today()
    # a resent message is not resent by the next sweep
    assert recompute_stale_health.apply().get() == []
    assert queued.journey_id not in sent
    assert running.journey_id not in sent


def test_marking_costs_one_query_whatever_the_number_of_journeys(django_assert_num_queries):
    journeys = [factories.JourneyFactory() for _ in range(6)]
    factories.PendingRecomputeFactory(journey=journeys[0])

    with django_assert_num_queries(1):
        created = recompute.pending_recompute_mark(first_days={journey.pk: today() for journey in journeys})

    assert created == [journey.pk for journey in journeys[1:]]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The SQLite test database is in memory and shared-cache: threads with their own connections get "
    "'table is locked' instead of waiting. Coalescing one writer after another is tested on every database.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_journey_leave_one_pending_recompute_and_one_queued_message():
    # given eight integrations sending batches for the same journey at the same moment
    journey = build_map(min_sample=1).journey
    purge_broker()
    writers, calls = 8, 5
    barrier = threading.Barrier(writers)
    failures = []

    def write(writer: int) -> None:
        try:
            barrier.wait()
            for call in range(calls):
                days_ago = 3 + (writer * calls + call) % 37
                started = noon(days_ago)
                batch = [
                    {
                        "external_id": f"w{writer}-{call}",
                        "customer_ref": f"c-w{writer}-{call}",
                        "started_at": iso(started),
                        "outcome": "in_progress",
                    }
                ]
                ingest.instance_batch_ingest(journey_slug=journey.slug, instances=batch)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then every batch is stored, one recompute is pending from the earliest day, and one message waits
    assert failures == []
    assert JourneyInstance.objects.filter(journey=journey).count() == writers * calls
    assert PendingRecompute.objects.get(journey=journey).first_day == today() - dt.timedelta(days=39)
    assert queued_messages() == 1
    purge_broker()


def test_a_write_stamps_the_message_as_sent_only_once_the_broker_took_it(django_capture_on_commit_callbacks):
    journey_map = build_map(min_sample=1)
    instance = journey_map.add_instance(started_at=noon(4))
    purge_broker()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest.instance_update(instance=instance, data={"satisfaction": 2})
    row = PendingRecompute.objects.get(journey=journey_map.journey)
    assert row.enqueued_at is None  # committed, not yet sent

    for callback in callbacks:  # the commit: the signal, then the send it asks for
        with django_capture_on_commit_callbacks(execute=True):
            callback()

    row.refresh_from_db()
    assert row.enqueued_at is not None
    assert queued_messages() == 1
    purge_broker()
