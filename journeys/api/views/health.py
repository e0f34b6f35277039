"""API views of journey health: stored snapshots, the latest one explained, an on-demand recompute."""

import uuid

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ChosenFieldsMixin
from core.pagination import EstimatedCountPagination
from core.queue import enqueue_on_commit
from journeys.api.serializers import HealthSnapshotSerializer, JourneyHealthSerializer
from journeys.filters import HealthSnapshotFilter
from journeys.models import Journey
from journeys.selectors import health, where
from journeys.tasks import recompute_journey_health

SEGMENT_PARAMETER = OpenApiParameter(
    "segment", str, description="A segment's latest snapshot instead of all customers'.", required=False
)


class HealthSnapshotViewSet(ChosenFieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Stored health snapshots: one per journey, segment ('' = all customers) and day."""

    serializer_class = HealthSnapshotSerializer
    # 45,000 snapshots at scale 1 (50 journeys, their segments, a year of days): an exact count of them all
    # was 4-5 ms of a 20 ms page, more than the page's own query.
    pagination_class = EstimatedCountPagination
    filterset_class = HealthSnapshotFilter
    search_fields = ["journey__name", "journey__slug", "segment"]
    ordering_fields = ["as_of", "score", "sample_size", "computed_at", "segment"]
    ordering = ["-as_of", "journey__slug", "segment"]

    def get_queryset(self):
        # Everyone logged in reads health (design section 9); the previous score explains health_drop: a list page
        # reads it for the snapshots that have one (HealthSnapshotListSerializer), one snapshot with its row.
        if self.action == "list":
            return health.snapshot_rows()
        return health.snapshot_list(previous=self.answers_field("alerts"))


class JourneyHealthView(APIView):
    """GET journeys/{slug}/health/: the latest overall snapshot, explained, with its segments."""

    @extend_schema(
        parameters=[SEGMENT_PARAMETER],
        responses={200: JourneyHealthSerializer, 404: OpenApiResponse(description="Never computed.")},
    )
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        segment = request.query_params.get("segment")
        if segment:  # a segment's own latest snapshot, with its touchpoint health (design section 13)
            snapshot = where.latest_segment_snapshot(journey, segment)
            if snapshot is None:
                raise NotFound(
                    f"Segment '{segment}' of journey '{journey.slug}' has no health snapshot: it is unknown or had "
                    f"fewer than {journey.min_sample} instances in the window."
                )
            return Response(JourneyHealthSerializer(snapshot).data)
        snapshot = health.latest_overall_snapshot(journey)
        if snapshot is None:
            raise NotFound(
                f"Health of journey '{journey.slug}' has never been computed. "
                f"POST /api/v1/journeys/{journey.slug}/recompute/ or ingest data to compute it."
            )
        prefetch_related_objects([snapshot], where.touchpoint_prefetch())
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
