"""Celery tasks of the notifications app: thin adapters that call one service, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import services
from .choices import DeliveryStatus


@shared_task(
    name="notifications.tasks.deliver",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=None,  # the delivery's own attempts (NOTIFICATIONS_MAX_ATTEMPTS) bound the retries
    soft_time_limit=60,
    time_limit=90,
)
def deliver(self, delivery_id: int) -> str | None:
    """Send one delivery; a failed attempt retries later with exponential backoff until the attempts run out."""
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return None
    if delivery.status == DeliveryStatus.RETRYING and delivery.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
        raise self.retry(countdown=services.retry_delay(delivery.attempts))
    return delivery.status


@shared_task(name="notifications.tasks.send_digests", acks_late=True, soft_time_limit=600, time_limit=660)
def send_digests() -> int:
    """Daily: one e-mail per person with the notifications waiting for their digest."""
    return services.digests_send()


@shared_task(name="notifications.tasks.notify_overdue_issues", acks_late=True, soft_time_limit=300, time_limit=330)
def notify_overdue_issues() -> int:
    """Daily, before the digest: the owners and assignee of each issue past its due date hear of it once."""
    return services.overdue_issues_notify()


@shared_task(name="notifications.tasks.requeue_deliveries", acks_late=True, soft_time_limit=300, time_limit=330)
def requeue_deliveries() -> int:
    """Every few minutes: deliveries whose task was lost (broker down, worker killed) are sent again."""
    return services.deliveries_requeue()
