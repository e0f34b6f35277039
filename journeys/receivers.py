"""Receivers of the journeys app's own signals: new data -> a health recompute after commit."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from .signals import journey_data_changed
from .tasks import recompute_journey_health


@receiver(journey_data_changed, dispatch_uid="journeys.enqueue_health_recompute")
def enqueue_health_recompute(sender, journey_ids, **kwargs):
    """One recompute per journey whose data changed, enqueued only once the data has committed."""
    for journey_id in sorted(set(journey_ids)):
        transaction.on_commit(partial(recompute_journey_health.delay, journey_id))
