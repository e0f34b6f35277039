"""Celery tasks of the owners app: thin adapters that load rows and call one service."""

import logging

from celery import shared_task
from django.db import DatabaseError

from . import services
from .models import Incentive

logger = logging.getLogger(__name__)

EVIDENCE_RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(name="owners.tasks.compute_incentive_evidence", soft_time_limit=120, time_limit=150, **EVIDENCE_RETRY)
def compute_incentive_evidence(incentive_id: int) -> dict | None:
    """Recompute one incentive's evidence for every journey it touches; safe to run twice (an upsert)."""
    incentive = Incentive.objects.filter(pk=incentive_id).first()
    if incentive is None:
        logger.info("Incentive %s no longer exists; no evidence to compute.", incentive_id)
        return None
    rows = services.incentive_evidence_compute(incentive=incentive)
    return {"incentive": incentive_id, "journeys": len(rows), "signals": {row.journey_id: row.signal for row in rows}}


@shared_task(name="owners.tasks.compute_all_incentive_evidence", soft_time_limit=900, time_limit=960, **EVIDENCE_RETRY)
def compute_all_incentive_evidence() -> int:
    """Daily: every active incentive's evidence (new period ends get their snapshots)."""
    return services.incentive_evidence_compute_all()


@shared_task(
    bind=True,
    name="owners.tasks.run_measurement_import",
    soft_time_limit=300,
    time_limit=360,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def run_measurement_import(self, import_id: int) -> str:
    """Check and load one uploaded CSV of measurements; safe to run twice (a finished import is left alone).

    A database error (a lost connection, a lock, two files racing for the same new period) rolls the
    whole load back, so the task starts again from the file; after the last retry the import fails.
    """
    try:
        return services.measurement_import_run(import_id=import_id).status
    except DatabaseError:
        if self.request.retries >= self.max_retries:
            services.measurement_import_give_up(import_id=import_id)
        raise
