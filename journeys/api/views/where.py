"""API views of "where to act" (design section 13): hand-offs, paths and key drivers of a journey."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from journeys.api.where_serializers import DriversSerializer, HandoffsSerializer, PathsSerializer
from journeys.models import Journey
from journeys.selectors import where

NEVER_COMPUTED = OpenApiResponse(description="Health of the journey has never been computed.")


def _never_computed(journey: Journey, what: str) -> NotFound:
    return NotFound(
        f"{what} of journey '{journey.slug}' have never been computed. "
        f"POST /api/v1/journeys/{journey.slug}/recompute/ or ingest data to compute them."
    )


class JourneyHandoffsView(APIView):
    """GET journeys/{slug}/handoffs/: the from-channel x to-channel hand-offs of the latest overall snapshot."""

    @extend_schema(responses={200: HandoffsSerializer, 404: NEVER_COMPUTED})
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        snapshot = where.latest_snapshot(journey)
        if snapshot is None:
            raise _never_computed(journey, "Hand-offs")
        matrix = where.handoff_matrix(snapshot)
        data = {
            "journey": journey.slug,
            "as_of": snapshot.as_of,
            "segment": snapshot.segment,
            "handoffs": matrix["handoffs"],
            "worst": matrix["worst"],
        }
        return Response(HandoffsSerializer(data).data)


class JourneyPathsView(APIView):
    """GET journeys/{slug}/paths/: how customers really moved through the stages (latest overall snapshot)."""

    @extend_schema(responses={200: PathsSerializer, 404: NEVER_COMPUTED})
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        snapshot = where.latest_with_paths(journey)
        if snapshot is None:
            raise _never_computed(journey, "Paths")
        paths = snapshot.paths
        data = {
            "journey": journey.slug,
            "as_of": snapshot.as_of,
            "segment": snapshot.segment,
            "instances_with_path": paths.instances_with_path,
            "in_order_rate": paths.in_order_rate,
            "back_steps_per_instance": paths.back_steps_per_instance,
            "skip_rate": paths.skip_rates,
            "top_paths": paths.top_paths,
            "flow": paths.flow,
        }
        return Response(PathsSerializer(data).data)


class JourneyDriversView(APIView):
    """GET journeys/{slug}/drivers/: key drivers of satisfaction (LMG), computed by the latest day's recompute."""

    @extend_schema(responses={200: DriversSerializer, 404: NEVER_COMPUTED})
    def get(self, request, slug):
        journey = get_object_or_404(Journey, slug=slug)
        snapshot = where.latest_with_drivers(journey)
        if snapshot is None:
            raise _never_computed(journey, "Key drivers")
        drivers = snapshot.drivers
        data = {
            "journey": journey.slug,
            "as_of": snapshot.as_of,
            "segment": snapshot.segment,
            "tier": journey.tier,
            "rated_instances": drivers.rated_instances,
            "complete_cases": drivers.complete_cases,
            "needed_cases": drivers.needed_cases,
            "computed": drivers.r_squared is not None,
            "message": where.drivers_message(drivers),
            "r_squared": drivers.r_squared,
            "predictors": drivers.predictors,
        }
        return Response(DriversSerializer(data).data)
