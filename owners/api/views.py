"""API views of the owners app. Everybody logged in reads; writes follow design section 9."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ServiceModelViewSet, ServiceViewSet
from journeys.models import Journey

from .. import services
from ..filters import (
    FunctionFilter,
    IncentiveFilter,
    IncentiveMeasurementFilter,
    IncentiveReviewFilter,
    OwnershipFilter,
    PersonFilter,
    ResponsibilityFilter,
    TeamMembershipFilter,
)
from ..models import (
    Function,
    Incentive,
    IncentiveMeasurement,
    IncentiveReview,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)
from ..selectors import evidence_list, journey_gaps
from . import serializers as s


class OrganisationViewSet(
    ServiceModelViewSet,
):
    """Functions, people, incentives: managers write, everybody logged in reads."""

    permission = "owners.manage_organisation"
    create_service = None
    update_service = None
    delete_service = None
    instance_argument = None

    def create(self, request, *args, **kwargs):
        self.require(self.permission)
        instance = type(self).create_service(**self.validated_input())
        return self.respond(instance, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        self.require(self.permission)
        instance = self.get_object()
        data = self.validated_input(instance=instance, partial=kwargs.pop("partial", False))
        instance = type(self).update_service(**{self.instance_argument: instance}, **data)
        return self.respond(instance)

    def destroy(self, request, *args, **kwargs):
        self.require(self.permission)
        type(self).delete_service(**{self.instance_argument: self.get_object()})
        return self.respond_no_content()


class FunctionViewSet(OrganisationViewSet):
    queryset = Function.objects.select_related("head")
    serializer_class = s.FunctionSerializer
    filterset_class = FunctionFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "slug", "created_at"]
    lookup_field = "slug"
    create_service = services.function_create
    update_service = services.function_update
    delete_service = services.function_delete
    instance_argument = "function"


class PersonViewSet(OrganisationViewSet):
    queryset = Person.objects.select_related("function")
    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["name", "email", "title"]
    ordering_fields = ["name", "email", "created_at"]
    create_service = services.person_create
    update_service = services.person_update
    delete_service = services.person_delete
    instance_argument = "person"


class IncentiveViewSet(OrganisationViewSet):
    queryset = Incentive.objects.select_related("function")
    serializer_class = s.IncentiveSerializer
    filterset_class = IncentiveFilter
    search_fields = ["name", "measure", "target", "function__name"]
    ordering_fields = ["name", "function__name", "weight", "created_at"]
    create_service = services.incentive_create
    update_service = services.incentive_update
    delete_service = services.incentive_delete
    instance_argument = "incentive"

    @extend_schema(
        responses=s.IncentiveEvidenceSerializer(many=True),
        description="What the periods say: per journey the incentive's function touches, Spearman's rho of the "
        "measure (better for the function up) and the health score, its 90% bootstrap interval, the periods "
        "used and the signal (conflict_signal, alignment_signal, no_signal, not_enough_history).",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def evidence(self, request, pk=None):
        incentive = self.get_object()
        rows = evidence_list(incentive_id=incentive.pk)
        return Response(s.IncentiveEvidenceSerializer(rows, many=True).data)


class IncentiveMeasurementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Incentive measurements: everybody reads; managers and integration accounts feed them (bulk upsert)."""

    queryset = IncentiveMeasurement.objects.select_related("incentive").order_by("incentive_id", "-period_end", "id")
    serializer_class = s.IncentiveMeasurementSerializer
    filterset_class = IncentiveMeasurementFilter
    ordering_fields = ["period_end", "value", "created_at"]
    permission_message = "Measurements are fed by managers and integration accounts."

    @extend_schema(
        request=s.MeasurementBatchSerializer,
        responses={200: s.MeasurementResultSerializer},
        description="Up to 1,000 measurements, all or nothing; upsert by (incentive, period_end); errors are "
        "addressed by position, e.g. measurements[3].value. Unchanged rows count in neither number.",
    )
    def create(self, request, *args, **kwargs):
        self.require("owners.feed_measurements")
        body = request.data
        if not isinstance(body, dict):
            return Response(
                {"non_field_errors": ['Send a JSON object: {"measurements": [...]}.']},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            counts = services.incentive_measurements_ingest(measurements=body.get("measurements"))
        except services.MeasurementsInvalid as invalid:
            return Response(invalid.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": counts.created, "updated": counts.updated})


class OwnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Who owns which journey, when. POST assigns (managers); the previous owner's term ends."""

    queryset = Ownership.objects.select_related("journey", "person")
    serializer_class = s.OwnershipSerializer
    filterset_class = OwnershipFilter
    search_fields = ["journey__name", "person__name", "mandate"]
    ordering_fields = ["started_on", "ended_on", "journey__name", "person__name"]

    @extend_schema(request=s.OwnershipAssignSerializer, responses={201: s.OwnershipSerializer})
    def create(self, request, *args, **kwargs):
        self.require("owners.assign_owner")
        data = self.validated_input(s.OwnershipAssignSerializer)
        if "replaces" in data:
            data["expected_current"] = data.pop("replaces")
        ownership = services.ownership_assign(**data, assigned_by=request.user)
        return self.respond(ownership, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.OwnershipMandateSerializer, responses={200: s.OwnershipSerializer})
    def partial_update(self, request, *args, **kwargs):
        self.require("owners.assign_owner")
        ownership = self.get_object()
        data = self.validated_input(s.OwnershipMandateSerializer)
        return self.respond(services.ownership_update_mandate(ownership=ownership, **data))

    @extend_schema(request=s.OwnershipEndSerializer, responses={200: s.OwnershipSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an active ownership without naming a successor."""
        self.require("owners.assign_owner")
        ownership = self.get_object()
        data = self.validated_input(s.OwnershipEndSerializer)
        return self.respond(services.ownership_end(ownership=ownership, **data))


class TeamMembershipViewSet(
    ServiceModelViewSet,
):
    """Journey teams: the journey's owner or a manager adds, changes roles and removes."""

    queryset = TeamMembership.objects.select_related("journey", "person__function")
    serializer_class = s.TeamMembershipSerializer
    filterset_class = TeamMembershipFilter
    search_fields = ["person__name", "role", "journey__name"]
    ordering_fields = ["person__name", "role", "journey__name", "created_at"]

    def create(self, request, *args, **kwargs):
        # Refuse before validating: the full validation would tell anyone "already on the team".
        self.require("owners.manage_team", self.validated_field(s.TeamMembershipSerializer, "journey"))
        data = self.validated_input()
        return self.respond(services.team_member_add(**data), status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.TeamMembershipRoleSerializer)
    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        self.require("owners.manage_team", membership.journey)
        data = self.validated_input(s.TeamMembershipRoleSerializer)
        return self.respond(services.team_member_change_role(membership=membership, **data))

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        self.require("owners.manage_team", membership.journey)
        services.team_member_remove(membership=membership)
        return self.respond_no_content()


class ResponsibilityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    """Which function delivers each touchpoint: edited by the journey's owner or a manager."""

    queryset = Responsibility.objects.select_related("touchpoint__journey", "function")
    serializer_class = s.ResponsibilitySerializer
    filterset_class = ResponsibilityFilter
    search_fields = ["touchpoint__name", "touchpoint__key", "function__name"]
    ordering_fields = ["touchpoint__position", "function__name", "created_at"]

    def create(self, request, *args, **kwargs):
        # Refuse before validating: the full validation would tell anyone what is already assigned.
        self.require("journeys.change_journey", self.validated_field(s.ResponsibilitySerializer, "touchpoint").journey)
        data = self.validated_input()
        return self.respond(services.responsibility_create(**data), status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        responsibility = self.get_object()
        self.require("journeys.change_journey", responsibility.touchpoint.journey)
        services.responsibility_delete(responsibility=responsibility)
        return self.respond_no_content()


class IncentiveReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ServiceViewSet):
    """Verdicts on incentives per journey: append-only (the newest per pair is current); managers."""

    queryset = IncentiveReview.objects.select_related("incentive__function", "journey", "reviewer")
    serializer_class = s.IncentiveReviewSerializer
    filterset_class = IncentiveReviewFilter
    search_fields = ["incentive__name", "rationale", "journey__name"]
    ordering_fields = ["reviewed_at", "verdict", "journey__name", "incentive__name"]

    def create(self, request, *args, **kwargs):
        self.require("owners.review_incentive")
        data = self.validated_input()
        review = services.incentive_review_create(**data, reviewer=getattr(request.user, "person", None))
        return self.respond(review, status_code=status.HTTP_201_CREATED)


class JourneyGapsView(APIView):
    """GET /api/v1/journeys/{slug}/gaps/: the ownership gaps and harmonisation index of a journey."""

    @extend_schema(responses=s.JourneyGapsSerializer)
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        return Response(s.JourneyGapsSerializer(journey_gaps(journey)).data)


class JourneyIncentiveEvidenceView(APIView):
    """GET /api/v1/journeys/{slug}/incentive-evidence/: the evidence of every incentive touching a journey."""

    @extend_schema(responses=s.IncentiveEvidenceSerializer(many=True))
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        return Response(s.IncentiveEvidenceSerializer(evidence_list(journey_id=journey.pk), many=True).data)
