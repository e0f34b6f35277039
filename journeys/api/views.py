"""API views of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------

from django.conf import settings as _settings  # noqa: E402
from django.db.models import Count as _Count  # noqa: E402
from django.db.models import F as _F  # noqa: E402
from django.db.models import IntegerField as _IntegerField  # noqa: E402
from django.db.models import OuterRef as _OuterRef  # noqa: E402
from django.db.models import Subquery as _Subquery  # noqa: E402
from django.db.models.functions import Coalesce as _Coalesce  # noqa: E402
from django_filters.rest_framework import DjangoFilterBackend as _DjangoFilterBackend  # noqa: E402
from drf_spectacular.utils import extend_schema as _extend_schema  # noqa: E402
from rest_framework import mixins as _mixins  # noqa: E402
from rest_framework import parsers as _parsers  # noqa: E402
from rest_framework import permissions as _permissions  # noqa: E402
from rest_framework import status as _status  # noqa: E402
from rest_framework import viewsets as _viewsets  # noqa: E402
from rest_framework.filters import OrderingFilter as _OrderingFilter  # noqa: E402
from rest_framework.filters import SearchFilter as _SearchFilter  # noqa: E402
from rest_framework.response import Response as _Response  # noqa: E402
from rest_framework.views import APIView as _APIView  # noqa: E402

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
        expressions = [
            _F(name[1:]).desc(nulls_last=True) if name.startswith("-") else _F(name).asc(nulls_last=True)
            for name in ordering
        ]
        return queryset.order_by(*expressions, "pk")


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


class JourneyInstanceViewSet(_viewsets.ModelViewSet):
    """Journey instances: any login reads; writing needs the ingest permission."""

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


class InteractionViewSet(_viewsets.ModelViewSet):
    """Interactions: any login reads; writing needs the ingest permission."""

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
    _mixins.CreateModelMixin, _mixins.ListModelMixin, _mixins.RetrieveModelMixin, _viewsets.GenericViewSet
):
    """CSV imports: upload (multipart, 202), then follow status, progress, counts and errors."""

    permission_classes = [ReadAnyWriteIfIngest]
    filterset_class = ImportFilter
    search_fields = ["original_name"]
    ordering_fields = ["created_at", "finished_at", "status"]
    ordering = ["-created_at", "-id"]
    parser_classes = [_parsers.MultiPartParser, _parsers.FormParser]

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
