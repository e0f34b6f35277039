"""Helpers shared by the improvement loop's tests."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from improvements import measurement
from journeys.models import JourneyInstance
from tests import factories

ROLES = ("anonymous", "viewer", "team", "owner", "manager", "admin")
# Who may do what on the `journey` fixture (design section 9).
CONTRIBUTORS = {"team", "owner", "manager", "admin"}
STEERERS = {"owner", "manager", "admin"}


def snapshot(journey, as_of, **values):
    """A health snapshot of the journey as of a day (overall unless a segment is given)."""
    values.setdefault("score", 60)
    values.setdefault("segment", "")
    return factories.HealthSnapshotFactory(journey=journey, as_of=as_of, **values)


def ratings(counts: dict[int, int]) -> list[int]:
    """A list of satisfaction ratings with the given number of each, shuffled (seeded)."""
    values = [rating for rating, count in counts.items() for _ in range(count)]
    random.Random(len(values)).shuffle(values)
    return values


def add_instances(journey, period, satisfactions, *, segment="", outcome="completed"):
    """Instances started across the period's local days, one per rating (None = not rated)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    days = (period.last_day - period.first_day).days + 1
    base = JourneyInstance.objects.count()
    rows = []
    for index, satisfaction in enumerate(satisfactions):
        day = period.first_day + dt.timedelta(days=index % days)
        started = dt.datetime.combine(day, dt.time(9, index % 60), tzinfo=zone)
        rows.append(
            JourneyInstance(
                journey=journey,
                external_id=f"i-{base + index}",
                customer_ref=f"c-{base + index}",
                segment=segment,
                started_at=started,
                ended_at=started + dt.timedelta(days=1),
                outcome=outcome,
                satisfaction=satisfaction,
            )
        )
    return JourneyInstance.objects.bulk_create(rows)


def periods(initiative):
    """The before and after periods of an initiative (start date, else delivery, as the service reads them)."""
    return measurement.periods_of(
        start_date=initiative.start_date or initiative.delivered_on,
        delivered_on=initiative.delivered_on,
        days=initiative.measurement_days,
    )
