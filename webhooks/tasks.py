"""Celery tasks of the webhooks app: one delivery attempt per run, retried with a doubling delay."""

from celery import shared_task
from django.db import DatabaseError

from . import selectors, services
from .choices import DeliveryStatus


@shared_task(
    bind=True,
    name="webhooks.tasks.deliver_webhook",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    # Bounded by the service too: it gives a delivery up after WEBHOOKS_MAX_ATTEMPTS attempts.
    max_retries=20,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self, delivery_id: int) -> str:
    """Send one delivery; safe to run twice (a finished delivery is left alone).

    A failed attempt is retried after ``services.retry_delay(attempts)`` seconds (the settings decide,
    so the delay is computed here rather than declared as ``retry_backoff``).
    """
    status = services.delivery_attempt(delivery_id=delivery_id)
    if status == DeliveryStatus.RETRYING:
        attempts = selectors.attempts_of(delivery_id)
        raise self.retry(countdown=services.retry_delay(attempts))
    return status
