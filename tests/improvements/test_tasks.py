import datetime as dt
import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from improvements import services
from improvements.models import Initiative, InitiativeImpact
from improvements.tasks import measure_initiatives
from tests import factories
from tests.celery_worker import running_worker

from .helpers import add_instances, periods, ratings

pytestmark = pytest.mark.django_db

DELIVERED = dt.date(2026, 10, 1)
START = dt.date(2026, 9, 1)
# The after period runs 2 Oct .. 31 Oct 2026: the initiative is due on the day after.
DUE = DELIVERED + dt.timedelta(days=31)  # 1 Nov 2026


def _delivered(journey, component="journey_csat"):
    initiative = factories.InitiativeFactory(
        journey=journey,
        status="delivered",
        target_component=component,
        baseline_value=3.0,
        start_date=START,
        delivered_on=DELIVERED,
        measurement_days=30,
        expected_gain=0.5,
    )
    before, after = periods(initiative)
    add_instances(journey, before, ratings({1: 30, 2: 60, 3: 120, 4: 60, 5: 30}))  # 3.0
    add_instances(journey, after, ratings({1: 15, 2: 30, 3: 100, 4: 100, 5: 55}))  # 3.5
    return initiative


def test_an_initiative_is_not_measured_before_its_after_period_has_ended(journey, freeze_today):
    initiative = _delivered(journey)
    freeze_today(DUE - dt.timedelta(days=1))  # the last day of the after period is not over

    assert measure_initiatives() == {"measured": []}

    initiative.refresh_from_db()
    assert (initiative.status, initiative.result_value) == ("delivered", None)
    assert not InitiativeImpact.objects.exists()


def test_an_initiative_is_measured_from_its_periods_once_the_after_period_has_ended(journey, freeze_today):
    initiative = _delivered(journey)
    freeze_today(DUE)

    assert measure_initiatives() == {"measured": [initiative.pk]}

    initiative.refresh_from_db()
    assert initiative.status == "measured"
    assert initiative.result_value == pytest.approx(3.5)
    assert initiative.version == 2
    impact = initiative.impact
    assert (impact.before, impact.after, impact.effect) == (pytest.approx(3.0), pytest.approx(3.5), pytest.approx(0.5))
    assert (impact.before_n, impact.after_n) == (300, 300)
    assert impact.ci_low < 0.5 < impact.ci_high
    assert impact.verdict == "improved"
    assert (impact.before_first_day, impact.before_last_day) == (dt.date(2026, 8, 2), dt.date(2026, 8, 31))
    assert (impact.after_first_day, impact.after_last_day) == (dt.date(2026, 10, 2), dt.date(2026, 10, 31))
    assert initiative.mde is not None
    assert initiative.underpowered is False


def test_a_drop_in_a_higher_is_better_component_is_measured_as_worsened(journey, freeze_today):
    initiative = factories.InitiativeFactory(
        journey=journey,
        status="delivered",
        target_component="completion_rate",
        start_date=START,
        delivered_on=DELIVERED,
        measurement_days=30,
        expected_gain=0.1,
    )
    before, after = periods(initiative)
    add_instances(journey, before, [4] * 60)
    add_instances(journey, before, [4] * 40, outcome="abandoned")  # 60% completed
    add_instances(journey, after, [4] * 40)
    add_instances(journey, after, [4] * 60, outcome="abandoned")  # 40% completed
    freeze_today(DUE)

    measure_initiatives()

    initiative.refresh_from_db()
    assert initiative.impact.effect == pytest.approx(-0.2)
    assert initiative.impact.verdict == "worsened"


def test_an_initiative_without_data_in_a_period_waits(journey, freeze_today):
    initiative = factories.InitiativeFactory(
        journey=journey, status="delivered", start_date=START, delivered_on=DELIVERED, measurement_days=30
    )
    add_instances(journey, periods(initiative)[0], [4, 5, 3])  # nothing after delivery
    freeze_today(DUE + dt.timedelta(days=4))

    assert measure_initiatives() == {"measured": []}

    initiative.refresh_from_db()
    assert initiative.status == "delivered"
    assert not InitiativeImpact.objects.exists()


def test_measuring_twice_changes_nothing_the_second_time(journey, freeze_today):
    initiative = _delivered(journey)
    freeze_today(DUE)
    measure_initiatives()
    first = InitiativeImpact.objects.get()
    add_instances(journey, periods(initiative)[1], [1] * 200)  # late data for the after period
    freeze_today(DUE + dt.timedelta(days=1))

    assert measure_initiatives() == {"measured": []}
    assert services.initiative_measure(initiative_id=initiative.pk) is False

    initiative.refresh_from_db()
    assert (initiative.result_value, initiative.version) == (pytest.approx(3.5), 2)
    assert InitiativeImpact.objects.get().effect == first.effect


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
    freeze_today(DUE)

    with running_worker():
        outcome = measure_initiatives.delay().get(timeout=60)

    assert outcome == {"measured": [initiative.pk]}
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.status == "measured"
    assert initiative.impact.verdict == "improved"
    assert initiative.impact.effect == pytest.approx(0.5)
