"""Choices of the journeys app."""

from django.db import models


class JourneyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Tier(models.TextChoices):
    LEADERSHIP = "leadership", "Service leadership"
    PARITY = "parity", "Competitive parity"


class ServicePosition(models.TextChoices):
    SPEED = "speed", "Speed"
    EASE = "ease", "Ease"
    PERSONALISATION = "personalisation", "Personalisation"
    EMOTION = "emotion", "Emotion"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "App"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    SOCIAL = "social", "Social"
    PHONE = "phone", "Phone"
    STORE = "store", "Store"
    FIELD = "field", "Field visit"
    MAIL = "mail", "Mail"
    OTHER = "other", "Other"


DIGITAL_CHANNELS = (Channel.WEB, Channel.APP, Channel.EMAIL, Channel.CHAT, Channel.SOCIAL)
ASSISTED_CHANNELS = (Channel.PHONE, Channel.STORE, Channel.FIELD, Channel.MAIL)


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ABANDONED = "abandoned", "Abandoned"


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    AT_RISK = "at_risk", "At risk"
    CRITICAL = "critical", "Critical"
    INSUFFICIENT_DATA = "insufficient_data", "Insufficient data"


class Alert(models.TextChoices):
    TOUCHPOINT_PARADOX = "touchpoint_paradox", "Touchpoint paradox"
    SATISFACTION_DECAY = "satisfaction_decay", "Satisfaction decay"
    HEALTH_DROP = "health_drop", "Health drop"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Component(models.TextChoices):
    """The health components of design section 4, plus the overall score."""

    SCORE = "score", "Health score"
    JOURNEY_CSAT = "journey_csat", "Journey satisfaction"
    TOUCHPOINT_CSAT = "touchpoint_csat", "Touchpoint satisfaction"
    CSAT_GAP = "csat_gap", "Satisfaction gap"
    COMPLETION_RATE = "completion_rate", "Completion rate"
    ON_TIME_RATE = "on_time_rate", "On-time rate"
    CONTACTS_PER_INSTANCE = "contacts_per_instance", "Contacts per journey"
    REPEAT_RATE = "repeat_rate", "Repeat rate"
    REIDENTIFICATION_RATE = "reidentification_rate", "Re-identification rate"
    HANDOFFS_PER_INSTANCE = "handoffs_per_instance", "Channel hand-offs per journey"
    SATISFACTION_DECAY = "satisfaction_decay", "Satisfaction decay"


# Components where a lower value is the better one (an initiative succeeds by lowering them).
LOWER_IS_BETTER = frozenset(
    {
        Component.CSAT_GAP,
        Component.CONTACTS_PER_INSTANCE,
        Component.REPEAT_RATE,
        Component.REIDENTIFICATION_RATE,
        Component.HANDOFFS_PER_INSTANCE,
        Component.SATISFACTION_DECAY,
    }
)
