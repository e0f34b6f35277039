"""Root-cause issues, improvement initiatives and their updates."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, VersionedModel
from core.reversing import url_with
from journeys.choices import Component
from journeys.models import Journey, Stage, Touchpoint
from owners.models import Function, Incentive, Person

from .choices import ImpactVerdict, InitiativeStatus, IssueCategory, IssueStatus, Severity


class Issue(TimeStampedModel, VersionedModel):
    """A root cause that breaks a journey, logged by its team and triaged by its owner."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="issues")
    stage = models.ForeignKey(Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues")
    title = models.CharField(max_length=200)
    symptom = models.TextField(help_text="What customers experience.")
    root_cause = models.TextField(blank=True, help_text="Filled in when the root cause is confirmed.")
    category = models.CharField(max_length=30, choices=IssueCategory.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=25, choices=IssueStatus.choices, default=IssueStatus.REPORTED)
    due_date = models.DateField(
        "due date",
        null=True,
        blank=True,
        help_text="When the issue should be resolved by. New issues get one from their severity (ISSUE_DUE_DAYS).",
    )
    functions = models.ManyToManyField(
        Function, blank=True, related_name="issues", verbose_name="responsible functions"
    )
    reported_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="reported_issues"
    )
    assignee = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_issues"
    )
    # Set when the issue was raised from a conflicting verdict: it addresses that incentive on this journey.
    incentive = models.ForeignKey(
        Incentive, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "issue"
        ordering = ["-severity", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4),
                name="%(app_label)s_%(class)s_severity_range",
                violation_error_message="Severity runs from 1 (low) to 4 (critical).",
            ),
        ]
        indexes = [
            models.Index(fields=["journey", "status"], name="improvements_issue_open"),
            # The default order of the model and the API list (severity DESC, created_at DESC, then id).
            models.Index(F("severity").desc(), F("created_at").desc(), "id", name="improvements_issue_triage"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with("improvements:issue-detail", "pk", self.pk)


class Initiative(TimeStampedModel, VersionedModel):
    """An improvement tracked from proposal to measured impact on one health component."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=200)
    hypothesis = models.TextField(blank=True, help_text="If we do X, component Y moves by Z because...")
    issues = models.ManyToManyField(Issue, blank=True, related_name="initiatives")
    lead = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_initiatives")
    functions = models.ManyToManyField(
        Function, blank=True, related_name="initiatives", verbose_name="contributing functions"
    )
    status = models.CharField(max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED)
    target_component = models.CharField(max_length=30, choices=Component.choices, default=Component.SCORE)
    baseline_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    result_value = models.FloatField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    measurement_days = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1)])
    effort = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Person-days.",
        validators=[MinValueValidator(0)],
    )
    expected_gain = models.FloatField(null=True, blank=True, help_text="Points of the target component.")
    # Who is measured, chosen until the work starts: the journey's chosen segments (empty = all customers)
    # and an optional comparison group (other segments of the journey, or other journeys).
    scope_segments = models.JSONField(
        default=list, db_default=[], blank=True, help_text="Segment names; empty = the whole journey."
    )
    comparison_segments = models.JSONField(
        default=list, db_default=[], blank=True, help_text="Other segments of the journey."
    )
    comparison_journeys = models.ManyToManyField(
        Journey, blank=True, related_name="compared_in_initiatives", verbose_name="comparison journeys"
    )
    # Set at approval (and again when measured): the smallest effect the periods can tell from noise.
    mde = models.FloatField(null=True, blank=True, verbose_name="minimum detectable effect")
    underpowered = models.BooleanField(null=True, blank=True, help_text="The expected gain is below the MDE.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "initiative"
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(measurement_days__gte=1),
                name="%(app_label)s_%(class)s_measurement_days_positive",
                violation_error_message="The measurement window is at least one day.",
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gt=0),
                name="%(app_label)s_%(class)s_effort_positive",
                violation_error_message="Effort, when given, is more than zero person-days.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with("improvements:initiative-detail", "pk", self.pk)


class InitiativeImpact(TimeStampedModel):
    """An initiative's measured impact: before and after periods, difference in differences, 95% interval."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="impact")
    effect = models.FloatField(help_text="Change of the target minus the change of the comparison, when set.")
    ci_low = models.FloatField()
    ci_high = models.FloatField()
    verdict = models.CharField(max_length=12, choices=ImpactVerdict.choices)
    before = models.FloatField()
    after = models.FloatField()
    before_n = models.PositiveIntegerField()
    after_n = models.PositiveIntegerField()
    before_first_day = models.DateField()
    before_last_day = models.DateField()
    after_first_day = models.DateField()
    after_last_day = models.DateField()
    comparison_before = models.FloatField(null=True, blank=True)
    comparison_after = models.FloatField(null=True, blank=True)
    comparison_before_n = models.PositiveIntegerField(null=True, blank=True)
    comparison_after_n = models.PositiveIntegerField(null=True, blank=True)
    comparison_change = models.FloatField(null=True, blank=True)
    resamples = models.PositiveIntegerField()
    measured_at = models.DateTimeField()

    class Meta:
        verbose_name = "initiative impact"
        constraints = [
            models.CheckConstraint(
                condition=Q(ci_low__lte=F("ci_high")),
                name="%(app_label)s_%(class)s_interval_ordered",
                violation_error_message="The interval's low end cannot be above its high end.",
            ),
        ]

    def __str__(self):
        return f"{self.initiative}: {self.verdict}"


class InitiativeUpdate(TimeStampedModel):
    """A progress note on an initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiative_updates"
    )
    body = models.TextField()
    progress = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = "initiative update"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="%(app_label)s_%(class)s_progress_range",
                violation_error_message="Progress is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"{self.initiative}: {self.progress}%"


COMMENT_MAX_LENGTH = 5000
# How long the author may still edit or delete a comment (design: issue 17 item 5).
COMMENT_EDIT_MINUTES = 15


class Comment(TimeStampedModel):
    """A remark on an issue or an initiative by someone working on its journey; ``@name`` calls people in.

    ``journey`` is the item's, kept on the comment so the journey-scoped rules and the journey's
    history read it without a join. ``mentioned`` is everyone the text has ever mentioned: an edit
    notifies only the people it adds.
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="comments")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    body = models.TextField("comment", max_length=COMMENT_MAX_LENGTH)
    edited_at = models.DateTimeField("edited", null=True, blank=True)
    mentioned = models.ManyToManyField(
        Person, blank=True, related_name="mentioned_in_comments", verbose_name="mentioned people"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "comment"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(issue__isnull=False) & Q(initiative__isnull=True))
                | (Q(issue__isnull=True) & Q(initiative__isnull=False)),
                name="%(app_label)s_%(class)s_one_item",
                violation_error_message="A comment is on one issue or one initiative.",
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "created_at"], name="comment_issue_thread"),
            models.Index(fields=["initiative", "created_at"], name="comment_initiative_thread"),
        ]

    def __str__(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else f"{text[:59]}…"

    @property
    def item(self):
        """The issue or the initiative the comment is on."""
        return self.issue if self.issue_id else self.initiative

    def get_absolute_url(self):
        return f"{self.item.get_absolute_url()}#comment-{self.pk}"
