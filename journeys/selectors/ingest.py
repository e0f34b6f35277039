"""Reads of ingested data: instances, interactions, imports, and the touchpoint keys ingest resolves."""

from django.db.models import Case, CharField, Count, F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce

from core.prototypes import built_once

from ..models import Import, Interaction, Journey, JourneyInstance
from ..records import TouchpointIndex


class UtcIsoText(Func):
    """A date-time column as ISO 8601 text in UTC, as ``datetime.isoformat()`` writes it
    (``2026-03-01T09:30:00+00:00``, microseconds only when there are some), made by the database.

    The export reads text, not date-times: turning a million date-times into Python objects and back
    into text costs more than everything else it does.
    """

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        moment = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        sql = f"(replace({moment}, '.000000', '') || '+00:00')"
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores an aware date-time on SQLite as its UTC str(): "2026-03-01 09:30:00[.123456]".
        column, params = compiler.compile(self.source_expressions[0])
        return f"(replace({column}, ' ', 'T') || '+00:00')", params


def _yes_no_text(column: str) -> Case:
    return Case(
        When(**{column: True}, then=Value("true")),
        When(**{column: False}, then=Value("false")),
        output_field=CharField(),
    )


# The columns of the instances CSV export after "journey", in the order of ``journeys.records.CSV_COLUMNS``,
# each as the import reads it back (text; None for an empty cell).
EXPORT_COLUMNS = {
    "external_id": F("external_id"),
    "customer_ref": F("customer_ref"),
    "segment": F("segment"),
    "started_at": UtcIsoText("started_at"),
    "ended_at": UtcIsoText("ended_at"),
    "outcome": F("outcome"),
    "instance_satisfaction": Cast("satisfaction", CharField()),
    "interaction_external_id": F("interactions__external_id"),
    "touchpoint": F("interactions__touchpoint__key"),
    "channel": F("interactions__channel"),
    "occurred_at": UtcIsoText("interactions__occurred_at"),
    "interaction_satisfaction": Cast("interactions__satisfaction", CharField()),
    "resolved": _yes_no_text("interactions__resolved"),
    "repeat": _yes_no_text("interactions__repeat"),
    "reidentified": _yes_no_text("interactions__reidentified"),
}


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


@built_once
def instance_rows() -> QuerySet[JourneyInstance]:
    """``instance_list`` for the API's list: of the journey only the slug a row shows, as ``journey_slug``.

    The journey's other columns (its description, three timestamps) were built and parsed for every
    row of a page and read by no one; the journey itself, joined and built as a second model for every
    row, cost 0.35 ms more of a 3.7 ms request (scale 1, one process) than its slug as a column.
    ``JourneyInstanceSerializer`` reads it there in a list (``Meta.list_columns``). The rows are dicts of the
    columns (``values()``), which the list's row loop reads by key: building 50 instance models was 0.45 ms of a
    4.3 ms request (scale 1, one process, in-process A/B).
    """
    return instance_list().select_related(None).annotate(journey_slug=F("journey__slug")).values()


def interaction_list() -> QuerySet[Interaction]:
    return Interaction.objects.select_related("instance__journey", "touchpoint")


def instance_export_rows(journey: Journey) -> QuerySet:
    """Every instance of the journey with its interactions as rows of the CSV format (``CSV_COLUMNS``), as text.

    One row per interaction; an instance without interactions gives one row with the interaction
    columns empty (None). The values are text made by the database (``EXPORT_COLUMNS``), so rows go
    to the CSV writer as they come.
    """
    return (
        JourneyInstance.objects.filter(journey=journey)
        .order_by("started_at", "id", "interactions__occurred_at", "interactions__id")
        .annotate(export_journey=Value(journey.slug, output_field=CharField()))
        .annotate(**{f"export_{name}": expression for name, expression in EXPORT_COLUMNS.items()})
        .values_list("export_journey", *(f"export_{name}" for name in EXPORT_COLUMNS))
    )


def import_list(*, with_errors: bool = False) -> QuerySet[Import]:
    """Imports with their journey and uploader; the error reports (up to 1,000 entries) only when asked."""
    queryset = Import.objects.select_related("journey", "created_by")
    return queryset if with_errors else queryset.defer("errors")
