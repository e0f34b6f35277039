"""Receivers of the journeys app's own signals: new data -> a health recompute after commit."""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue

from .signals import journey_data_changed
from .tasks import recompute_journey_health

logger = logging.getLogger(__name__)


def _enqueue_recompute(journey_id: int) -> None:
    # The data has committed and stamped the journey's data_changed_at: if the broker is down, the
    # stale sweep (recompute_stale_health) picks the journey up once it is back. The client that
    # sent the data must not be told it failed.
    if not enqueue(recompute_journey_health, args=[journey_id]):
        logger.warning("Journey %s stays stale until the broker is back; the stale sweep will catch up.", journey_id)


@receiver(journey_data_changed, dispatch_uid="journeys.enqueue_health_recompute")
def enqueue_health_recompute(sender, journey_ids, **kwargs):
    """One recompute per journey whose data changed, enqueued only once the data has committed."""
    for journey_id in sorted(set(journey_ids)):
        transaction.on_commit(partial(_enqueue_recompute, journey_id))
