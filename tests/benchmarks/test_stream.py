"""The batches of the stream and ingest benchmarks: accepted whole by the ingest, and counted by the
health figure the stream's lag waits for (today's overall sample size grows by the batch's size)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from benchmarks.stream_bench import INTERACTIONS_PER_INSTANCE, ingest_batch, today_sample_size
from journeys.services.health import journey_health_compute
from journeys.services.ingest import instance_batch_ingest
from tests import factories

KEYS = ["welcome-call", "app-setup", "technician-visit"]


@pytest.fixture
def journey(db):
    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    stage = factories.StageFactory(journey=journey, name="Welcome", position=1)
    for key in KEYS:
        factories.TouchpointFactory(stage=stage, key=key, name=key.title())
    return journey


def _sample_size(journey, today):
    with connection.cursor() as cursor:
        return today_sample_size(cursor, journey.pk, today)


def test_a_stream_batch_is_written_whole_and_moves_todays_sample_size_by_its_size(journey):
    today = timezone.localdate()
    # Noon today: the batch starts ten minutes earlier, the same local day whatever the clock says.
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    journey_health_compute(journey=journey)
    before = _sample_size(journey, today)

    batch = ingest_batch(slug="onboarding", touchpoints=KEYS, prefix="STRw0-1", size=7, now=noon)
    counts = instance_batch_ingest(journey_slug=batch["journey"], instances=batch["instances"])

    assert (counts.instances_created, counts.interactions_created) == (7, 7 * INTERACTIONS_PER_INSTANCE)
    assert counts.created // (1 + INTERACTIONS_PER_INSTANCE) == 7  # how the benchmark counts instances
    assert _sample_size(journey, today) == before  # not reflected until the recompute
    journey_health_compute(journey=journey)
    assert _sample_size(journey, today) == before + 7


def test_the_same_batch_sent_again_creates_nothing(journey):
    noon = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    batch = ingest_batch(slug="onboarding", touchpoints=KEYS, prefix="STRw0-2", size=3, now=noon)
    instance_batch_ingest(journey_slug=batch["journey"], instances=batch["instances"])
    again = instance_batch_ingest(journey_slug=batch["journey"], instances=batch["instances"])
    assert (again.created, again.updated) == (0, 0)
