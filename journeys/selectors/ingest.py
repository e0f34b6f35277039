"""Reads of ingested data: instances, interactions, imports, and the touchpoint keys ingest resolves."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import Import, Interaction, Journey, JourneyInstance
from ..records import TouchpointIndex

# The columns of the instances CSV export, in the order of ``journeys.records.CSV_COLUMNS`` (after "journey").
EXPORT_COLUMNS = (
    "external_id",
    "customer_ref",
    "segment",
    "started_at",
    "ended_at",
    "outcome",
    "satisfaction",
    "interactions__external_id",
    "interactions__touchpoint__key",
    "interactions__channel",
    "interactions__occurred_at",
    "interactions__satisfaction",
    "interactions__resolved",
    "interactions__repeat",
    "interactions__reidentified",
)


def touchpoint_index(journey: Journey) -> TouchpointIndex:
    """Touchpoint key -> (id, channel) for one journey: one query."""
    return {key: (pk, channel) for pk, key, channel in journey.touchpoints.values_list("id", "key", "channel")}


def _interaction_count():
    counts = (
        Interaction.objects.filter(instance=OuterRef("pk"))
        .order_by()
        .values("instance")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def instance_list() -> QuerySet[JourneyInstance]:
    """Instances with their journey and their number of interactions (one query per page)."""
    return JourneyInstance.objects.select_related("journey").annotate(interaction_count=_interaction_count())


def interaction_list() -> QuerySet[Interaction]:
    return Interaction.objects.select_related("instance__journey", "touchpoint")


def instance_export_rows(journey: Journey) -> QuerySet:
    """Every instance of the journey with its interactions, one row of ``EXPORT_COLUMNS`` per interaction.

    An instance without interactions gives one row with the interaction columns empty (None).
    """
    return (
        JourneyInstance.objects.filter(journey=journey)
        .order_by("started_at", "id", "interactions__occurred_at", "interactions__id")
        .values_list(*EXPORT_COLUMNS)
    )


def import_list(*, with_errors: bool = False) -> QuerySet[Import]:
    """Imports with their journey and uploader; the error reports (up to 1,000 entries) only when asked."""
    queryset = Import.objects.select_related("journey", "created_by")
    return queryset if with_errors else queryset.defer("errors")
