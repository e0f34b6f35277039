"""Journeys, their maps (stages and touchpoints), the data fed into them and their health."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import CsvImportRecord, TimeStampedModel, VersionedModel
from core.reversing import url_with

from .choices import (
    Channel,
    HealthStatus,
    JourneyStatus,
    Outcome,
    ServicePosition,
    Tier,
)
from .layers import LAYER_MAX_LENGTH

SATISFACTION_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class JourneyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=JourneyStatus.ACTIVE)


class Journey(TimeStampedModel, VersionedModel):
    """A customer journey that matters: the unit that gets an owner, a team and a health score."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=JourneyStatus.choices, default=JourneyStatus.ACTIVE)
    tier = models.CharField(
        max_length=10,
        choices=Tier.choices,
        default=Tier.PARITY,
        help_text="Where the business seeks service leadership versus competitive parity.",
    )
    service_position = models.CharField(max_length=20, choices=ServicePosition.choices, default=ServicePosition.EASE)
    target_duration = models.DurationField(
        null=True, blank=True, help_text="The promise, e.g. 30 days for onboarding. Drives the on-time rate."
    )
    target_score = models.PositiveSmallIntegerField(
        default=75, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    window_days = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Health looks at journeys started in this many days before the as-of date.",
    )
    min_sample = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Fewer journeys than this in the window give 'insufficient data'.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="part of",
        help_text="The wider journey this one is a part of, e.g. Onboarding within Become a customer.",
    )
    data_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    map_reviewed_on = models.DateField(null=True, blank=True)

    objects = JourneyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "journey"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_score__gte=0, target_score__lte=100),
                name="%(app_label)s_%(class)s_target_score_range",
                violation_error_message="The target score must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(window_days__gte=1),
                name="%(app_label)s_%(class)s_window_days_positive",
                violation_error_message="The window must be at least one day.",
            ),
            models.CheckConstraint(
                condition=Q(min_sample__gte=1),
                name="%(app_label)s_%(class)s_min_sample_positive",
                violation_error_message="The minimum sample must be at least 1.",
            ),
            # Deeper cycles are refused by the journeys_journey_no_cycle trigger (migration
            # journey_framework), which walks the ancestors on every change of parent.
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message="A journey cannot be part of itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with("journeys:detail", "slug", self.slug)


class MapElementQuerySet(models.QuerySet):
    """Stages and touchpoints: those in use on the map, and those retired (kept for their history)."""

    def in_use(self):
        return self.filter(retired_at__isnull=True)

    def retired(self):
        return self.filter(retired_at__isnull=False)


class TouchpointQuerySet(MapElementQuerySet):
    def in_use(self):
        """On the map: neither the touchpoint nor its stage is retired."""
        return self.filter(retired_at__isnull=True, stage__retired_at__isnull=True)

    def retired(self):
        return self.exclude(retired_at__isnull=True, stage__retired_at__isnull=True)


class Stage(TimeStampedModel):
    """A stage of a journey's map: a column of the service blueprint."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When set, the stage is kept for its history but hidden from the map, the blueprint and forms.",
    )

    objects = MapElementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "stage"
        ordering = ["journey_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message="Another stage of this journey has this position.",
            ),
            models.UniqueConstraint(
                fields=["journey", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="This journey already has a stage with this name.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Touchpoint(TimeStampedModel):
    """A moment where the customer meets the organisation, on one channel, within a stage.

    ``journey`` repeats the stage's journey so that the key can be unique per journey in the
    database and interactions can be checked against their instance's journey.
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="touchpoints", editable=False)
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    key = models.SlugField(max_length=100, help_text="Stable reference used by integrations; unique in the journey.")
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    position = models.PositiveSmallIntegerField(default=0)
    is_moment_of_truth = models.BooleanField(
        "moment of truth", default=False, help_text="A make-or-break moment for the customer."
    )
    description = models.TextField(blank=True)
    # The service blueprint's layers behind the touchpoint (journeys/layers.py), each optional.
    customer_action = models.CharField(
        "customer action", max_length=LAYER_MAX_LENGTH, blank=True, default="", help_text="What the customer does."
    )
    frontstage = models.CharField(
        "frontstage", max_length=LAYER_MAX_LENGTH, blank=True, default="", help_text="What the customer sees, and who."
    )
    backstage = models.CharField(
        "backstage", max_length=LAYER_MAX_LENGTH, blank=True, default="", help_text="What staff do out of sight."
    )
    support_processes = models.CharField(
        "support processes",
        max_length=LAYER_MAX_LENGTH,
        blank=True,
        default="",
        help_text="Systems and policies behind it.",
    )
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When set, the touchpoint is kept for its history but hidden from the map, the blueprint and forms.",
    )

    objects = TouchpointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "touchpoint"
        ordering = ["journey_id", "stage__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "key"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message="This journey already has a touchpoint with this key.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def save(self, *args, **kwargs):
        if self.stage_id and not self.journey_id:
            self.journey_id = self.stage.journey_id
        super().save(*args, **kwargs)


class JourneyInstance(TimeStampedModel):
    """One customer's run through a journey."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="instances")
    external_id = models.CharField(max_length=100)
    customer_ref = models.CharField(
        max_length=100, blank=True, help_text="A pseudonymous reference; never a name, e-mail or phone number."
    )
    segment = models.CharField(max_length=100, blank=True, default="")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, validators=SATISFACTION_VALIDATORS)

    class Meta:
        verbose_name = "journey instance"
        ordering = ["-started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "external_id"],
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message="This journey already has an instance with this external id.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="A journey cannot end before it started.",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.IN_PROGRESS, ended_at__isnull=True)
                | Q(outcome__in=[Outcome.COMPLETED, Outcome.ABANDONED], ended_at__isnull=False),
                name="%(app_label)s_%(class)s_outcome_matches_end",
                violation_error_message="Completed and abandoned journeys need an end; one in progress has none.",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="%(app_label)s_%(class)s_satisfaction_range",
                violation_error_message="Satisfaction is rated from 1 to 5.",
            ),
        ]
        indexes = [
            models.Index(fields=["journey", "started_at"], name="journeys_instance_window"),
            models.Index(fields=["journey", "segment", "started_at"], name="journeys_instance_segment"),
            # The default order of the model and the API list (started_at DESC, id): a page reads 50 entries.
            models.Index(F("started_at").desc(), "id", name="journeys_instance_recent"),
        ]

    def __str__(self):
        return f"{self.journey_id}:{self.external_id}"


class Interaction(TimeStampedModel):
    """One contact within an instance, at a touchpoint of the instance's journey."""

    instance = models.ForeignKey(JourneyInstance, on_delete=models.CASCADE, related_name="interactions")
    external_id = models.CharField(max_length=100)
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="interactions")
    channel = models.CharField(max_length=10, choices=Channel.choices, help_text="The channel actually used.")
    occurred_at = models.DateTimeField()
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, validators=SATISFACTION_VALIDATORS)
    resolved = models.BooleanField(null=True, blank=True)
    repeat = models.BooleanField(default=False, help_text="The customer had to come back about the same need.")
    reidentified = models.BooleanField(
        default=False, help_text="The customer had to identify themselves or repeat information again."
    )

    class Meta:
        verbose_name = "interaction"
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "external_id"],
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message="This instance already has an interaction with this external id.",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="%(app_label)s_%(class)s_satisfaction_range",
                violation_error_message="Satisfaction is rated from 1 to 5.",
            ),
        ]
        indexes = [
            models.Index(fields=["instance", "occurred_at"], name="journeys_interaction_order"),
            # The default order of the model and the API list: without it a page sorts the whole table.
            models.Index(fields=["occurred_at", "id"], name="journeys_interaction_time"),
        ]

    def __str__(self):
        return f"{self.instance_id}:{self.external_id}"


class HealthSnapshot(TimeStampedModel):
    """A journey's health for one segment ('' = all customers) as of one day."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="health_snapshots")
    segment = models.CharField(max_length=100, blank=True, default="")
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    sample_size = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    status = models.CharField(max_length=20, choices=HealthStatus.choices)
    journey_csat = models.FloatField(null=True, blank=True)
    touchpoint_csat = models.FloatField(null=True, blank=True)
    csat_gap = models.FloatField(null=True, blank=True)
    completion_rate = models.FloatField(null=True, blank=True)
    on_time_rate = models.FloatField(null=True, blank=True)
    contacts_per_instance = models.FloatField(null=True, blank=True)
    repeat_rate = models.FloatField(null=True, blank=True)
    reidentification_rate = models.FloatField(null=True, blank=True)
    handoffs_per_instance = models.FloatField(null=True, blank=True)
    satisfaction_decay = models.FloatField(null=True, blank=True)
    channel_mix = models.JSONField(default=dict, blank=True)
    alerts = models.JSONField(default=list, blank=True)
    # Overall snapshots: the instances of each segment in the window when it was computed, small
    # segments too (they have no snapshot of their own). Null on segment snapshots and on snapshots
    # stored before the recompute recorded it (the health page then counts the window itself).
    segment_sizes = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "health snapshot"
        ordering = ["journey_id", "segment", "-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "segment", "as_of"],
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message="There is already a snapshot for this journey, segment and day.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="%(app_label)s_%(class)s_score_range",
                violation_error_message="The score is between 0 and 100.",
            ),
        ]
        indexes = [
            # The API list's default order starts with as_of DESC: a page reads the latest day only.
            models.Index(F("as_of").desc(), name="journeys_snapshot_recent"),
            # The trends (portfolio sparklines, a journey's trend): a journey's days of one segment with
            # their score, read from the index alone. Scattered over the table's pages, the portfolio's
            # 4,200 points of 12 weeks cost 10-13 ms of heap reads at scale 1; from this index 1-2 ms.
            models.Index(fields=["journey", "segment", "as_of", "score"], name="journeys_snapshot_trend"),
        ]

    def __str__(self):
        return f"{self.journey_id} {self.segment or 'all'} {self.as_of}"


class StageHealth(models.Model):
    """How one stage fared in an overall snapshot: reach, drop-off and satisfaction."""

    snapshot = models.ForeignKey(HealthSnapshot, on_delete=models.CASCADE, related_name="stage_health")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="health")
    reached = models.PositiveIntegerField(default=0)
    abandoned_here = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    csat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "stage health"
        verbose_name_plural = "stage health"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "stage"], name="%(app_label)s_%(class)s_unique_stage"),
        ]

    def __str__(self):
        return f"{self.snapshot} / {self.stage_id}"


class Import(CsvImportRecord):
    """A CSV file of interactions being (or having been) loaded, with its progress and report."""

    journey = models.ForeignKey(
        Journey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        help_text="When set, every row must belong to this journey.",
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    instances_created = models.PositiveIntegerField(default=0)
    instances_updated = models.PositiveIntegerField(default=0)
    interactions_created = models.PositiveIntegerField(default=0)
    interactions_updated = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import {self.pk} ({self.original_name})"

    def counts(self) -> tuple[int, int]:
        return self.instances_created + self.interactions_created, self.instances_updated + self.interactions_updated


# --- Where to act (design section 13): figures stored with each snapshot by the same recompute ---


class TouchpointHealth(models.Model):
    """How one touchpoint fared in a snapshot (overall or a segment's): reach, satisfaction, effort."""

    snapshot = models.ForeignKey(HealthSnapshot, on_delete=models.CASCADE, related_name="touchpoint_health")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="health")
    interactions = models.PositiveIntegerField(default=0)
    instances = models.PositiveIntegerField(default=0)
    reach = models.FloatField(default=0)
    csat = models.FloatField(null=True, blank=True)
    repeat_rate = models.FloatField(default=0)
    reidentification_rate = models.FloatField(default=0)
    abandoned_after = models.PositiveIntegerField(default=0)
    journey_csat_reached = models.FloatField(null=True, blank=True)
    journey_csat_not_reached = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "touchpoint health"
        verbose_name_plural = "touchpoint health"
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "touchpoint"], name="%(app_label)s_%(class)s_unique_touchpoint"
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} / touchpoint {self.touchpoint_id}"


class HandoffHealth(models.Model):
    """Consecutive interactions of one instance from one channel to another, in an overall snapshot."""

    snapshot = models.ForeignKey(HealthSnapshot, on_delete=models.CASCADE, related_name="handoffs")
    from_channel = models.CharField(max_length=20, choices=Channel.choices)
    to_channel = models.CharField(max_length=20, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)
    reidentification_rate = models.FloatField(default=0)
    repeat_rate = models.FloatField(default=0)
    satisfaction_change = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "hand-off"
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "from_channel", "to_channel"], name="%(app_label)s_%(class)s_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} / {self.from_channel} -> {self.to_channel}"


class PathSummary(models.Model):
    """How customers really moved through the stages, in an overall snapshot (one per snapshot)."""

    snapshot = models.OneToOneField(HealthSnapshot, on_delete=models.CASCADE, related_name="paths")
    instances_with_path = models.PositiveIntegerField(default=0)
    in_order_rate = models.FloatField(null=True, blank=True)
    back_steps_per_instance = models.FloatField(null=True, blank=True)
    skip_rates = models.JSONField(default=list, blank=True, help_text="Per stage: stage, position, name, skip_rate.")
    top_paths = models.JSONField(default=list, blank=True)
    flow = models.JSONField(default=list, blank=True, help_text="Directly-follows edges: source, target, count.")

    class Meta:
        verbose_name = "path summary"
        verbose_name_plural = "path summaries"

    def __str__(self):
        return f"{self.snapshot} paths"


class KeyDrivers(models.Model):
    """Which parts of the journey explain its satisfaction, for the overall snapshot of the latest day."""

    snapshot = models.OneToOneField(HealthSnapshot, on_delete=models.CASCADE, related_name="drivers")
    rated_instances = models.PositiveIntegerField(default=0)
    complete_cases = models.PositiveIntegerField(default=0)
    needed_cases = models.PositiveIntegerField(default=0)
    r_squared = models.FloatField(null=True, blank=True)
    predictors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "key drivers"
        verbose_name_plural = "key drivers"

    def __str__(self):
        return f"{self.snapshot} drivers"


class PendingRecompute(TimeStampedModel):
    """The days of one journey's health that new data made stale, waiting for one recompute job.

    Every write of instances or interactions lowers ``first_day`` to the earliest local start day it
    touched (in the write's own transaction), so a thousand writes leave one row and one queued job.
    The job claims the row (``claimed_first_day``, ``running_since``) and recomputes from that day
    to today; a write during the run sets ``first_day`` again and the job queues itself once more.
    """

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="pending_recompute")
    first_day = models.DateField(
        null=True, blank=True, help_text="Earliest stale day not yet claimed (empty: nothing new since the claim)."
    )
    claimed_first_day = models.DateField(null=True, blank=True, help_text="First day of the running job's range.")
    running_since = models.DateTimeField(null=True, blank=True, help_text="When a job claimed the days.")
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="When the last job message was sent.")

    class Meta:
        verbose_name = "pending health recompute"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__isnull=False) | Q(running_since__isnull=False),
                name="%(app_label)s_%(class)s_stale_or_running",
                violation_error_message="A pending recompute has stale days or a running job.",
            ),
        ]

    def __str__(self):
        return f"{self.journey_id} from {self.first_day or self.claimed_first_day}"


# --- Personas (issue 20 item 3): who a journey is for, and the segment of data that speaks for them ---


class Persona(TimeStampedModel):
    """A kind of customer a journey serves, drawn from a segment of its data.

    ``segment`` is the ``JourneyInstance.segment`` the persona stands for: its emotion curve is measured
    from that segment's interactions (``journeys.selectors.personas``), not drawn by hand.
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=120)
    segment = models.CharField(
        max_length=100,
        help_text="The customer segment this persona stands for, exactly as the journey's data records it.",
    )
    goals = models.TextField(blank=True, help_text="What this customer wants to achieve.")
    needs = models.TextField(blank=True, help_text="What they need from us along the way.")
    pains = models.TextField(blank=True, help_text="What frustrates or worries them.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "persona"
        ordering = ["journey_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="This journey already has a persona with this name.",
            ),
            models.CheckConstraint(
                condition=~Q(segment=""),
                name="%(app_label)s_%(class)s_segment_required",
                violation_error_message="A persona stands for a segment of the journey's customers: name it.",
            ),
        ]

    def __str__(self):
        return self.name


class RetentionMark(TimeStampedModel):
    """How far back a journey's data was removed by retention (``RETENTION_DAYS``).

    Every instance (and so every interaction) that started before ``removed_before`` is gone, or is
    about to be: the mark is raised before each removal. The health recompute never recomputes a day
    whose window reaches before it, so a past day's snapshot stays as it was computed from the full data.
    """

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="retention_mark")
    removed_before = models.DateTimeField(help_text="Instances that started before this moment were removed.")
    instances_removed = models.PositiveBigIntegerField(default=0, help_text="Instances removed so far, in all runs.")
    interactions_removed = models.PositiveBigIntegerField(
        default=0, help_text="Interactions removed so far, in all runs."
    )

    class Meta:
        verbose_name = "retention mark"

    def __str__(self):
        return f"{self.journey_id}: removed before {self.removed_before:%Y-%m-%d}"
