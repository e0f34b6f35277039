"""API serializers of the improvements app: output serializers and input serializers per write."""

from rest_framework import serializers

from journeys.choices import Component
from journeys.models import Journey, Stage, Touchpoint
from owners.models import Function, Person

from ..choices import InitiativeStatus, IssueCategory, IssueStatus, Severity
from ..impact import impact_of
from ..models import Initiative, InitiativeUpdate, Issue

# --- issues ------------------------------------------------------------------------------------


class IssueSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    journey_name = serializers.CharField(source="journey.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None, allow_null=True)
    touchpoint_key = serializers.CharField(source="touchpoint.key", read_only=True, default=None, allow_null=True)
    functions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    reported_by_name = serializers.CharField(source="reported_by.name", read_only=True, default=None, allow_null=True)
    assignee_name = serializers.CharField(source="assignee.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Issue
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


class InitiativeSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    journey_name = serializers.CharField(source="journey.name", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True, default=None, allow_null=True)
    functions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    issues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    latest_progress = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    gain_per_person_day = serializers.FloatField(read_only=True, allow_null=True)
    impact = serializers.SerializerMethodField()
    impact_direction = serializers.SerializerMethodField()

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
            "impact",
            "impact_direction",
            "start_date",
            "due_date",
            "delivered_on",
            "measurement_days",
            "effort",
            "expected_gain",
            "gain_per_person_day",
            "latest_progress",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _impact(self, initiative):
        return impact_of(initiative.target_component, initiative.baseline_value, initiative.result_value)

    def get_impact(self, initiative) -> float | None:
        impact = self._impact(initiative)
        return None if impact is None else round(impact.delta, 6)

    def get_impact_direction(self, initiative) -> str | None:
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
    expected_gain = serializers.FloatField(required=False, allow_null=True)

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
