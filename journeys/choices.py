"""Choices of the journeys app."""

from django.db import models

from core.choices import ImportStatus as CoreImportStatus

from .health_components import ALERTS, MEASURES


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


# The alert codes and labels, from the health registry (thresholds and wording live there too).
Alert = models.TextChoices(
    "Alert", [(alert.code.upper(), (alert.code, alert.label)) for alert in ALERTS], module=__name__
)


# Imports of every app share their statuses (``core.models.CsvImportRecord``).
ImportStatus = CoreImportStatus


# The health components of design section 4, plus the overall score, from the health registry.
Component = models.TextChoices(
    "Component", [(name.upper(), (name, measure.label)) for name, measure in MEASURES.items()], module=__name__
)
