"""Receivers of the journeys app's signals."""

from django.dispatch import receiver

from journeys.signals import health_recomputed

from .services import owner_alerts_notify


@receiver(health_recomputed, dispatch_uid="owners.notify_owner_of_new_alerts")
def notify_owner_of_new_alerts(sender, *, journey, snapshot, new_alerts, **kwargs):
    """E-mail the journey's owner about each alert that is new in this recompute."""
    owner_alerts_notify(journey=journey, as_of=snapshot.as_of, new_alerts=list(new_alerts or []))
