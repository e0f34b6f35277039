"""Notifications: what a person hears about, and how each message left Throughline."""

from django.db import models

from core.models import TimeStampedModel
from journeys.models import Journey
from owners.models import Person

from .choices import CHAT_TEST_EVENT, Channel, ChatKind, DeliveryStatus, EmailChoice, Event


class Notification(TimeStampedModel):
    """One event as one person sees it in the app; the event key makes it once per person."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    # e.g. "issue:12:assigned:7": the same key never notifies the same person twice.
    key = models.CharField(max_length=200)
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    in_app = models.BooleanField(default=True, help_text="Shown on the person's notifications page.")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="notification_once_per_person")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.recipient}: {self.title}"


class NotificationPreference(TimeStampedModel):
    """A person's choice for one event; no row means the default (in the app, no e-mail)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notification_preferences")
    event = models.CharField(max_length=20, choices=Event.choices)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.OFF)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "event"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.person} / {self.event}"


class ChatWebhook(TimeStampedModel):
    """A Slack or Microsoft Teams incoming webhook of a journey's team: the events it posts."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="chat_webhooks")
    kind = models.CharField(max_length=10, choices=ChatKind.choices)
    name = models.CharField(max_length=120, help_text='e.g. "#onboarding-team"')
    url = models.URLField(max_length=500, help_text="The incoming webhook URL the chat tool gave you.")
    events = models.JSONField(default=list, blank=True, help_text="Event codes posted; empty = all events.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["journey", "name"]

    def __str__(self):
        return f"{self.journey}: {self.name} ({self.get_kind_display()})"

    def posts(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class Delivery(TimeStampedModel):
    """One message sent (or to be sent) on one channel: the delivery log admins read."""

    key = models.CharField(max_length=200, help_text="The event key.")
    event = models.CharField(
        max_length=20, choices=[*Event.choices, (CHAT_TEST_EVENT, "A chat channel's test message")]
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # "person:<id>" for e-mail, "webhook:<id>" for a chat webhook: one delivery per event x recipient x channel.
    recipient_key = models.CharField(max_length=40)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    webhook = models.ForeignKey(ChatWebhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    address = models.CharField(max_length=500, help_text="The e-mail address or the webhook's name.")
    payload = models.JSONField(default=dict, blank=True, help_text="title, body, url of the message.")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient_key", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["status", "channel"], name="delivery_status")]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.address}: {self.get_status_display()}"
