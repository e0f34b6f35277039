"""Choices of the webhooks app."""

from django.db import models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed, will try again"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed, gave up"


FINISHED_STATUSES = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)

# Not a domain event: the "send a test event" button's payload, for one subscription only.
TEST_EVENT = "webhook.test"
