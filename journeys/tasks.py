"""Celery tasks of the journeys app: thin adapters that load rows and call one service."""

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from .models import Journey
from .selectors.health import stale_journeys
from .services.health import journey_health_recompute
from .services.imports import TRANSIENT_DATABASE_ERRORS, import_give_up, import_run
from .services.recompute import (
    local_day,
    pending_recompute_mark,
    pending_recompute_run,
    pending_recompute_sent,
    pending_recomputes_to_resend,
)
from .services.retention import retention_remove

logger = logging.getLogger(__name__)

# Database hiccups (a restarted server, a lock timeout) are worth retrying; anything else is a bug.
HEALTH_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_DATABASE_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=3 * 60 * 60,
    time_limit=3 * 60 * 60 + 120,
)
def run_import(self, import_id: int) -> str:
    """Check and load one uploaded CSV file; safe to run twice (a finished import is left alone)."""
    try:
        return import_run(import_id=import_id).status
    except TRANSIENT_DATABASE_ERRORS:
        if self.request.retries >= self.max_retries:
            import_give_up(import_id=import_id)
        raise


@shared_task(name="journeys.tasks.recompute_journey_health", soft_time_limit=240, time_limit=300, **HEALTH_RETRY)
def recompute_journey_health(journey_id: int, as_of: str | None = None) -> dict | None:
    """Recompute and store one journey's health as of a day (ISO date, default today); idempotent."""
    journey = Journey.objects.filter(pk=journey_id).first()
    if journey is None:
        logger.info("Journey %s no longer exists; nothing to recompute.", journey_id)
        return None
    result = journey_health_recompute(journey=journey, as_of=dt.date.fromisoformat(as_of) if as_of else None)
    snapshot = result.snapshot
    return {
        "journey": journey.slug,
        "as_of": snapshot.as_of.isoformat(),
        "score": str(snapshot.score) if snapshot.score is not None else None,
        "status": snapshot.status,
        "new_alerts": result.new_alerts,
    }


# A range of up to 181 days of one journey: the demo's biggest journey takes about 10 s, the benchmark's 20,000
# instances a minute; the limits leave room for a loaded machine. CLAIM_EXPIRES (20 min) is longer.
@shared_task(name="journeys.tasks.recompute_pending_health", soft_time_limit=900, time_limit=960, **HEALTH_RETRY)
def recompute_pending_health(journey_id: int) -> dict | None:
    """Recompute every day the journey's new data made stale (one job for any number of writes); idempotent.

    A duplicate message, or one for a journey whose days another job holds, finds nothing to claim.
    """
    run = pending_recompute_run(journey_id=journey_id)
    if run is None:
        return None
    if run.again:
        # Writes arrived during the run: their days are pending, and this is their one message.
        recompute_pending_health.delay(journey_id)
        pending_recompute_sent(journey_id=journey_id)
    return {
        "journey_id": journey_id,
        "first_day": run.first_day.isoformat(),
        "last_day": run.last_day.isoformat(),
        "days": run.days,
        "again": run.again,
    }


@shared_task(name="journeys.tasks.recompute_stale_health", soft_time_limit=60, time_limit=90, **HEALTH_RETRY)
def recompute_stale_health() -> list[int]:
    """Queue the recompute of every active journey whose data changed since its latest snapshot.

    Journeys with a pending recompute are left to it unless its message seems lost (a broker that was
    down, a worker that died mid-run): those get their message again. Others become pending from today.
    """
    resend = pending_recomputes_to_resend()
    stale = list(stale_journeys().filter(pending_recompute__isnull=True).values_list("pk", flat=True))
    with transaction.atomic():
        created = pending_recompute_mark(first_days=dict.fromkeys(stale, local_day(None)))
    journey_ids = sorted({*resend, *created})
    for journey_id in journey_ids:
        recompute_pending_health.delay(journey_id)
        pending_recompute_sent(journey_id=journey_id)
    return journey_ids


@shared_task(name="journeys.tasks.recompute_all_health", soft_time_limit=60, time_limit=90, **HEALTH_RETRY)
def recompute_all_health() -> list[int]:
    """Enqueue a recompute for every active journey: the window slides every day even without new data."""
    journey_ids = list(Journey.objects.active().order_by("pk").values_list("pk", flat=True))
    for journey_id in journey_ids:
        recompute_journey_health.delay(journey_id)
    return journey_ids


# A first run on years of data removes millions of rows in batches; a run stopped by the limit has
# committed whole batches and the next night goes on from there.
@shared_task(
    name="journeys.tasks.remove_expired_data", soft_time_limit=6 * 60 * 60, time_limit=6 * 60 * 60 + 120, **HEALTH_RETRY
)
def remove_expired_data() -> dict:
    """Remove instances and interactions older than RETENTION_DAYS (off at 0), in batches; idempotent."""
    run = retention_remove()
    return {
        "journeys": run.journeys,
        "instances": run.instances,
        "interactions": run.interactions,
        "batches": run.batches,
        "seconds": run.seconds,
    }
