"""Reads of the journeys app that serve several callers: journey lists, the map, the blueprint, Mermaid.

The active owner is read through the reverse relation ``ownerships`` (declared by the owners app)
with ORM lookups only, so journeys never imports owners.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from core.prototypes import built_once

from ..health_components import OVERALL
from ..layers import LAYERS, Layer
from ..map_templates import FUNCTION_NAMES, TEMPLATES
from ..models import HealthSnapshot, Interaction, Journey, Stage, StageHealth, Touchpoint
from ..panels import lane_provider
from .where import page_snapshot

STALE_MAP_DAYS = 90
DEFAULT_LANE = "All touchpoints"
UNASSIGNED_LANE = "No function assigned"


def journey_list() -> QuerySet[Journey]:
    """Journeys with their active owner as ``owner_id`` / ``owner_name`` and their parent's slug as
    ``parent_slug`` (what the API shows of it), the parent itself joined too (one query, no N+1)."""
    return Journey.objects.select_related("parent").annotate(
        parent_slug=F("parent__slug"),
        active_ownership=FilteredRelation("ownerships", condition=Q(ownerships__ended_on__isnull=True)),
        owner_id=F("active_ownership__person_id"),
        owner_name=F("active_ownership__person__name"),
    )


@built_once
def journey_rows() -> QuerySet[Journey]:
    """``journey_list`` for the API's list: of the parent only the slug (``parent_slug``), no second model.

    The parent's 19 columns were compiled into the SQL, read and built into a model for every row
    and read by no one: 0.47 ms of a 3.6 ms request (scale 1, one process). The rows are dicts of the columns
    (``values()``), which the list's row loop reads by key: no journey model either.
    """
    return journey_list().select_related(None).values()


def journey_map_queryset(*, include_retired: bool = False) -> QuerySet[Journey]:
    """``journey_list`` with the stages (by position) and their touchpoints (by position) prefetched.

    Retired stages and touchpoints are left out (the map, the blueprint, Mermaid) unless asked for
    (the map editor, which lists them apart with "Bring back").
    """
    stages = Stage.objects.all() if include_retired else Stage.objects.in_use()
    touchpoints = Touchpoint.objects.all() if include_retired else Touchpoint.objects.in_use()
    return journey_list().prefetch_related(
        Prefetch(
            "stages",
            queryset=stages.order_by("position", "id").prefetch_related(
                Prefetch("touchpoints", queryset=touchpoints.order_by("position", "id"))
            ),
        )
    )


def journey_editor_queryset() -> QuerySet[Journey]:
    """The map editor's journeys: every stage and touchpoint, retired ones too, each annotated with
    ``has_data`` (interactions were recorded there, so it can be retired but not deleted). Same
    number of queries as ``journey_map_queryset``."""
    touchpoints = Touchpoint.objects.annotate(
        has_data=Exists(Interaction.objects.filter(touchpoint_id=OuterRef("pk")))
    ).order_by("position", "id")
    stages = (
        Stage.objects.annotate(has_data=Exists(Interaction.objects.filter(touchpoint__stage_id=OuterRef("pk"))))
        .order_by("position", "id")
        .prefetch_related(Prefetch("touchpoints", queryset=touchpoints))
    )
    return journey_list().prefetch_related(Prefetch("stages", queryset=stages))


def journey_get(*, slug: str) -> Journey:
    """One journey with owner and map; raises ``Journey.DoesNotExist``."""
    return journey_map_queryset().get(slug=slug)


def stage_list() -> QuerySet[Stage]:
    """Stages with their journey and their touchpoints (by position)."""
    return (
        Stage.objects.select_related("journey")
        .prefetch_related(Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("position", "id")))
        .order_by("journey__name", "position", "id")
    )


def touchpoint_list() -> QuerySet[Touchpoint]:
    return Touchpoint.objects.select_related("journey", "stage").order_by(
        "journey__name", "stage__position", "position", "id"
    )


def current_owner_choices() -> list[tuple[int, str]]:
    """(person id, name) of everyone who owns a journey now: the choices of the owner filter."""
    rows = (
        Journey.objects.filter(ownerships__ended_on__isnull=True)
        .values_list("ownerships__person_id", "ownerships__person__name")
        .distinct()
        .order_by("ownerships__person__name")
    )
    return list(rows)


def map_current_since(journey: Journey) -> dt.date:
    """The day the map was last known current: its last review, else the day the journey was created.

    A map drawn today is as current as one reviewed today; only its age says it may have decayed.
    """
    if journey.map_reviewed_on is not None:
        return journey.map_reviewed_on
    return timezone.localdate(journey.created_at) if journey.created_at else timezone.localdate()


def map_is_stale(journey: Journey, *, today: dt.date | None = None) -> bool:
    """A map not confirmed (nor drawn) within the last 90 days has decayed."""
    today = today or timezone.localdate()
    return (today - map_current_since(journey)).days > STALE_MAP_DAYS


def latest_stage_health(journey: Journey) -> tuple[HealthSnapshot | None, dict[int, StageHealth]]:
    """The latest overall snapshot's stage health by stage id (one query; none on the prepared journey page)."""
    prepared, snapshot = page_snapshot(journey)
    if prepared:
        return snapshot, {row.stage_id: row for row in snapshot.stage_health.all()} if snapshot else {}
    latest = HealthSnapshot.objects.filter(journey=journey, segment=OVERALL).order_by("-as_of", "-id").values("id")[:1]
    rows = list(StageHealth.objects.filter(snapshot_id=Subquery(latest)).select_related("snapshot"))
    snapshot = rows[0].snapshot if rows else None
    return snapshot, {row.stage_id: row for row in rows}


def touchpoint_satisfaction(journey: Journey, *, as_of: dt.date | None = None) -> dict[int, dict]:
    """Mean interaction satisfaction and rated count per touchpoint, over the journey's health window.

    Interactions of instances started in (as-of - window_days, end of as-of day], as in the health
    engine. One aggregate query.
    """
    as_of = as_of or timezone.localdate()
    window_end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    window_start = window_end - dt.timedelta(days=journey.window_days)
    rows = (
        Interaction.objects.filter(
            touchpoint__journey=journey,
            instance__started_at__gt=window_start,
            instance__started_at__lt=window_end,
            satisfaction__isnull=False,
        )
        .values("touchpoint_id")
        .annotate(mean=Avg("satisfaction"), rated=Count("id"))
        .order_by()
    )
    return {row["touchpoint_id"]: {"mean": row["mean"], "rated": row["rated"]} for row in rows}


@dataclass
class BlueprintLane:
    label: str
    cells: list[list[Touchpoint]] = field(default_factory=list)
    # The touchpoints whose card in this lane is their page anchor (``#touchpoint-<id>``): a touchpoint
    # delivered by two functions shows in both lanes, and only its first card may carry the id.
    anchors: set[int] = field(default_factory=set)


@dataclass
class BlueprintColumn:
    stage: Stage
    health: StageHealth | None = None


@dataclass
class BlueprintLayerRow:
    """One layer of the blueprint (customer actions, frontstage...): per stage, the touchpoints
    whose layer is written, with its text, in the stage's order."""

    layer: Layer
    cells: list[list[tuple[Touchpoint, str]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


@dataclass
class Blueprint:
    columns: list[BlueprintColumn]
    lanes: list[BlueprintLane]
    snapshot: HealthSnapshot | None
    layers: list[BlueprintLayerRow] = field(default_factory=list)

    @property
    def touchpoint_count(self) -> int:
        return sum(len(column.stage.touchpoints.all()) for column in self.columns)

    @property
    def has_layers(self) -> bool:
        """Some touchpoint has a blueprint layer written: without any, the blueprint says so once."""
        return any(not row.is_empty for row in self.layers)


def blueprint_layers(stages: list[Stage]) -> list[BlueprintLayerRow]:
    """The blueprint's layer rows for these stages (touchpoints prefetched): no query."""
    return [
        BlueprintLayerRow(
            layer=layer,
            cells=[
                [
                    (touchpoint, getattr(touchpoint, layer.field))
                    for touchpoint in stage.touchpoints.all()
                    if getattr(touchpoint, layer.field)
                ]
                for stage in stages
            ],
        )
        for layer in LAYERS
    ]


def journey_blueprint(journey: Journey) -> Blueprint:
    """The service blueprint: stages as columns, lanes as rows, touchpoints in the cells.

    Expects a journey from ``journey_map_queryset`` (stages and touchpoints prefetched). Lanes come
    from the registered lane provider (functions, from the owners app); without one there is a
    single lane. A touchpoint the provider leaves out goes to an extra "no function" lane.
    """
    stages = list(journey.stages.all())
    touchpoints = [touchpoint for stage in stages for touchpoint in stage.touchpoints.all()]
    provider = lane_provider()
    if provider is None:
        lane_specs = [(DEFAULT_LANE, {touchpoint.pk for touchpoint in touchpoints})]
    else:
        lane_specs = list(provider(journey, touchpoints))
        placed = set().union(*(ids for _, ids in lane_specs)) if lane_specs else set()
        leftover = {touchpoint.pk for touchpoint in touchpoints} - placed
        if leftover or not lane_specs:
            lane_specs.append((UNASSIGNED_LANE if lane_specs else DEFAULT_LANE, leftover))
    snapshot, health = latest_stage_health(journey)
    lanes = []
    anchored: set[int] = set()
    for label, ids in lane_specs:
        lanes.append(
            BlueprintLane(
                label=label,
                cells=[
                    [touchpoint for touchpoint in stage.touchpoints.all() if touchpoint.pk in ids] for stage in stages
                ],
                anchors=ids - anchored,
            )
        )
        anchored |= ids
    columns = [BlueprintColumn(stage=stage, health=health.get(stage.pk)) for stage in stages]
    return Blueprint(columns=columns, lanes=lanes, snapshot=snapshot, layers=blueprint_layers(stages))


def _mermaid_text(value: str) -> str:
    # Colons separate a task's fields, '#' and ';' start entities and statements: keep names plain.
    cleaned = " ".join(value.split())
    return cleaned.replace(":", " -").replace(";", ",").replace("#", "no.")


def _mermaid_comment(value: str) -> str:
    # A comment runs to the end of its line: one line of text, and never the opening of a directive.
    return " ".join(value.split()).replace("%%{", "%% {")


def mermaid_score(mean: float | None) -> int | None:
    """A 1-5 mean rounded half up (Python's round() would send 2.5 to 2), or None without data."""
    if mean is None:
        return None
    return min(5, max(1, math.floor(mean + 0.5)))


@dataclass
class MermaidExport:
    """A journey as Mermaid ``journey`` text, and the touchpoints it could not score."""

    text: str
    unscored: list[Touchpoint]


def journey_mermaid_export(journey: Journey) -> MermaidExport:
    """The journey as Mermaid ``journey`` text: a section per stage, a task per touchpoint.

    A task's score is its touchpoint's mean interaction satisfaction over the health window,
    rounded to 1-5. Mermaid draws every task at its score, so a touchpoint without rated
    interactions is not made a task with an invented score: it stays in its section as a comment
    (``%%``, which Mermaid does not draw) saying it is not scored, and is listed in ``unscored``.
    The actor is the touchpoint's channel; moments of truth are marked with a star. The blueprint
    layers written for a touchpoint follow its task as comments too (Mermaid's ``journey`` has no
    place to draw them), so the text carries the whole map.
    Expects a journey from ``journey_map_queryset``.
    """
    satisfaction = touchpoint_satisfaction(journey)
    lines = ["journey", f"    title {_mermaid_text(journey.name)}"]
    unscored = []
    for stage in journey.stages.all():
        lines.append(f"    section {_mermaid_text(stage.name)}")
        for touchpoint in stage.touchpoints.all():
            score = mermaid_score(satisfaction.get(touchpoint.pk, {}).get("mean"))
            name = _mermaid_text(touchpoint.name)
            if touchpoint.is_moment_of_truth:
                name = f"★ {name}"
            channel = _mermaid_text(touchpoint.get_channel_display())
            if score is None:
                unscored.append(touchpoint)
                lines.append(
                    f"      %% {name} ({channel}): not scored, no rated interactions in the last "
                    f"{journey.window_days} days"
                )
            else:
                lines.append(f"      {name}: {score}: {channel}")
            lines.extend(
                f"      %%   {layer.label}: {_mermaid_comment(getattr(touchpoint, layer.field))}"
                for layer in LAYERS
                if getattr(touchpoint, layer.field)
            )
    return MermaidExport(text="\n".join(lines) + "\n", unscored=unscored)


def journey_mermaid(journey: Journey) -> str:
    """The Mermaid text of ``journey_mermaid_export``."""
    return journey_mermaid_export(journey).text


MAP_CSV_HEADER = (
    "journey",
    "stage",
    "touchpoint",
    "name",
    "channel",
    "moment_of_truth",
    "description",
    *(layer.field for layer in LAYERS),
)


def journey_map_csv_rows(journey: Journey) -> list[list]:
    """The map as CSV rows (``MAP_CSV_HEADER``): one per touchpoint on the map, in blueprint order,
    with its blueprint layers. Expects a journey from ``journey_map_queryset``: no query."""
    return [
        [
            journey.slug,
            stage.name,
            touchpoint.key,
            touchpoint.name,
            touchpoint.channel,
            "yes" if touchpoint.is_moment_of_truth else "no",
            touchpoint.description,
            *(getattr(touchpoint, layer.field) for layer in LAYERS),
        ]
        for stage in journey.stages.all()
        for touchpoint in stage.touchpoints.all()
    ]


def template_summaries() -> list[dict]:
    """The journey templates as the template page and the API show them (no query: templates are code)."""
    return [
        {
            "key": template.key,
            "name": template.name,
            "description": template.description,
            "tier": template.tier,
            "service_position": template.service_position,
            "target_duration_days": template.target_duration_days,
            "stages": [
                {
                    "name": stage.name,
                    "touchpoints": [
                        {
                            "key": touchpoint.key,
                            "name": touchpoint.name,
                            "channel": touchpoint.channel,
                            "is_moment_of_truth": touchpoint.moment_of_truth,
                            "description": touchpoint.description,
                            "functions": list(touchpoint.functions),
                        }
                        for touchpoint in stage.touchpoints
                    ],
                }
                for stage in template.stages
            ],
            "touchpoint_count": len(template.touchpoints),
            "moments_of_truth": [touchpoint.name for touchpoint in template.touchpoints if touchpoint.moment_of_truth],
            "functions": [FUNCTION_NAMES.get(slug, slug) for slug in template.function_slugs],
        }
        for template in TEMPLATES.values()
    ]
