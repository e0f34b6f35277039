"""API serializers of the improvements app: output serializers and input serializers per write."""

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.markup import render_markdown_lite
from core.representation import FastListSerializer
from journeys.choices import Component
from journeys.models import Journey, Stage, Touchpoint
from owners.models import Function, Person

from .. import selectors
from ..choices import ImpactVerdict, InitiativeStatus, IssueCategory, IssueStatus, Severity
from ..impact import expected_gain_points, impact_of
from ..models import COMMENT_EDIT_MINUTES, COMMENT_MAX_LENGTH, Comment, Initiative, InitiativeUpdate, Issue

# --- issues ------------------------------------------------------------------------------------


class IssueSerializer(serializers.ModelSerializer):
    # The names of the issue's journey, stage, touchpoint and people are columns of its row in the issue
    # selectors (selectors.ROW_NAMES): read from there for a list and for one issue alike.

    journey = serializers.CharField(source="journey_slug", read_only=True)
    journey_name = serializers.CharField(read_only=True)
    stage_name = serializers.CharField(read_only=True, allow_null=True)
    touchpoint_key = serializers.CharField(read_only=True, allow_null=True)
    functions = serializers.SerializerMethodField(help_text="The slugs of the functions it concerns, by name.")
    reported_by_name = serializers.CharField(read_only=True, allow_null=True)
    assignee_name = serializers.CharField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open and past its due date.")

    class Meta:
        model = Issue
        list_serializer_class = FastListSerializer
        fields = [
            "id",
            "journey",
            "journey_name",
            "stage",
            "stage_name",
            "touchpoint",
            "touchpoint_key",
            "title",
            "symptom",
            "root_cause",
            "category",
            "severity",
            "status",
            "due_date",
            "is_overdue",
            "functions",
            "reported_by",
            "reported_by_name",
            "assignee",
            "assignee_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_functions(self, issue) -> list[str]:
        if type(issue) is dict:  # a list's row (selectors.issue_rows: its columns)
            return selectors.split_slugs(issue["function_slugs_joined"])
        return [function.slug for function in issue.functions.all()]


class IssueCreateSerializer(serializers.Serializer):
    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False, allow_null=True)
    touchpoint = serializers.PrimaryKeyRelatedField(queryset=Touchpoint.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    symptom = serializers.CharField()
    category = serializers.ChoiceField(choices=IssueCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default=Severity.MEDIUM)
    functions = serializers.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), many=True, required=False, default=list
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Omitted: the severity's default (ISSUE_DUE_DAYS, e.g. critical 7 days). null: no deadline.",
    )


class IssueUpdateSerializer(serializers.Serializer):
    """PATCH/PUT: any subset of the editable fields; ``status`` goes through the workflow."""

    title = serializers.CharField(max_length=200, required=False)
    symptom = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=IssueCategory.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False, allow_null=True)
    touchpoint = serializers.PrimaryKeyRelatedField(queryset=Touchpoint.objects.all(), required=False, allow_null=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="null clears it. A new severity alone moves the due date only if it was the old severity's default.",
    )
    functions = serializers.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), many=True, required=False
    )
    status = serializers.ChoiceField(choices=IssueStatus.choices, required=False)
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read; stale = 409.")


class IssueTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IssueStatus.choices)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)


# --- initiatives -------------------------------------------------------------------------------


class InitiativeImpactSerializer(serializers.Serializer):
    """The measured impact (design section 14); null figures until measured, except mde and underpowered."""

    effect = serializers.FloatField(allow_null=True, help_text="Target change minus comparison change.")
    ci_low = serializers.FloatField(allow_null=True, help_text="Low end of the 95% bootstrap interval.")
    ci_high = serializers.FloatField(allow_null=True, help_text="High end of the 95% bootstrap interval.")
    verdict = serializers.ChoiceField(choices=ImpactVerdict.choices, allow_null=True)
    mde = serializers.FloatField(allow_null=True, help_text="Minimum detectable effect (80% power, 5% two-sided).")
    underpowered = serializers.BooleanField(allow_null=True, help_text="The expected gain is below the MDE.")
    before = serializers.FloatField(allow_null=True)
    after = serializers.FloatField(allow_null=True)
    before_n = serializers.IntegerField(allow_null=True, help_text="Journeys started in the before period.")
    after_n = serializers.IntegerField(allow_null=True)
    before_period = serializers.ListField(child=serializers.DateField(), allow_null=True, help_text="First, last day.")
    after_period = serializers.ListField(child=serializers.DateField(), allow_null=True)
    comparison_before = serializers.FloatField(allow_null=True)
    comparison_after = serializers.FloatField(allow_null=True)
    comparison_before_n = serializers.IntegerField(allow_null=True)
    comparison_after_n = serializers.IntegerField(allow_null=True)
    comparison_change = serializers.FloatField(allow_null=True)


def impact_data(initiative) -> dict | None:
    """The ``impact`` object of an initiative, or None before approval gave it an MDE."""
    measured = getattr(initiative, "impact", None) if hasattr(initiative, "impact") else None
    if measured is None and initiative.mde is None and initiative.underpowered is None:
        return None
    names = (
        "effect",
        "ci_low",
        "ci_high",
        "verdict",
        "before",
        "after",
        "before_n",
        "after_n",
        "comparison_before",
        "comparison_after",
        "comparison_before_n",
        "comparison_after_n",
        "comparison_change",
    )
    data = {name: getattr(measured, name) if measured else None for name in names}
    data["before_period"] = [measured.before_first_day, measured.before_last_day] if measured else None
    data["after_period"] = [measured.after_first_day, measured.after_last_day] if measured else None
    data["mde"], data["underpowered"] = initiative.mde, initiative.underpowered
    return data


class InitiativeSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    journey_name = serializers.CharField(source="journey.name", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True, default=None, allow_null=True)
    functions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    issues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    latest_progress = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    gain_per_person_day = serializers.FloatField(read_only=True, allow_null=True)
    expected_gain_points = serializers.SerializerMethodField()
    points_per_person_day = serializers.SerializerMethodField()
    comparison_journeys = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    result_change = serializers.SerializerMethodField()
    result_change_direction = serializers.SerializerMethodField()
    impact = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = [
            "id",
            "journey",
            "journey_name",
            "title",
            "hypothesis",
            "issues",
            "lead",
            "lead_name",
            "functions",
            "status",
            "target_component",
            "baseline_value",
            "target_value",
            "result_value",
            "result_change",
            "result_change_direction",
            "impact",
            "scope_segments",
            "comparison_segments",
            "comparison_journeys",
            "start_date",
            "due_date",
            "delivered_on",
            "measurement_days",
            "effort",
            "expected_gain",
            "gain_per_person_day",
            "expected_gain_points",
            "points_per_person_day",
            "latest_progress",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _impact(self, initiative):
        return impact_of(initiative.target_component, initiative.baseline_value, initiative.result_value)

    def get_result_change(self, initiative) -> float | None:
        """result_value - baseline_value (named ``impact`` before the measured impact had inference)."""
        impact = self._impact(initiative)
        return None if impact is None else round(impact.delta, 6)

    def _points(self, initiative) -> float | None:
        return expected_gain_points(
            initiative.target_component,
            initiative.expected_gain,
            has_target_duration=initiative.journey.target_duration is not None,
        )

    def get_expected_gain_points(self, initiative) -> float | None:
        """The expected gain in health-score points (slope x weight share of the component)."""
        points = self._points(initiative)
        return None if points is None else round(points, 4)

    def get_points_per_person_day(self, initiative) -> float | None:
        """Expected score points per person-day of effort: what the ranking orders by."""
        points = self._points(initiative)
        if points is None or not initiative.effort:
            return None
        return round(points / float(initiative.effort), 6)

    @extend_schema_field(InitiativeImpactSerializer(allow_null=True))
    def get_impact(self, initiative):
        data = impact_data(initiative)
        return None if data is None else InitiativeImpactSerializer(data).data

    def get_result_change_direction(self, initiative) -> str | None:
        """improvement, deterioration or no_change, given whether the component is better higher or lower."""
        impact = self._impact(initiative)
        return None if impact is None else str(impact.direction)


class _InitiativePlanFields(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    hypothesis = serializers.CharField(required=False, allow_blank=True, default="")
    issues = serializers.PrimaryKeyRelatedField(queryset=Issue.objects.all(), many=True)
    lead = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    functions = serializers.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), many=True, required=False, default=list
    )
    target_component = serializers.ChoiceField(choices=Component.choices, required=False, default=Component.SCORE)
    target_value = serializers.FloatField(required=False, allow_null=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    measurement_days = serializers.IntegerField(required=False, min_value=1, max_value=3650, default=30)
    effort = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True, min_value=0, help_text="Person-days."
    )
    expected_gain = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="In the target component's unit, in its better direction (negative when lower is better).",
    )
    scope_segments = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, help_text="Empty = whole journey."
    )
    comparison_segments = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )
    comparison_journeys = serializers.SlugRelatedField(
        slug_field="slug", queryset=Journey.objects.all(), many=True, required=False, default=list
    )

    def validate(self, attrs):
        start, due = attrs.get("start_date"), attrs.get("due_date")
        if start and due and due < start:
            raise serializers.ValidationError({"due_date": "The due date cannot be before the start date."})
        if attrs.get("effort") is not None and attrs["effort"] <= 0:
            raise serializers.ValidationError({"effort": "Effort, when given, is more than zero person-days."})
        return attrs


class InitiativeCreateSerializer(_InitiativePlanFields):
    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())


class InitiativeUpdateFieldsSerializer(_InitiativePlanFields):
    """PATCH/PUT of an initiative's plan; ``status`` (and ``delivered_on``) go through the workflow."""

    status = serializers.ChoiceField(choices=InitiativeStatus.choices, required=False)
    delivered_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read; stale = 409.")


class InitiativeTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InitiativeStatus.choices)
    delivered_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)


# --- initiative updates ------------------------------------------------------------------------


class InitiativeUpdateSerializer(serializers.ModelSerializer):
    journey = serializers.CharField(source="initiative.journey.slug", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InitiativeUpdate
        fields = ["id", "initiative", "journey", "author", "author_name", "body", "progress", "created_at"]
        read_only_fields = fields


class InitiativeUpdateCreateSerializer(serializers.Serializer):
    initiative = serializers.PrimaryKeyRelatedField(queryset=Initiative.objects.select_related("journey"))
    body = serializers.CharField()
    progress = serializers.IntegerField(min_value=0, max_value=100)


# --- comments ----------------------------------------------------------------------------------


class CommentPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = CommentPersonSerializer(read_only=True, allow_null=True)
    mentioned = CommentPersonSerializer(many=True, read_only=True)
    body_html = serializers.SerializerMethodField(help_text="The body as the page shows it: escaped, links made safe.")
    changeable_until = serializers.SerializerMethodField(
        help_text=f"Until when the author may edit or delete it ({COMMENT_EDIT_MINUTES} minutes after posting)."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "journey",
            "issue",
            "initiative",
            "author",
            "body",
            "body_html",
            "mentioned",
            "created_at",
            "edited_at",
            "changeable_until",
        ]
        read_only_fields = fields

    def get_body_html(self, comment) -> str:
        return str(render_markdown_lite(comment.body))

    def get_changeable_until(self, comment) -> dt.datetime:
        return comment.created_at + dt.timedelta(minutes=COMMENT_EDIT_MINUTES)


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        help_text="Markdown-lite text; @username or @Full Name mentions a person (docs/notifications.md).",
    )
