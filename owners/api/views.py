"""API views of the owners app. Everybody logged in reads; writes follow design section 9."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.listcache import CachedListMixin
from journeys.models import Journey

from .. import services
from ..filters import (
    FunctionFilter,
    IncentiveFilter,
    IncentiveReviewFilter,
    OwnershipFilter,
    PersonFilter,
    ResponsibilityFilter,
    TeamMembershipFilter,
)
from ..models import Function, Incentive, IncentiveReview, Ownership, Person, Responsibility, TeamMembership
from ..selectors import journey_gaps
from . import serializers as s


def require(user, permission: str, obj=None) -> None:
    """403 unless the rules of design section 9 grant ``permission`` (on ``obj``)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied


class OrganisationViewSet(CachedListMixin, viewsets.ModelViewSet):
    """Functions, people, incentives: managers write, everybody logged in reads."""

    permission = "owners.manage_organisation"
    create_service = None
    update_service = None
    delete_service = None
    instance_argument = None

    def _check(self):
        require(self.request.user, self.permission)

    def create(self, request, *args, **kwargs):
        self._check()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        self._check()
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = type(self).update_service(**{self.instance_argument: instance}, **serializer.validated_data)
        return Response(self.get_serializer(instance).data)

    def destroy(self, request, *args, **kwargs):
        self._check()
        type(self).delete_service(**{self.instance_argument: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


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


class OwnershipViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who owns which journey, when. POST assigns (managers); the previous owner's term ends."""

    queryset = Ownership.objects.select_related("journey", "person")
    serializer_class = s.OwnershipSerializer
    filterset_class = OwnershipFilter
    search_fields = ["journey__name", "person__name", "mandate"]
    ordering_fields = ["started_on", "ended_on", "journey__name", "person__name"]

    @extend_schema(request=s.OwnershipAssignSerializer, responses={201: s.OwnershipSerializer})
    def create(self, request, *args, **kwargs):
        require(request.user, "owners.assign_owner")
        serializer = s.OwnershipAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "replaces" in data:
            data["expected_current"] = data.pop("replaces")
        ownership = services.ownership_assign(**data, assigned_by=request.user)
        return Response(s.OwnershipSerializer(ownership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OwnershipMandateSerializer, responses={200: s.OwnershipSerializer})
    def partial_update(self, request, *args, **kwargs):
        require(request.user, "owners.assign_owner")
        ownership = self.get_object()
        serializer = s.OwnershipMandateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ownership = services.ownership_update_mandate(ownership=ownership, **serializer.validated_data)
        return Response(s.OwnershipSerializer(ownership).data)

    @extend_schema(request=s.OwnershipEndSerializer, responses={200: s.OwnershipSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an active ownership without naming a successor."""
        require(request.user, "owners.assign_owner")
        ownership = self.get_object()
        serializer = s.OwnershipEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ownership = services.ownership_end(ownership=ownership, **serializer.validated_data)
        return Response(s.OwnershipSerializer(ownership).data)


class TeamMembershipViewSet(CachedListMixin, viewsets.ModelViewSet):
    """Journey teams: the journey's owner or a manager adds, changes roles and removes."""

    queryset = TeamMembership.objects.select_related("journey", "person__function")
    serializer_class = s.TeamMembershipSerializer
    filterset_class = TeamMembershipFilter
    search_fields = ["person__name", "role", "journey__name"]
    ordering_fields = ["person__name", "role", "journey__name", "created_at"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        require(request.user, "owners.manage_team", serializer.validated_data["journey"])
        membership = services.team_member_add(**serializer.validated_data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TeamMembershipRoleSerializer)
    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        require(request.user, "owners.manage_team", membership.journey)
        serializer = s.TeamMembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.team_member_change_role(membership=membership, **serializer.validated_data)
        return Response(self.get_serializer(membership).data)

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        require(request.user, "owners.manage_team", membership.journey)
        services.team_member_remove(membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResponsibilityViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Which function delivers each touchpoint: edited by the journey's owner or a manager."""

    queryset = Responsibility.objects.select_related("touchpoint__journey", "function")
    serializer_class = s.ResponsibilitySerializer
    filterset_class = ResponsibilityFilter
    search_fields = ["touchpoint__name", "touchpoint__key", "function__name"]
    ordering_fields = ["touchpoint__position", "function__name", "created_at"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        touchpoint = serializer.validated_data["touchpoint"]
        require(request.user, "journeys.change_journey", touchpoint.journey)
        responsibility = services.responsibility_create(**serializer.validated_data)
        return Response(self.get_serializer(responsibility).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        responsibility = self.get_object()
        require(request.user, "journeys.change_journey", responsibility.touchpoint.journey)
        services.responsibility_delete(responsibility=responsibility)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IncentiveReviewViewSet(
    CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Verdicts on incentives per journey: append-only (the newest per pair is current); managers."""

    queryset = IncentiveReview.objects.select_related("incentive__function", "journey", "reviewer")
    serializer_class = s.IncentiveReviewSerializer
    filterset_class = IncentiveReviewFilter
    search_fields = ["incentive__name", "rationale", "journey__name"]
    ordering_fields = ["reviewed_at", "verdict", "journey__name", "incentive__name"]

    def create(self, request, *args, **kwargs):
        require(request.user, "owners.review_incentive")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.incentive_review_create(
            **serializer.validated_data, reviewer=getattr(request.user, "person", None)
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


class JourneyGapsView(APIView):
    """GET /api/v1/journeys/{slug}/gaps/: the ownership gaps and harmonisation index of a journey."""

    @extend_schema(responses=s.JourneyGapsSerializer)
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        return Response(s.JourneyGapsSerializer(journey_gaps(journey)).data)
