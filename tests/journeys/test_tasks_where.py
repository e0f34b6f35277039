"""A real Celery worker's recompute stores section 13's figures with the snapshot, key drivers included."""

import pytest
from django.utils import timezone

from journeys.models import HandoffHealth, HealthSnapshot, KeyDrivers, PathSummary, TouchpointHealth
from journeys.services.ingest import journey_data_changed_mark
from tests.celery_worker import running_worker, wait_for
from tests.journeys.conftest import recent_map


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_workers_recompute_stores_touchpoints_hand_offs_paths_and_drivers_of_today():
    # given two customers who each called (rated 5) then had a visit (rated 4), yesterday and the day before
    journey = recent_map().journey

    with running_worker():
        journey_data_changed_mark(since={journey.pk: None})  # as a write of today's data does
        assert wait_for(lambda: KeyDrivers.objects.filter(snapshot__journey=journey).exists())

    snapshot = HealthSnapshot.objects.get(journey=journey, segment="", as_of=timezone.localdate())
    rows = TouchpointHealth.objects.filter(snapshot=snapshot).select_related("touchpoint")
    by_key = {row.touchpoint.key: (row.instances, row.csat) for row in rows}
    assert by_key == {"call": (2, 5.0), "visit": (2, 4.0)}
    handoff = HandoffHealth.objects.get(snapshot=snapshot)
    assert (handoff.from_channel, handoff.to_channel, handoff.count, handoff.satisfaction_change) == (
        "phone",
        "field",
        2,
        -1.0,
    )
    assert PathSummary.objects.get(snapshot=snapshot).top_paths[0]["instances"] == 2
    drivers = KeyDrivers.objects.get(snapshot=snapshot)
    assert (drivers.rated_instances, drivers.complete_cases, drivers.r_squared) == (2, 2, None)
