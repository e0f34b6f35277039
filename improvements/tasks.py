"""Celery tasks of the improvements app: thin adapters that call one service."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    name="improvements.tasks.measure_initiatives",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def measure_initiatives() -> dict:
    """Daily: record the result of delivered initiatives whose measurement window has passed.

    Safe to run twice: each initiative is measured under a row lock and only while still delivered.
    """
    measured = services.initiatives_measure_due()
    return {"measured": measured}
