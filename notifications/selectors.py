"""Reads of the notifications app."""

from django.db.models import Count, Max, Q

from owners.models import Person

from .choices import DeliveryStatus, EmailChoice, Event
from .models import ChatWebhook, Delivery, Notification, NotificationPreference
from .services import DEFAULT_EMAIL, DEFAULT_IN_APP


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, in_app=True, read_at__isnull=True).count()


def notifications_of(person: Person):
    return Notification.objects.filter(recipient=person, in_app=True).select_related("journey")


def preferences_of(person: Person) -> list[dict]:
    """One row per event with the person's choice or the default."""
    stored = {row.event: row for row in NotificationPreference.objects.filter(person=person)}
    rows = []
    for event in Event:
        row = stored.get(event.value)
        rows.append(
            {
                "event": event.value,
                "label": event.label,
                "in_app": row.in_app if row else DEFAULT_IN_APP,
                "email": row.email if row else DEFAULT_EMAIL,
            }
        )
    return rows


EMAIL_CHOICES = EmailChoice.choices


def chat_webhooks_of(journey) -> list:
    """A journey's chat channels, each with its delivery counts and last delivery (one query)."""
    return list(
        ChatWebhook.objects.filter(journey=journey)
        .annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            last_delivery_at=Max("deliveries__created_at"),
        )
        .order_by("name", "pk")
    )


def chat_deliveries_of(journey, limit: int = 20) -> list:
    """The latest messages posted (or being posted) to a journey's chat channels, newest first."""
    return list(
        Delivery.objects.filter(webhook__journey=journey)
        .select_related("webhook")
        .order_by("-created_at", "-id")[:limit]
    )
