"""Outbound webhooks: who wants which events where, each event sent, and each delivery's log."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel

from .choices import DeliveryStatus


class Subscription(TimeStampedModel):
    """An integrator's endpoint: the events it wants, the secret its payloads are signed with."""

    name = models.CharField(max_length=120, help_text="Which system this is, in your words (“Jira bridge”).")
    url = models.URLField("target URL", max_length=2000)
    event_types = models.JSONField(default=list, help_text="The event type names sent to this URL.")
    secret = models.CharField(max_length=80, editable=False)
    is_active = models.BooleanField("sending", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
    )
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries in a row that failed after every retry; reset by a success."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "webhook subscription"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("webhooks:subscription-detail", kwargs={"pk": self.pk})


class Event(models.Model):
    """One event as sent: the same id and payload go to every subscription that wants it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField("occurred", auto_now_add=True)

    class Meta:
        verbose_name = "webhook event"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.type} {self.id}"

    def envelope(self) -> dict:
        """The JSON body every delivery of this event sends (docs/webhooks.md)."""
        return {"id": str(self.id), "type": self.type, "created_at": self.created_at.isoformat(), "data": self.data}


class Delivery(TimeStampedModel):
    """One event sent to one subscription: its retries, last answer and last error."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"],
                name="%(app_label)s_%(class)s_once_per_subscription",
                violation_error_message="This event was already sent to this subscription.",
            )
        ]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhooks_delivery_log")]

    def __str__(self):
        return f"{self.event.type} to {self.subscription}"
