"""Receivers of the journeys app's signals and of the owners app's own."""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue
from journeys.signals import health_recomputed

from .services import owner_alerts_notify
from .signals import incentive_measurements_changed
from .tasks import compute_incentive_evidence

logger = logging.getLogger(__name__)


@receiver(health_recomputed, dispatch_uid="owners.notify_owner_of_new_alerts")
def notify_owner_of_new_alerts(sender, *, journey, snapshot, new_alerts, **kwargs):
    """E-mail the journey's owner about each alert that is new in this recompute."""
    owner_alerts_notify(journey=journey, as_of=snapshot.as_of, new_alerts=list(new_alerts or []))


def _enqueue_evidence(incentive_id: int) -> None:
    # The measurements have committed; with the broker down the daily job catches up.
    if not enqueue(compute_incentive_evidence, args=[incentive_id]):
        logger.warning("Evidence of incentive %s waits for the daily job: the broker is unreachable.", incentive_id)


@receiver(incentive_measurements_changed, dispatch_uid="owners.enqueue_incentive_evidence")
def enqueue_incentive_evidence(sender, *, incentive_ids, **kwargs):
    """One evidence job per incentive whose measurements changed, once they have committed."""
    for incentive_id in sorted(set(incentive_ids)):
        transaction.on_commit(partial(_enqueue_evidence, incentive_id))
