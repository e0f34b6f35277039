"""Reads of the notifications app."""

from owners.models import Person

from .choices import EmailChoice, Event
from .models import Notification, NotificationPreference
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
