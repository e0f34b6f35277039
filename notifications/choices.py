from django.db import models


class Event(models.TextChoices):
    ALERT = "alert", "A new health alert on a journey I own or sit on"
    ISSUE = "issue", "An issue assigned to me or logged on my journey"
    INITIATIVE = "initiative", "An initiative I lead changes status or is measured"
    INCENTIVE_REVIEW = "incentive_review", "An incentive of my function is asked to be reviewed"
    OWNER_NAMED = "owner_named", "I am named owner of a journey"
    MENTION = "mention", "Someone mentions me"


# A chat channel's test message (the "Send a test message" button): logged like any delivery, never a
# person's notification, so not one of the events people choose.
CHAT_TEST_EVENT = "test"

# How a journey's chat channel names the events it posts (the Event labels speak for a person: "I").
CHAT_EVENT_LABELS = {
    "alert": "New health alerts",
    "issue": "Issues assigned or logged",
    "initiative": "Initiatives changing status or measured",
    "incentive_review": "Incentive reviews requested",
    "owner_named": "A new owner named",
    "mention": "Mentions in comments",
}


class EmailChoice(models.TextChoices):
    OFF = "off", "No e-mail"
    IMMEDIATE = "immediate", "An e-mail each time"
    DIGEST = "digest", "One daily digest"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    DIGEST = "digest", "Waiting for the daily digest"
    SENDING = "sending", "Being sent"
    RETRYING = "retrying", "Failed, will retry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"
