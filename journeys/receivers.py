"""Receivers of the journeys app's own signals: new data -> one pending health recompute per journey."""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue

from .services.recompute import pending_recompute_sent
from .signals import journey_data_changed
from .tasks import recompute_pending_health

logger = logging.getLogger(__name__)


def _enqueue_recompute(journey_id: int) -> None:
    # The data and the journey's pending recompute have committed: if the broker is down, the stale
    # sweep (recompute_stale_health) sends the message once it is back. The client that sent the
    # data must not be told it failed.
    if not enqueue(recompute_pending_health, args=[journey_id]):
        logger.warning("Journey %s stays stale until the broker is back; the stale sweep will catch up.", journey_id)
        return
    pending_recompute_sent(journey_id=journey_id)


@receiver(journey_data_changed, dispatch_uid="journeys.enqueue_health_recompute")
def enqueue_health_recompute(sender, journey_ids, pending_recompute_ids=(), **kwargs):
    """One job message per journey whose pending recompute is new, sent only once the data has committed.

    Writes to a journey whose recompute is already pending only moved its first stale day: the
    queued (or running) job covers them, so they send nothing.
    """
    for journey_id in sorted(set(pending_recompute_ids)):
        transaction.on_commit(partial(_enqueue_recompute, journey_id))
