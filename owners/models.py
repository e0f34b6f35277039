"""Functions, people, journey ownership, teams, responsibilities, incentives and their reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import CsvImportRecord, TimeStampedModel
from core.reversing import url_with
from journeys.models import Journey, Touchpoint

from .choices import Direction, EvidenceSignal, Period, Verdict


class Function(TimeStampedModel):
    """An organisational function: Customer Service, Field Operations, Billing, Digital..."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    head = models.ForeignKey(
        "owners.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="headed_functions"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "function"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with("owners:function-detail", "slug", self.slug)


class PersonQuerySet(models.QuerySet):
    def active(self):
        """The people who may be chosen for new work (owners, teams, assignees, leads, heads)."""
        return self.filter(is_active=True)


class Person(TimeStampedModel):
    """Someone in the organisation; optionally linked to a login.

    Someone who has taken part in anything (owned, sat on a team, reported, led, reviewed...) is
    deactivated rather than deleted: their name stays on what they did, and they cannot be chosen
    for new work.
    """

    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    title = models.CharField(max_length=200, blank=True)
    function = models.ForeignKey(Function, on_delete=models.SET_NULL, null=True, blank=True, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        db_default=True,
        help_text="Deactivated people keep their name on what they did but get no new work.",
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with("owners:person-detail", "pk", self.pk)


class OwnershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class Ownership(TimeStampedModel):
    """Who owns a journey, with what mandate, from when to when. At most one is active."""

    # PROTECT: deleting a journey must not erase who owned it (journeys.services.maps.journey_delete refuses).
    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="ownerships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ownerships")
    mandate = models.TextField(blank=True, help_text="The authority the owner holds.")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    objects = OwnershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ownership"
        ordering = ["journey_id", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_active_per_journey",
                violation_error_message="This journey already has an active owner.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="An ownership cannot end before it started.",
            ),
        ]

    def __str__(self):
        return f"{self.person} owns {self.journey}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class TeamMembership(TimeStampedModel):
    """A seat on a journey's cross-functional team."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="team_memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=120, blank=True, help_text='e.g. "operations lead"')

    history = HistoricalRecords()

    class Meta:
        verbose_name = "team membership"
        ordering = ["journey_id", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "person"],
                name="%(app_label)s_%(class)s_unique_seat",
                violation_error_message="This person is already on the journey's team.",
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.journey}"


class Responsibility(TimeStampedModel):
    """Which function delivers a touchpoint: the swimlanes of the service blueprint."""

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="responsibilities")
    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="responsibilities")

    class Meta:
        verbose_name = "responsibility"
        verbose_name_plural = "responsibilities"
        ordering = ["touchpoint_id", "function__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["touchpoint", "function"],
                name="%(app_label)s_%(class)s_unique_pair",
                violation_error_message="This function already delivers this touchpoint.",
            ),
        ]

    def __str__(self):
        return f"{self.function} delivers {self.touchpoint}"


class Incentive(TimeStampedModel):
    """An objective or incentive measure on a function's scorecard."""

    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="incentives")
    name = models.CharField(max_length=200)
    measure = models.CharField(max_length=300, help_text="How it is measured, e.g. average handle time.")
    target = models.CharField(max_length=120, blank=True, help_text='e.g. "under 6 minutes"')
    weight = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="% of the scorecard"
    )
    active = models.BooleanField(default=True)
    direction = models.CharField(
        max_length=20,
        choices=Direction.choices,
        default=Direction.HIGHER_IS_BETTER,
        help_text="Which way the function is rewarded: handle time is lower-is-better, sales higher-is-better.",
    )
    period = models.CharField(
        max_length=10, choices=Period.choices, default=Period.MONTH, help_text="How often the measure is reported."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "incentive"
        ordering = ["function__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["function", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="This function already has an incentive with this name.",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="%(app_label)s_%(class)s_weight_range",
                violation_error_message="The weight is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"{self.function}: {self.name}"


class IncentiveReview(TimeStampedModel):
    """A manager's verdict on one incentive for one journey; the newest per pair is current."""

    incentive = models.ForeignKey(Incentive, on_delete=models.CASCADE, related_name="reviews")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="incentive_reviews")
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    rationale = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="incentive_reviews"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "incentive review"
        ordering = ["-reviewed_at", "-id"]
        indexes = [
            models.Index(fields=["incentive", "journey", "-reviewed_at"], name="owners_review_current"),
        ]

    def __str__(self):
        return f"{self.incentive} for {self.journey}: {self.verdict}"


class IncentiveMeasurement(TimeStampedModel):
    """The value an incentive's measure took for one period (a week or a month ending on ``period_end``)."""

    incentive = models.ForeignKey(Incentive, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField(help_text="The last day of the period the value covers.")
    value = models.FloatField()
    source = models.CharField(max_length=120, blank=True, help_text='Where the figure comes from, e.g. "WFM export".')

    class Meta:
        verbose_name = "incentive measurement"
        ordering = ["incentive_id", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["incentive", "period_end"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message="This incentive already has a value for this period.",
            ),
        ]

    def __str__(self):
        return f"{self.incentive} for the period ending {self.period_end}: {self.value}"


class MeasurementImport(CsvImportRecord):
    """A CSV file of incentive measurements, checked and loaded by a Celery job, with its progress and report."""

    file = models.FileField(upload_to="imports/measurements/%Y/%m/")
    measurements_created = models.PositiveIntegerField(default=0)
    measurements_updated = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurement_imports",
    )

    class Meta:
        verbose_name = "measurement import"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Measurement import {self.pk} ({self.original_name})"

    def counts(self) -> tuple[int, int]:
        return self.measurements_created, self.measurements_updated


class IncentiveEvidence(TimeStampedModel):
    """What the periods say about one incentive and one journey it touches (design section 16).

    Recomputed as a whole by ``owners.services.evidence`` (after measurements arrive, and daily);
    ``points`` keeps the periods used so the review form draws them without recomputing.
    """

    incentive = models.ForeignKey(Incentive, on_delete=models.CASCADE, related_name="evidence")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="incentive_evidence")
    computed_at = models.DateTimeField(default=timezone.now)
    periods = models.PositiveSmallIntegerField(default=0, help_text="Periods with a measurement and a snapshot.")
    rho = models.FloatField(null=True, blank=True, help_text="Spearman's rho of the signed measure and the score.")
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    signal = models.CharField(max_length=20, choices=EvidenceSignal.choices, default=EvidenceSignal.NOT_ENOUGH_HISTORY)
    components = models.JSONField(default=list, blank=True, help_text="Per scored component: rho and interval.")
    points = models.JSONField(default=list, blank=True, help_text="The periods used: period_end, value, score.")

    class Meta:
        verbose_name = "incentive evidence"
        verbose_name_plural = "incentive evidence"
        ordering = ["incentive_id", "journey_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incentive", "journey"],
                name="%(app_label)s_%(class)s_one_per_pair",
                violation_error_message="This incentive already has evidence for this journey.",
            ),
        ]

    def __str__(self):
        return f"Evidence on {self.incentive} for {self.journey}: {self.signal}"


class AlertNotification(TimeStampedModel):
    """One e-mail sent to a journey's owner about one alert of one day's health.

    The unique key makes the notice idempotent: recomputing the same day twice (or two workers
    racing on it) cannot e-mail the owner twice about the same alert.
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="alert_notifications")
    alert = models.CharField(max_length=40)
    as_of = models.DateField()
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="alert_notifications"
    )
    email = models.EmailField(blank=True)

    class Meta:
        verbose_name = "alert notification"
        ordering = ["-as_of", "journey_id", "alert"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "alert", "as_of"],
                name="%(app_label)s_%(class)s_once_per_day",
                violation_error_message="The owner was already told about this alert for this day.",
            ),
        ]

    def __str__(self):
        return f"{self.alert} on {self.journey_id} as of {self.as_of}"
