"""API views of ingested data: instances, interactions, the JSON ingest batch and CSV imports."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ServiceModelViewSet, ServiceViewSet
from core.filters import DjangoFilterBackend, NullsLastOrderingFilter
from core.pagination import EstimatedCountPagination
from core.parsers import FormParser, MultiPartParser
from core.rules import can_ingest
from journeys.filters import ImportFilter, InteractionFilter, JourneyInstanceFilter
from journeys.selectors import ingest as selectors
from journeys.services import imports
from journeys.services import ingest as services

from ..serializers import (
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


class ReadAnyWriteIfIngest(permissions.BasePermission):
    """Any login reads; writing needs the ingest permission (integration accounts, admins)."""

    message = INGEST_PERMISSION_MESSAGE

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or can_ingest(request.user)


class CanIngest(permissions.BasePermission):
    message = INGEST_PERMISSION_MESSAGE

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_ingest(request.user))


DATA_FILTER_BACKENDS = [DjangoFilterBackend, SearchFilter, NullsLastOrderingFilter]


class JourneyInstanceViewSet(ServiceModelViewSet):
    """Journey instances: any login reads; writing needs the ingest permission."""

    pagination_class = EstimatedCountPagination
    serializer_class = JourneyInstanceSerializer
    permission_classes = [ReadAnyWriteIfIngest]
    filter_backends = DATA_FILTER_BACKENDS
    filterset_class = JourneyInstanceFilter
    search_fields = ["external_id", "customer_ref", "segment"]
    ordering_fields = ["started_at", "ended_at", "satisfaction", "external_id", "created_at", "updated_at"]
    ordering = ["-started_at", "id"]
    reload_after_write = True  # the answer carries interaction_count, as the list and the detail do

    def get_queryset(self):
        return selectors.instance_rows() if self.action == "list" else selectors.instance_list()

    def create(self, request, *args, **kwargs):
        data = self.validated_input()
        journey = data.pop("journey")
        return self.respond(services.instance_create(journey=journey, data=data), status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.validated_input(instance=instance, partial=kwargs.get("partial", False))
        return self.respond(services.instance_update(instance=instance, data=data))

    def perform_destroy(self, instance):
        services.instance_delete(instance=instance)


class InteractionViewSet(ServiceModelViewSet):
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
        return selectors.interaction_list()

    def create(self, request, *args, **kwargs):
        data = self.validated_input()
        instance = data.pop("instance")
        return self.respond(
            services.interaction_create(instance=instance, data=data), status_code=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        interaction = self.get_object()
        data = self.validated_input(instance=interaction, partial=kwargs.get("partial", False))
        if "instance" in data:
            interaction.instance = data.pop("instance")
        return self.respond(services.interaction_update(interaction=interaction, data=data))

    def perform_destroy(self, instance):
        services.interaction_delete(interaction=instance)


class IngestView(APIView):
    """Upsert up to 1,000 instances of one journey with their interactions, all or nothing."""

    permission_classes = [CanIngest]

    @extend_schema(
        request=IngestRequestSerializer,
        responses={200: IngestResultSerializer},
        description="All or nothing; upsert by external ids; errors are addressed by position, "
        "e.g. instances[3].interactions[0].touchpoint. Unchanged rows count in neither number. "
        "An upsert replaces the whole row, so a key that is not a field (a misspelt `satisfation`) is "
        "refused with a 400 naming it (`instances[0].satisfation`) rather than ignored.",
    )
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            return Response(
                {"non_field_errors": ['Send a JSON object: {"journey": slug, "instances": [...]}.']},
                status=status.HTTP_400_BAD_REQUEST,
            )
        unknown = services.unknown_keys(body, services.BATCH_KEYS)
        if unknown:
            return Response(unknown, status=status.HTTP_400_BAD_REQUEST)
        try:
            counts = services.instance_batch_ingest(journey_slug=body.get("journey"), instances=body.get("instances"))
        except services.IngestInvalid as invalid:
            return Response(invalid.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": counts.created, "updated": counts.updated})


class ImportViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceViewSet,
):
    """CSV imports: upload (multipart, 202), then follow status, progress, counts and errors."""

    permission_classes = [ReadAnyWriteIfIngest]
    filterset_class = ImportFilter
    search_fields = ["original_name"]
    ordering_fields = ["created_at", "finished_at", "status"]
    ordering = ["-created_at", "-id"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.import_list(with_errors=self.action != "list")

    def get_serializer_class(self):
        if self.action == "create":
            return ImportCreateSerializer
        if self.action == "list":
            return ImportListSerializer
        return ImportSerializer

    @extend_schema(request=ImportCreateSerializer, responses={202: ImportSerializer, 413: None})
    def create(self, request, *args, **kwargs):
        # Refuse an oversized body before it is read; the file's own size is checked again by the service.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise imports.ImportTooLarge(imports.import_size_problem(declared), field="file")
        data = self.validated_input()
        record = imports.import_create(file=data["file"], journey=data.get("journey"), user=request.user)
        body = ImportSerializer(record, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
