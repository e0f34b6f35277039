"""API views of journey maps: journeys, stages and touchpoints."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.concurrency import VersionETagMixin
from core.listcache import CachedListMixin
from journeys.filters import JourneyFilterSet, StageFilterSet, TouchpointFilterSet
from journeys.models import Journey
from journeys.selectors import maps as selectors
from journeys.services import maps as services

from ..serializers import (
    JourneyDetailSerializer,
    JourneyInputSerializer,
    JourneySerializer,
    StageCreateInputSerializer,
    StageReorderInputSerializer,
    StageSerializer,
    StageUpdateInputSerializer,
    TouchpointInputSerializer,
    TouchpointSerializer,
)


class JourneyMapPermission(permissions.BasePermission):
    """Design section 9: any login reads; a journey's owner or a manager changes its map; managers
    create and delete journeys. Creating a stage or touchpoint is checked by the view once it knows
    which journey the new row belongs to."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if view.action == "create" and isinstance(view, JourneyViewSet):
            return request.user.has_perm("journeys.create_journey")
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(obj, Journey) and view.action == "destroy":
            return request.user.has_perm("journeys.delete_journey", obj)
        return request.user.has_perm("journeys.change_journey", obj)


def _require_change(request, journey: Journey) -> None:
    if not request.user.has_perm("journeys.change_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can change its map.")


@extend_schema_view(
    partial_update=extend_schema(request=JourneyInputSerializer, responses={200: JourneyDetailSerializer})
)
class JourneyViewSet(CachedListMixin, VersionETagMixin, viewsets.ModelViewSet):
    """Journeys by slug. The detail nests the map: stages in order, each with its touchpoints."""

    lookup_field = "slug"
    permission_classes = [JourneyMapPermission]
    filterset_class = JourneyFilterSet
    search_fields = ["name", "slug", "description"]
    ordering_fields = [
        "name",
        "slug",
        "status",
        "tier",
        "service_position",
        "target_score",
        "map_reviewed_on",
        "created_at",
        "updated_at",
    ]
    ordering = ["name"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.journey_list()
        return selectors.journey_map_queryset()

    def get_serializer_class(self):
        return JourneySerializer if self.action == "list" else JourneyDetailSerializer

    def _detail_response(self, journey: Journey, status_code=status.HTTP_200_OK) -> Response:
        journey = selectors.journey_get(slug=journey.slug)
        return Response(
            JourneyDetailSerializer(journey, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=JourneyInputSerializer, responses={201: JourneyDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = JourneyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        journey = services.journey_create(**data)
        return self._detail_response(journey, status.HTTP_201_CREATED)

    @extend_schema(request=JourneyInputSerializer, responses={200: JourneyDetailSerializer})
    def update(self, request, *args, **kwargs):
        journey = self.get_object()
        serializer = JourneyInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("slug", None)
        if slug and slug != journey.slug:
            raise ValidationError({"slug": ["The slug cannot be changed: integrations and imports refer to it."]})
        version = self.expected_version(journey, data.pop("version", None))
        journey = services.journey_update(journey=journey, version=version, **data)
        return self._detail_response(journey)

    def perform_destroy(self, instance):
        services.journey_delete(journey=instance)

    @extend_schema(request=None, responses={200: JourneyDetailSerializer})
    @action(detail=True, methods=["post"], url_path="review-map")
    def review_map(self, request, slug=None):
        """The owner or a manager confirms the map is current: map_reviewed_on becomes today."""
        journey = self.get_object()
        if not request.user.has_perm("journeys.review_map", journey):
            raise PermissionDenied()
        journey = services.journey_review_map(journey=journey)
        return self._detail_response(journey)


@extend_schema_view(partial_update=extend_schema(request=StageUpdateInputSerializer, responses={200: StageSerializer}))
class StageViewSet(CachedListMixin, viewsets.ModelViewSet):
    """Stages of journey maps, each with its touchpoints. Positions are 0-based within a journey."""

    permission_classes = [JourneyMapPermission]
    serializer_class = StageSerializer
    filterset_class = StageFilterSet
    search_fields = ["name", "journey__name"]
    ordering_fields = ["position", "name", "journey__name", "created_at", "updated_at"]

    def get_queryset(self):
        return selectors.stage_list()

    def _response(self, stage, status_code=status.HTTP_200_OK) -> Response:
        stage = self.get_queryset().get(pk=stage.pk)
        return Response(StageSerializer(stage, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=StageCreateInputSerializer, responses={201: StageSerializer})
    def create(self, request, *args, **kwargs):
        serializer = StageCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require_change(request, data["journey"])
        stage = services.stage_create(journey=data["journey"], name=data["name"], position=data.get("position"))
        return self._response(stage, status.HTTP_201_CREATED)

    @extend_schema(request=StageUpdateInputSerializer, responses={200: StageSerializer})
    def update(self, request, *args, **kwargs):
        stage = self.get_object()
        serializer = StageUpdateInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        journey_slug = request.data.get("journey")
        if journey_slug not in (None, stage.journey.slug):
            raise ValidationError({"journey": ["A stage cannot move to another journey."]})
        stage = services.stage_update(stage=stage, **serializer.validated_data)
        return self._response(stage)

    def perform_destroy(self, instance):
        services.stage_delete(stage=instance)

    @extend_schema(request=StageReorderInputSerializer, responses={200: StageSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        """Put a journey's stages in a new order: ``{"journey": slug, "stage_ids": [every stage, in order]}``."""
        serializer = StageReorderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        journey = serializer.validated_data["journey"]
        _require_change(request, journey)
        services.stage_reorder(journey=journey, stage_ids=serializer.validated_data["stage_ids"])
        stages = self.get_queryset().filter(journey=journey).order_by("position")
        return Response(StageSerializer(stages, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    partial_update=extend_schema(request=TouchpointInputSerializer, responses={200: TouchpointSerializer})
)
class TouchpointViewSet(CachedListMixin, viewsets.ModelViewSet):
    """Touchpoints of journey maps. The journey is the stage's; ``key`` is unique within the journey.

    PUT/PATCH with another ``stage`` (of the same journey) or ``position`` moves the touchpoint."""

    permission_classes = [JourneyMapPermission]
    serializer_class = TouchpointSerializer
    filterset_class = TouchpointFilterSet
    search_fields = ["name", "key", "description"]
    ordering_fields = ["position", "name", "key", "channel", "stage__position", "created_at", "updated_at"]

    def get_queryset(self):
        return selectors.touchpoint_list()

    def _response(self, touchpoint, status_code=status.HTTP_200_OK) -> Response:
        touchpoint = self.get_queryset().get(pk=touchpoint.pk)
        return Response(
            TouchpointSerializer(touchpoint, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=TouchpointInputSerializer, responses={201: TouchpointSerializer})
    def create(self, request, *args, **kwargs):
        serializer = TouchpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _require_change(request, data["stage"].journey)
        touchpoint = services.touchpoint_create(**data)
        return self._response(touchpoint, status.HTTP_201_CREATED)

    @extend_schema(request=TouchpointInputSerializer, responses={200: TouchpointSerializer})
    def update(self, request, *args, **kwargs):
        touchpoint = self.get_object()
        serializer = TouchpointInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        touchpoint = services.touchpoint_update(touchpoint=touchpoint, **serializer.validated_data)
        return self._response(touchpoint)

    def perform_destroy(self, instance):
        services.touchpoint_delete(touchpoint=instance)
