"""API views of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------

from django.db.models import Prefetch  # noqa: E402 (imports of each part stay in its block)
from drf_spectacular.utils import extend_schema, extend_schema_view  # noqa: E402
from rest_framework import permissions, status, viewsets  # noqa: E402
from rest_framework.decorators import action  # noqa: E402
from rest_framework.exceptions import PermissionDenied, ValidationError  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from core.concurrency import VersionETagMixin  # noqa: E402
from core.listcache import CachedListMixin  # noqa: E402
from journeys import selectors, services  # noqa: E402
from journeys.filters import JourneyFilterSet, StageFilterSet, TouchpointFilterSet  # noqa: E402
from journeys.models import Journey, Touchpoint  # noqa: E402

from .serializers import (  # noqa: E402
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
        return selectors.stage_list().prefetch_related(
            Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("position", "id"))
        )

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


# --- data ingest: instances, interactions, imports ---------------------------------------------

from django.conf import settings as _settings  # noqa: E402
from django.db.models import Count as _Count  # noqa: E402
from django.db.models import IntegerField as _IntegerField  # noqa: E402
from django.db.models import OuterRef as _OuterRef  # noqa: E402
from django.db.models import Subquery as _Subquery  # noqa: E402
from django.db.models.functions import Coalesce as _Coalesce  # noqa: E402
from django_filters.rest_framework import DjangoFilterBackend as _DjangoFilterBackend  # noqa: E402
from drf_spectacular.utils import extend_schema as _extend_schema  # noqa: E402
from rest_framework import mixins as _mixins  # noqa: E402
from rest_framework import permissions as _permissions  # noqa: E402
from rest_framework import status as _status  # noqa: E402
from rest_framework import viewsets as _viewsets  # noqa: E402
from rest_framework.filters import OrderingFilter as _OrderingFilter  # noqa: E402
from rest_framework.filters import SearchFilter as _SearchFilter  # noqa: E402
from rest_framework.response import Response as _Response  # noqa: E402
from rest_framework.views import APIView as _APIView  # noqa: E402

from core.ordering import nulls_last as _nulls_last  # noqa: E402
from core.pagination import EstimatedCountPagination  # noqa: E402
from core.parsers import FormParser as _CoreFormParser  # noqa: E402
from core.parsers import MultiPartParser as _CoreMultiPartParser  # noqa: E402
from core.rules import can_ingest as _can_ingest  # noqa: E402
from journeys import ingest as _ingest  # noqa: E402
from journeys.filters import ImportFilter, InteractionFilter, JourneyInstanceFilter  # noqa: E402
from journeys.models import Import as _Import  # noqa: E402
from journeys.models import Interaction as _Interaction  # noqa: E402
from journeys.models import JourneyInstance as _JourneyInstance  # noqa: E402

from .serializers import (  # noqa: E402
    ImportCreateSerializer,
    ImportListSerializer,
    ImportSerializer,
    IngestRequestSerializer,
    IngestResultSerializer,
    InteractionSerializer,
    JourneyInstanceSerializer,
)

MULTIPART_OVERHEAD_BYTES = 64 * 1024
INGEST_PERMISSION_MESSAGE = "Writing data needs the ingest permission (journeys.add_journeyinstance)."


class ReadAnyWriteIfIngest(_permissions.BasePermission):
    """Any login reads; writing needs the ingest permission (integration accounts, admins)."""

    message = INGEST_PERMISSION_MESSAGE

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in _permissions.SAFE_METHODS or _can_ingest(request.user)


class CanIngest(_permissions.BasePermission):
    message = INGEST_PERMISSION_MESSAGE

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and _can_ingest(request.user))


class NullsLastOrderingFilter(_OrderingFilter):
    """``?ordering=`` with empty values (no satisfaction, no end yet) last in both directions, on every database."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*[_nulls_last(queryset.model, name) for name in ordering], "pk")


DATA_FILTER_BACKENDS = [_DjangoFilterBackend, _SearchFilter, NullsLastOrderingFilter]


def _interaction_count():
    counts = (
        _Interaction.objects.filter(instance=_OuterRef("pk"))
        .order_by()
        .values("instance")
        .annotate(count=_Count("pk"))
        .values("count")
    )
    return _Coalesce(_Subquery(counts, output_field=_IntegerField()), 0)


class JourneyInstanceViewSet(CachedListMixin, _viewsets.ModelViewSet):
    """Journey instances: any login reads; writing needs the ingest permission."""

    pagination_class = EstimatedCountPagination
    serializer_class = JourneyInstanceSerializer
    permission_classes = [ReadAnyWriteIfIngest]
    filter_backends = DATA_FILTER_BACKENDS
    filterset_class = JourneyInstanceFilter
    search_fields = ["external_id", "customer_ref", "segment"]
    ordering_fields = ["started_at", "ended_at", "satisfaction", "external_id", "created_at", "updated_at"]
    ordering = ["-started_at", "id"]

    def get_queryset(self):
        return _JourneyInstance.objects.select_related("journey").annotate(interaction_count=_interaction_count())

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        journey = data.pop("journey")
        serializer.instance = _ingest.instance_create(journey=journey, data=data)

    def perform_update(self, serializer):
        serializer.instance = _ingest.instance_update(
            instance=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        _ingest.instance_delete(instance=instance)


class InteractionViewSet(CachedListMixin, _viewsets.ModelViewSet):
    """Interactions: any login reads; writing needs the ingest permission."""

    pagination_class = EstimatedCountPagination
    serializer_class = InteractionSerializer
    permission_classes = [ReadAnyWriteIfIngest]
    filter_backends = DATA_FILTER_BACKENDS
    filterset_class = InteractionFilter
    search_fields = ["external_id", "instance__external_id", "touchpoint__key", "touchpoint__name"]
    ordering_fields = ["occurred_at", "satisfaction", "external_id", "created_at", "updated_at"]
    ordering = ["occurred_at", "id"]

    def get_queryset(self):
        return _Interaction.objects.select_related("instance__journey", "touchpoint")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        instance = data.pop("instance")
        serializer.instance = _ingest.interaction_create(instance=instance, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "instance" in data:
            serializer.instance.instance = data.pop("instance")
        serializer.instance = _ingest.interaction_update(interaction=serializer.instance, data=data)

    def perform_destroy(self, instance):
        _ingest.interaction_delete(interaction=instance)


class IngestView(_APIView):
    """Upsert up to 1,000 instances of one journey with their interactions, all or nothing."""

    permission_classes = [CanIngest]

    @_extend_schema(
        request=IngestRequestSerializer,
        responses={200: IngestResultSerializer},
        description="All or nothing; upsert by external ids; errors are addressed by position, "
        "e.g. instances[3].interactions[0].touchpoint. Unchanged rows count in neither number.",
    )
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            return _Response(
                {"non_field_errors": ['Send a JSON object: {"journey": slug, "instances": [...]}.']},
                status=_status.HTTP_400_BAD_REQUEST,
            )
        try:
            counts = _ingest.ingest_batch(journey_slug=body.get("journey"), instances=body.get("instances"))
        except _ingest.IngestInvalid as invalid:
            return _Response(invalid.errors, status=_status.HTTP_400_BAD_REQUEST)
        return _Response({"created": counts.created, "updated": counts.updated})


class ImportViewSet(
    CachedListMixin,
    _mixins.CreateModelMixin,
    _mixins.ListModelMixin,
    _mixins.RetrieveModelMixin,
    _viewsets.GenericViewSet,
):
    """CSV imports: upload (multipart, 202), then follow status, progress, counts and errors."""

    permission_classes = [ReadAnyWriteIfIngest]
    filterset_class = ImportFilter
    search_fields = ["original_name"]
    ordering_fields = ["created_at", "finished_at", "status"]
    ordering = ["-created_at", "-id"]
    parser_classes = [_CoreMultiPartParser, _CoreFormParser]

    def get_queryset(self):
        queryset = _Import.objects.select_related("journey", "created_by")
        if self.action == "list":
            queryset = queryset.defer("errors")
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return ImportCreateSerializer
        if self.action == "list":
            return ImportListSerializer
        return ImportSerializer

    @_extend_schema(request=ImportCreateSerializer, responses={202: ImportSerializer, 413: None})
    def create(self, request, *args, **kwargs):
        # Refuse an oversized body before it is read; the file's own size is checked again by the service.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > _settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise _ingest.ImportTooLarge(_ingest.import_size_problem(declared), field="file")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = _ingest.import_create(
            file=serializer.validated_data["file"],
            journey=serializer.validated_data.get("journey"),
            user=request.user,
        )
        body = ImportSerializer(record, context=self.get_serializer_context()).data
        return _Response(body, status=_status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


# --- health --------------------------------------------------------------------------------------

import uuid  # noqa: E402

from django.shortcuts import get_object_or_404  # noqa: E402
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer  # noqa: E402
from rest_framework import serializers, status, viewsets  # noqa: E402
from rest_framework.exceptions import NotFound  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from core.queue import enqueue_on_commit  # noqa: E402
from journeys import health  # noqa: E402
from journeys.api.serializers import HealthSnapshotSerializer, JourneyHealthSerializer  # noqa: E402
from journeys.filters import HealthSnapshotFilter  # noqa: E402
from journeys.models import HealthSnapshot, Journey  # noqa: E402
from journeys.tasks import recompute_journey_health  # noqa: E402


class HealthSnapshotViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Stored health snapshots: one per journey, segment ('' = all customers) and day."""

    serializer_class = HealthSnapshotSerializer
    filterset_class = HealthSnapshotFilter
    search_fields = ["journey__name", "journey__slug", "segment"]
    ordering_fields = ["as_of", "score", "sample_size", "computed_at", "segment"]
    ordering = ["-as_of", "journey__slug", "segment"]

    def get_queryset(self):
        # Everyone logged in reads health (design section 9); the previous score explains health_drop.
        return health.with_previous_score(
            HealthSnapshot.objects.select_related("journey").prefetch_related("stage_health__stage")
        )


class JourneyHealthView(APIView):
    """GET journeys/{slug}/health/: the latest overall snapshot, explained, with its segments."""

    @extend_schema(responses={200: JourneyHealthSerializer, 404: OpenApiResponse(description="Never computed.")})
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        snapshot = health.latest_overall_snapshot(journey)
        if snapshot is None:
            raise NotFound(
                f"Health of journey '{journey.slug}' has never been computed. "
                f"POST /api/v1/journeys/{journey.slug}/recompute/ or ingest data to compute it."
            )
        return Response(JourneyHealthSerializer(snapshot).data)


class JourneyRecomputeView(APIView):
    """POST journeys/{slug}/recompute/: queue a health recompute (the journey's owner or a manager)."""

    @extend_schema(
        request=None,
        responses={202: inline_serializer("RecomputeQueued", {"task_id": serializers.CharField()})},
    )
    def post(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        if not request.user.has_perm("journeys.recompute_journey", journey):
            raise PermissionDenied("Only the journey's owner or a manager can recompute its health.")
        task_id = str(uuid.uuid4())
        if not enqueue_on_commit(recompute_journey_health, args=[journey.pk], task_id=task_id):
            return Response(
                {"detail": "The task queue is unavailable right now, so nothing was queued. Try again shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response({"task_id": task_id}, status=status.HTTP_202_ACCEPTED)
