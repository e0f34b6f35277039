"""API views of journey maps: journeys, stages and touchpoints."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api import ServiceModelViewSet
from core.concurrency import VersionETagMixin
from journeys.filters import JourneyFilterSet, StageFilterSet, TouchpointFilterSet
from journeys.models import Journey
from journeys.selectors import framework as framework_selectors
from journeys.selectors import maps as selectors
from journeys.services import copies
from journeys.services import maps as services

from ..serializers import (
    JourneyChildrenSerializer,
    JourneyCopyInputSerializer,
    JourneyCreateInputSerializer,
    JourneyDetailSerializer,
    JourneyInputSerializer,
    JourneySerializer,
    JourneyTemplateSerializer,
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
        if view.action in ("create", "copy") and isinstance(view, JourneyViewSet):
            return request.user.has_perm("journeys.create_journey")
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(obj, Journey) and view.action == "destroy":
            return request.user.has_perm("journeys.delete_journey", obj)
        return request.user.has_perm("journeys.change_journey", obj)


CHANGE_MAP_REFUSED = "Only the journey's owner or a manager can change its map."


@extend_schema_view(
    partial_update=extend_schema(request=JourneyInputSerializer, responses={200: JourneyDetailSerializer})
)
class JourneyViewSet(VersionETagMixin, ServiceModelViewSet):
    """Journeys by slug. The detail nests the map: stages in order, each with its touchpoints."""

    lookup_field = "slug"
    permission_classes = [JourneyMapPermission]
    reload_after_write = True
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
            return selectors.journey_rows()
        if self.action == "children":
            return selectors.journey_list()
        # The API gives the whole map, retired elements included with their retired_at.
        return selectors.journey_map_queryset(include_retired=True)

    def get_serializer_class(self):
        return JourneySerializer if self.action == "list" else JourneyDetailSerializer

    @extend_schema(request=JourneyCreateInputSerializer, responses={201: JourneyDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Create a journey: blank, or with ``template`` drawn from a template as a draft (with its map)."""
        data = self.validated_input(JourneyCreateInputSerializer)
        data.pop("version", None)
        template = data.pop("template", None)
        keys = data.pop("keys", None)
        if template is None:
            if keys:
                raise ValidationError({"keys": ["Touchpoint keys are only chosen with a template."]})
            return self.respond(services.journey_create(**data), status_code=status.HTTP_201_CREATED)
        name, slug = data.pop("name"), data.pop("slug", "")
        journey = copies.journey_create_from_template(
            template=template, name=name, slug=slug, keys=keys, overrides=data
        )
        return self.respond(journey, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=JourneyInputSerializer, responses={200: JourneyDetailSerializer})
    def update(self, request, *args, **kwargs):
        journey = self.get_object()
        data = self.validated_input(JourneyInputSerializer, partial=kwargs.get("partial", False))
        slug = data.pop("slug", None)
        if slug and slug != journey.slug:
            raise ValidationError({"slug": ["The slug cannot be changed: integrations and imports refer to it."]})
        version = self.expected_version(journey, data.pop("version", None))
        return self.respond(services.journey_update(journey=journey, version=version, **data))

    def perform_destroy(self, instance):
        services.journey_delete(journey=instance)

    @extend_schema(request=None, responses={200: JourneyChildrenSerializer})
    @action(detail=True, methods=["get"])
    def children(self, request, slug=None):
        """The journey's parts in the framework (by name), each with owner and health, and their roll-up:
        the sample-weighted mean of the parts' latest scores, with the parts left out and why."""
        journey = self.get_object()
        node = framework_selectors.journey_framework().node(journey)
        return Response(JourneyChildrenSerializer(node, context=self.get_serializer_context()).data)

    @extend_schema(request=JourneyCopyInputSerializer, responses={201: JourneyDetailSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, slug=None):
        """Managers: a new draft journey with this journey's map (stages, touchpoints, responsibilities in
        use), never its data. ``keys`` changes touchpoint keys (source key -> the copy's key)."""
        source = self.get_object()
        data = self.validated_input(JourneyCopyInputSerializer)
        journey = copies.journey_copy(
            source=source, name=data["name"], slug=data.get("slug", ""), keys=data.get("keys")
        )
        return self.respond(journey, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: JourneyDetailSerializer})
    @action(detail=True, methods=["post"], url_path="review-map")
    def review_map(self, request, slug=None):
        """The owner or a manager confirms the map is current: map_reviewed_on becomes today."""
        journey = self.get_object()
        self.require("journeys.review_map", journey)
        return self.respond(services.journey_review_map(journey=journey))


@extend_schema_view(partial_update=extend_schema(request=StageUpdateInputSerializer, responses={200: StageSerializer}))
class StageViewSet(ServiceModelViewSet):
    """Stages of journey maps, each with its touchpoints. Positions are 0-based within a journey."""

    permission_classes = [JourneyMapPermission]
    permission_message = CHANGE_MAP_REFUSED
    reload_after_write = True
    serializer_class = StageSerializer
    filterset_class = StageFilterSet
    search_fields = ["name", "journey__name"]
    ordering_fields = ["position", "name", "journey__name", "created_at", "updated_at"]

    def get_queryset(self):
        return selectors.stage_list()

    @extend_schema(request=StageCreateInputSerializer, responses={201: StageSerializer})
    def create(self, request, *args, **kwargs):
        self.require("journeys.change_journey", self.validated_field(StageCreateInputSerializer, "journey"))
        data = self.validated_input(StageCreateInputSerializer)
        stage = services.stage_create(journey=data["journey"], name=data["name"], position=data.get("position"))
        return self.respond(stage, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=StageUpdateInputSerializer, responses={200: StageSerializer})
    def update(self, request, *args, **kwargs):
        stage = self.get_object()
        data = self.validated_input(StageUpdateInputSerializer, partial=kwargs.get("partial", False))
        journey_slug = request.data.get("journey")
        if journey_slug not in (None, stage.journey.slug):
            raise ValidationError({"journey": ["A stage cannot move to another journey."]})
        retired = data.pop("retired", None)
        with transaction.atomic():  # a refused retire or bring-back leaves the other changes unmade too
            stage = services.stage_update(stage=stage, **data)
            if retired is not None and retired != stage.is_retired:
                stage = services.stage_retire(stage=stage) if retired else services.stage_bring_back(stage=stage)
        return self.respond(stage)

    def perform_destroy(self, instance):
        services.stage_delete(stage=instance)

    @extend_schema(request=StageReorderInputSerializer, responses={200: StageSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        """Put a journey's stages in a new order: ``{"journey": slug, "stage_ids": [every stage, in order]}``."""
        data = self.validated_input(StageReorderInputSerializer)
        journey = data["journey"]
        self.require("journeys.change_journey", journey)
        services.stage_reorder(journey=journey, stage_ids=data["stage_ids"])
        stages = self.get_queryset().filter(journey=journey).order_by("position")
        return Response(StageSerializer(stages, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    partial_update=extend_schema(request=TouchpointInputSerializer, responses={200: TouchpointSerializer})
)
class TouchpointViewSet(ServiceModelViewSet):
    """Touchpoints of journey maps. The journey is the stage's; ``key`` is unique within the journey.

    PUT/PATCH with another ``stage`` (of the same journey) or ``position`` moves the touchpoint."""

    permission_classes = [JourneyMapPermission]
    permission_message = CHANGE_MAP_REFUSED
    reload_after_write = True
    serializer_class = TouchpointSerializer
    filterset_class = TouchpointFilterSet
    search_fields = ["name", "key", "description"]
    ordering_fields = ["position", "name", "key", "channel", "stage__position", "created_at", "updated_at"]

    def get_queryset(self):
        return selectors.touchpoint_list()

    @extend_schema(request=TouchpointInputSerializer, responses={201: TouchpointSerializer})
    def create(self, request, *args, **kwargs):
        self.require("journeys.change_journey", self.validated_field(TouchpointInputSerializer, "stage").journey)
        data = self.validated_input(TouchpointInputSerializer)
        if data.pop("retired", False):
            raise ValidationError({"retired": ["A new touchpoint cannot be retired; create it, then retire it."]})
        return self.respond(services.touchpoint_create(**data), status_code=status.HTTP_201_CREATED)

    @extend_schema(request=TouchpointInputSerializer, responses={200: TouchpointSerializer})
    def update(self, request, *args, **kwargs):
        touchpoint = self.get_object()
        data = self.validated_input(TouchpointInputSerializer, partial=kwargs.get("partial", False))
        retired = data.pop("retired", None)
        with transaction.atomic():  # a refused retire or bring-back leaves the other changes unmade too
            touchpoint = services.touchpoint_update(touchpoint=touchpoint, **data)
            if retired is not None and retired != touchpoint.is_retired:
                touchpoint = (
                    services.touchpoint_retire(touchpoint=touchpoint)
                    if retired
                    else services.touchpoint_bring_back(touchpoint=touchpoint)
                )
        return self.respond(touchpoint)

    def perform_destroy(self, instance):
        services.touchpoint_delete(touchpoint=instance)


class JourneyTemplateViewSet(viewsets.ViewSet):
    """The templates a journey can start from (any login reads; managers create from them).

    Templates are code (journeys.map_templates): the list costs no query and is not paginated.
    """

    lookup_field = "key"
    serializer_class = JourneyTemplateSerializer

    @extend_schema(responses={200: JourneyTemplateSerializer(many=True)})
    def list(self, request):
        return Response(JourneyTemplateSerializer(selectors.template_summaries(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description="The template's key.")],
        responses={200: JourneyTemplateSerializer},
    )
    def retrieve(self, request, key=None):
        for summary in selectors.template_summaries():
            if summary["key"] == key:
                return Response(JourneyTemplateSerializer(summary).data)
        raise NotFound("There is no template with this key.")
