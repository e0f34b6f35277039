"""API serializers of the owners app: explicit fields; writes validate here and call services."""

from rest_framework import serializers

from journeys.models import Journey, Touchpoint

from ..choices import Verdict
from ..models import (
    Function,
    Incentive,
    IncentiveEvidence,
    IncentiveMeasurement,
    IncentiveReview,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)


class JourneySlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Journey.objects.all())
        super().__init__(**kwargs)


class FunctionSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Function.objects.all())
        super().__init__(**kwargs)


class FunctionSerializer(serializers.ModelSerializer):
    head_name = serializers.CharField(source="head.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Function
        fields = ["id", "name", "slug", "description", "head", "head_name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class PersonSerializer(serializers.ModelSerializer):
    function = FunctionSlugField(required=False, allow_null=True)
    function_name = serializers.CharField(source="function.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "email",
            "title",
            "function",
            "function_name",
            "user",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "is_active": {
                "help_text": "false deactivates: someone who took part in anything cannot be deleted (409), "
                "only deactivated; they keep their name on what they did and get no new work."
            }
        }


class OwnershipSerializer(serializers.ModelSerializer):
    journey = JourneySlugField(read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Ownership
        fields = ["id", "journey", "person", "person_name", "mandate", "started_on", "ended_on", "is_active"]
        read_only_fields = fields


class OwnershipAssignSerializer(serializers.Serializer):
    journey = JourneySlugField()
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    mandate = serializers.CharField(allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    replaces = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Id of the active ownership you expect to replace (null: you expect no owner). "
        "When the journey changed hands since, the answer is 409.",
    )


class OwnershipMandateSerializer(serializers.Serializer):
    mandate = serializers.CharField(allow_blank=True)


class OwnershipEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class TeamMembershipSerializer(serializers.ModelSerializer):
    journey = JourneySlugField()
    person_name = serializers.CharField(source="person.name", read_only=True)
    function = serializers.CharField(source="person.function.slug", read_only=True, default=None, allow_null=True)

    class Meta:
        model = TeamMembership
        fields = ["id", "journey", "person", "person_name", "function", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class TeamMembershipRoleSerializer(serializers.Serializer):
    role = serializers.CharField(allow_blank=True, max_length=120)


class ResponsibilitySerializer(serializers.ModelSerializer):
    touchpoint = serializers.PrimaryKeyRelatedField(queryset=Touchpoint.objects.all())
    touchpoint_key = serializers.CharField(source="touchpoint.key", read_only=True)
    journey = serializers.CharField(source="touchpoint.journey.slug", read_only=True)
    function = FunctionSlugField()

    class Meta:
        model = Responsibility
        fields = ["id", "touchpoint", "touchpoint_key", "journey", "function", "created_at"]
        read_only_fields = ["id", "created_at"]


class IncentiveSerializer(serializers.ModelSerializer):
    function = FunctionSlugField()
    function_name = serializers.CharField(source="function.name", read_only=True)

    class Meta:
        model = Incentive
        fields = [
            "id",
            "function",
            "function_name",
            "name",
            "measure",
            "target",
            "weight",
            "active",
            "direction",
            "period",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class IncentiveMeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncentiveMeasurement
        fields = ["id", "incentive", "period_end", "value", "source", "created_at", "updated_at"]
        read_only_fields = fields


class MeasurementItemSerializer(serializers.Serializer):
    """One item of the bulk request (documentation only: the service reads and addresses each item)."""

    incentive = serializers.IntegerField()
    period_end = serializers.DateField()
    value = serializers.FloatField()
    source = serializers.CharField(required=False, allow_blank=True, max_length=120)


class MeasurementBatchSerializer(serializers.Serializer):
    measurements = MeasurementItemSerializer(many=True)


class MeasurementResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class ComponentEvidenceSerializer(serializers.Serializer):
    component = serializers.CharField()
    label = serializers.CharField()
    periods = serializers.IntegerField()
    rho = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    signal = serializers.CharField()


class EvidencePointSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    value = serializers.FloatField()
    score = serializers.FloatField()


class IncentiveEvidenceSerializer(serializers.ModelSerializer):
    """Spearman's rho of the incentive (better for the function up) against the journey's score."""

    journey = JourneySlugField(read_only=True)
    incentive_name = serializers.CharField(source="incentive.name", read_only=True)
    function = serializers.CharField(source="incentive.function.slug", read_only=True)
    direction = serializers.CharField(source="incentive.direction", read_only=True)
    components = ComponentEvidenceSerializer(many=True, read_only=True)
    points = EvidencePointSerializer(many=True, read_only=True)

    class Meta:
        model = IncentiveEvidence
        fields = [
            "incentive",
            "incentive_name",
            "function",
            "direction",
            "journey",
            "computed_at",
            "periods",
            "rho",
            "ci_low",
            "ci_high",
            "signal",
            "components",
            "points",
        ]
        read_only_fields = fields


class IncentiveReviewSerializer(serializers.ModelSerializer):
    journey = JourneySlugField()
    incentive_name = serializers.CharField(source="incentive.name", read_only=True)
    function = serializers.CharField(source="incentive.function.slug", read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.name", read_only=True, default=None, allow_null=True)
    verdict = serializers.ChoiceField(choices=Verdict.choices)

    class Meta:
        model = IncentiveReview
        fields = [
            "id",
            "incentive",
            "incentive_name",
            "function",
            "journey",
            "verdict",
            "rationale",
            "reviewer",
            "reviewer_name",
            "reviewed_at",
        ]
        read_only_fields = ["id", "reviewer", "reviewed_at"]


class _FunctionRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class _IncentiveRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    function = serializers.CharField(source="function.slug")


class _ConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="incentive.pk")
    name = serializers.CharField(source="incentive.name")
    function = serializers.CharField(source="incentive.function.slug")
    rationale = serializers.CharField(source="review.rationale")
    reviewed_at = serializers.DateTimeField(source="review.reviewed_at")


class _OwnerSerializer(serializers.Serializer):
    ownership = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    mandate = serializers.CharField()
    since = serializers.DateField(source="started_on")


class JourneyGapsSerializer(serializers.Serializer):
    """The ownership gaps of one journey (design section 7)."""

    journey = serializers.CharField(source="journey.slug")
    gaps = serializers.ListField(child=serializers.CharField(), source="codes")
    owner = _OwnerSerializer(allow_null=True)
    no_owner = serializers.BooleanField()
    functions = _FunctionRefSerializer(many=True)
    uncovered_functions = _FunctionRefSerializer(many=True)
    unreviewed_incentives = _IncentiveRefSerializer(many=True)
    conflicting_incentives = _ConflictSerializer(many=True)
    stale_map = serializers.BooleanField()
    map_reviewed_on = serializers.DateField(source="journey.map_reviewed_on", allow_null=True)
    aligned_incentives = serializers.IntegerField(source="aligned_count")
    active_incentives = serializers.IntegerField(source="incentive_count")
    harmonisation_index = serializers.FloatField(allow_null=True)
