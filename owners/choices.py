"""Choices of the owners app."""

from django.db import models


class Verdict(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    NEUTRAL = "neutral", "Neutral"
    CONFLICTING = "conflicting", "Conflicting"


class Gap(models.TextChoices):
    NO_OWNER = "no_owner", "No owner"
    UNCOVERED_FUNCTIONS = "uncovered_functions", "Functions not on the team"
    UNREVIEWED_INCENTIVES = "unreviewed_incentives", "Incentives not reviewed"
    CONFLICTING_INCENTIVES = "conflicting_incentives", "Conflicting incentives"
    STALE_MAP = "stale_map", "Map not reviewed for 90 days"
