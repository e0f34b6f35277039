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
    EVIDENCE_DISAGREES = "evidence_disagrees", "Evidence disagrees with an aligned verdict"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class Period(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class EvidenceSignal(models.TextChoices):
    CONFLICT = "conflict_signal", "Conflict"
    ALIGNMENT = "alignment_signal", "Alignment"
    NONE = "no_signal", "No clear signal"
    NOT_ENOUGH_HISTORY = "not_enough_history", "Not enough history"
