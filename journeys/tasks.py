"""Celery tasks of the journeys app: thin adapters that load rows and call one service.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------

from celery import shared_task  # noqa: E402
from django.db import DatabaseError  # noqa: E402


@shared_task(
    bind=True,
    name="journeys.run_import",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=3 * 60 * 60,
    time_limit=3 * 60 * 60 + 120,
)
def run_import(self, import_id: int) -> str:
    """Check and load one uploaded CSV file; safe to run twice (a finished import is left alone)."""
    from .ingest import import_give_up, import_run

    try:
        return import_run(import_id=import_id).status
    except DatabaseError:
        if self.request.retries >= self.max_retries:
            import_give_up(import_id=import_id)
        raise


# --- health --------------------------------------------------------------------------------------
