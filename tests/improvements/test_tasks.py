import datetime as dt
import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from improvements import services
from improvements.impact import Direction, impact_of
from improvements.models import Initiative
from improvements.tasks import measure_initiatives
from tests import factories
from tests.celery_worker import running_worker

from .helpers import snapshot

pytestmark = pytest.mark.django_db

DELIVERED = dt.date(2026, 10, 1)
DUE = DELIVERED + dt.timedelta(days=30)  # 31 Oct 2026


def _delivered(journey, component="repeat_rate", baseline=0.30):
    return factories.InitiativeFactory(
        journey=journey,
        status="delivered",
        target_component=component,
        baseline_value=baseline,
        delivered_on=DELIVERED,
        measurement_days=30,
    )


def test_an_initiative_is_not_measured_before_its_window_has_passed(journey, freeze_today):
    initiative = _delivered(journey)
    snapshot(journey, DUE - dt.timedelta(days=1), repeat_rate=0.20)
    freeze_today(DUE - dt.timedelta(days=1))

    assert measure_initiatives() == {"measured": []}

    initiative.refresh_from_db()
    assert (initiative.status, initiative.result_value) == ("delivered", None)


def test_an_initiative_is_measured_from_the_latest_overall_snapshot_once_the_window_has_passed(journey, freeze_today):
    initiative = _delivered(journey)
    snapshot(journey, DUE - dt.timedelta(days=5), repeat_rate=0.26)
    snapshot(journey, DUE, repeat_rate=0.21)
    snapshot(journey, DUE, repeat_rate=0.05, segment="business")
    freeze_today(DUE)

    assert measure_initiatives() == {"measured": [initiative.pk]}

    initiative.refresh_from_db()
    assert initiative.status == "measured"
    assert initiative.result_value == pytest.approx(0.21)
    assert initiative.version == 2
    impact = impact_of(initiative.target_component, initiative.baseline_value, initiative.result_value)
    assert impact.delta == pytest.approx(-0.09)
    assert impact.direction == Direction.IMPROVEMENT  # a lower repeat rate is better


def test_a_drop_in_a_higher_is_better_component_is_measured_as_a_deterioration(journey, freeze_today):
    initiative = _delivered(journey, component="completion_rate", baseline=0.80)
    snapshot(journey, DUE + dt.timedelta(days=2), completion_rate=0.74)
    freeze_today(DUE + dt.timedelta(days=2))

    measure_initiatives()

    initiative.refresh_from_db()
    impact = impact_of(initiative.target_component, initiative.baseline_value, initiative.result_value)
    assert impact.direction == Direction.DETERIORATION


def test_an_initiative_waits_when_no_snapshot_covers_the_end_of_its_window(journey, freeze_today):
    initiative = _delivered(journey)
    snapshot(journey, DUE - dt.timedelta(days=3), repeat_rate=0.20)  # the health job has not run since
    freeze_today(DUE + dt.timedelta(days=4))

    assert measure_initiatives() == {"measured": []}

    initiative.refresh_from_db()
    assert initiative.status == "delivered"


def test_measuring_twice_changes_nothing_the_second_time(journey, freeze_today):
    initiative = _delivered(journey)
    snapshot(journey, DUE, repeat_rate=0.21)
    freeze_today(DUE)
    measure_initiatives()
    snapshot(journey, DUE + dt.timedelta(days=1), repeat_rate=0.50)
    freeze_today(DUE + dt.timedelta(days=1))

    assert measure_initiatives() == {"measured": []}
    assert services.initiative_measure(initiative_id=initiative.pk) is False

    initiative.refresh_from_db()
    assert (initiative.result_value, initiative.version) == (pytest.approx(0.21), 2)


def test_the_daily_schedule_is_registered_once_even_if_the_migration_runs_again():
    migration = importlib.import_module("improvements.migrations.0002_measure_initiatives_schedule")

    migration.schedule(apps, None)

    tasks = PeriodicTask.objects.filter(task="improvements.tasks.measure_initiatives")
    assert tasks.count() == 1
    task = tasks.get()
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("4", "30")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_measures_due_initiatives(freeze_today):
    journey = factories.JourneyFactory()
    initiative = _delivered(journey)
    snapshot(journey, DUE, repeat_rate=0.22)
    freeze_today(DUE)

    with running_worker():
        outcome = measure_initiatives.delay().get(timeout=30)

    assert outcome == {"measured": [initiative.pk]}
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.status == "measured"
    assert initiative.result_value == pytest.approx(0.22)
