"""Reads of the webhooks app: the subscriptions page and the delivery log."""

from django.db.models import Count, Max, Q, QuerySet

from core import events

from .choices import DeliveryStatus
from .models import Delivery, Subscription


def subscription_list() -> QuerySet[Subscription]:
    """Every subscription with its creator and its delivery counts, in one query."""
    return Subscription.objects.select_related("created_by").annotate(
        delivered_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        last_delivery_at=Max("deliveries__created_at"),
    )


def delivery_list(*, subscription: Subscription | None = None) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("event", "subscription")
    if subscription is not None:
        deliveries = deliveries.filter(subscription=subscription)
    return deliveries


def attempts_of(delivery_id: int) -> int:
    return Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 0


def event_type_choices() -> list[tuple[str, str]]:
    return [(event_type.name, f"{event_type.label} ({event_type.name})") for event_type in events.event_types()]


def event_type_labels(names: list[str]) -> list[str]:
    labels = []
    for name in names:
        event_type = events.event_type(name)
        labels.append(event_type.label if event_type else name)
    return labels
