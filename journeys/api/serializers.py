"""API serializers of the journeys app: maps (journeys, stages, touchpoints), data (instances,
interactions, the ingest body, imports) and health (snapshots explained)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import RefuseUnknownFieldsMixin
from core.representation import FastListSerializer, represent_plain, represents, rows_of
from journeys.api.where_serializers import TouchpointHealthSerializer
from journeys.choices import Channel, HealthStatus, JourneyStatus, Outcome, ServicePosition, Tier
from journeys.layers import LAYER_FIELDS, LAYER_MAX_LENGTH, LAYERS
from journeys.map_templates import TEMPLATES
from journeys.models import (
    HealthSnapshot,
    Import,
    Interaction,
    Journey,
    JourneyInstance,
    Stage,
    StageHealth,
    Touchpoint,
)
from journeys.selectors import health, where


class JourneyOwnerSerializer(serializers.Serializer):
    """The active owner, read from the ``owner_id``/``owner_name`` annotation of the journey selectors."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class MapTouchpointSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "key",
            "name",
            "channel",
            "channel_display",
            "is_moment_of_truth",
            "position",
            "description",
            *LAYER_FIELDS,
            "retired_at",
        ]


class MapStageSerializer(serializers.ModelSerializer):
    touchpoints = MapTouchpointSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "name", "position", "retired_at", "touchpoints"]


class JourneySerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="journey-detail", lookup_field="slug")
    # The journey selectors' ``parent_slug`` annotation: the list reads no parent model (selectors.journey_rows).
    parent = serializers.CharField(
        source="parent_slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the wider journey this one is part of, or null.",
    )

    class Meta:
        model = Journey
        list_serializer_class = FastListSerializer
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "description",
            "status",
            "tier",
            "service_position",
            "target_duration",
            "target_score",
            "window_days",
            "min_sample",
            "map_reviewed_on",
            "data_changed_at",
            "version",
            "parent",
            "owner",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(JourneyOwnerSerializer(allow_null=True))
    def get_owner(self, journey) -> dict | None:
        row = journey if type(journey) is dict else vars(journey)  # a list's row is a dict of its columns
        owner_id = row.get("owner_id")
        if owner_id is None:
            return None
        return {"id": owner_id, "name": row["owner_name"]}


class JourneyDetailSerializer(JourneySerializer):
    """A journey with its map: stages in position order, each with its touchpoints."""

    stages = MapStageSerializer(many=True, read_only=True)

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "stages"]


class JourneyInputSerializer(serializers.Serializer):
    """Create (POST) or change (PUT/PATCH) a journey. ``slug`` is only read on create."""

    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=JourneyStatus.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    service_position = serializers.ChoiceField(choices=ServicePosition.choices, required=False)
    target_duration = serializers.DurationField(required=False, allow_null=True)
    target_score = serializers.IntegerField(min_value=0, max_value=100, required=False)
    window_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    min_sample = serializers.IntegerField(min_value=1, required=False)
    map_reviewed_on = serializers.DateField(required=False, allow_null=True)
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Journey.objects.all(),
        required=False,
        allow_null=True,
        help_text="The slug of the wider journey this one is part of; null for a top-level journey. "
        "A parent below the journey (a cycle) or deeper than four levels is answered 400.",
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; a stale one is answered 409."
    )


class FrameworkHealthSerializer(serializers.Serializer):
    """A journey's latest overall snapshot, as the framework reads it."""

    score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    sample_size = serializers.IntegerField()
    as_of = serializers.DateField()


class FrameworkChildSerializer(serializers.Serializer):
    """One part of a journey in the framework: who owns it and how healthy it is."""

    slug = serializers.CharField(source="journey.slug")
    name = serializers.CharField(source="journey.name")
    url = serializers.SerializerMethodField()
    status = serializers.CharField(source="journey.status")
    owner = serializers.SerializerMethodField()
    health = FrameworkHealthSerializer(source="snapshot", allow_null=True)
    worst_segment = serializers.SerializerMethodField()
    has_children = serializers.SerializerMethodField()

    def get_url(self, node) -> str:
        request = self.context.get("request")
        path = reverse("journey-detail", kwargs={"slug": node.journey.slug})
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(JourneyOwnerSerializer(allow_null=True))
    def get_owner(self, node) -> dict | None:
        owner_id = getattr(node.journey, "owner_id", None)
        return {"id": owner_id, "name": node.journey.owner_name} if owner_id is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_worst_segment(self, node) -> str | None:
        return node.worst_segment.segment if node.worst_segment else None

    def get_has_children(self, node) -> bool:
        return bool(node.children)


class RollupPartSerializer(serializers.Serializer):
    slug = serializers.CharField(source="journey.slug")
    name = serializers.CharField(source="journey.name")
    score = serializers.DecimalField(max_digits=4, decimal_places=1)
    sample_size = serializers.IntegerField(help_text="Its weight: the customer journeys behind its score.")
    from_rollup = serializers.BooleanField(help_text="No verdict of its own: its own roll-up stands in.")


class RollupExclusionSerializer(serializers.Serializer):
    slug = serializers.CharField(source="journey.slug")
    name = serializers.CharField(source="journey.name")
    reason = serializers.CharField()


class RollupSerializer(serializers.Serializer):
    """The sample-weighted mean of the parts' latest scores; parts that cannot be judged are left out."""

    score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    sample_size = serializers.IntegerField(help_text="The customer journeys behind the roll-up (sum of weights).")
    parts = RollupPartSerializer(many=True)
    left_out = RollupExclusionSerializer(many=True, source="excluded")


class JourneyChildrenSerializer(serializers.Serializer):
    """A journey's parts in the framework and their roll-up (null when it has no parts)."""

    journey = serializers.CharField(source="journey.slug")
    rollup = RollupSerializer(allow_null=True)
    children = FrameworkChildSerializer(many=True)


class JourneyCreateInputSerializer(JourneyInputSerializer):
    """Create a journey, blank or drawn from a template (``template``, see GET /api/v1/journey-templates/)."""

    template = serializers.ChoiceField(
        choices=sorted(TEMPLATES), required=False, help_text="Draw the new journey's map from this template."
    )
    keys = serializers.DictField(
        child=serializers.SlugField(max_length=100),
        required=False,
        help_text="With a template: touchpoint keys to change, template key -> the new journey's key.",
    )


class JourneyCopyInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Copy a journey's map (never its data) into a new draft journey."""

    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    keys = serializers.DictField(
        child=serializers.SlugField(max_length=100),
        required=False,
        help_text="Touchpoint keys to change: source key -> the copy's key. Others keep the source's key.",
    )


class TemplateTouchpointSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    channel = serializers.CharField()
    is_moment_of_truth = serializers.BooleanField()
    description = serializers.CharField()
    functions = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the delivering functions.")


class TemplateStageSerializer(serializers.Serializer):
    name = serializers.CharField()
    touchpoints = TemplateTouchpointSerializer(many=True)


class JourneyTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    tier = serializers.CharField()
    service_position = serializers.CharField()
    target_duration_days = serializers.FloatField(allow_null=True)
    touchpoint_count = serializers.IntegerField()
    moments_of_truth = serializers.ListField(child=serializers.CharField())
    functions = serializers.ListField(child=serializers.CharField(), help_text="Names of the functions it names.")
    stages = TemplateStageSerializer(many=True)


RETIRED_HELP = (
    "true retires it (kept with its data and history, hidden from the map and pickers); false brings it back. "
    "Only on a change, not on create."
)


class StageSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    touchpoints = MapTouchpointSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "journey", "name", "position", "retired_at", "touchpoints", "created_at", "updated_at"]
        read_only_fields = ["retired_at"]


class StageCreateInputSerializer(serializers.Serializer):
    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(
        min_value=0, required=False, help_text="0-based; the stage is added at the end when omitted."
    )


class StageUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    position = serializers.IntegerField(min_value=0, required=False, help_text="0-based; later stages shift.")
    retired = serializers.BooleanField(required=False, help_text=RETIRED_HELP)


class StageReorderInputSerializer(serializers.Serializer):
    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())
    stage_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class TouchpointSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "journey",
            "stage",
            "stage_name",
            "key",
            "name",
            "channel",
            "channel_display",
            "is_moment_of_truth",
            "position",
            "description",
            *LAYER_FIELDS,
            "retired_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["retired_at"]


def _layer_field(layer) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LAYER_MAX_LENGTH,
        help_text=f"Service blueprint, {layer.label.lower()}: {layer.question.lower()} (optional).",
    )


class TouchpointInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Create (POST) or change (PUT/PATCH) a touchpoint. The journey is always the stage's journey.

    A key that is neither one of these fields nor a field of the touchpoint as read is refused (400
    naming it): a misspelt layer (``back_stage``) would otherwise be dropped silently."""

    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.select_related("journey"))
    key = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=Channel.choices)
    is_moment_of_truth = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, required=False, help_text="0-based within the stage.")
    retired = serializers.BooleanField(required=False, help_text=RETIRED_HELP)
    customer_action = _layer_field(LAYERS[0])
    frontstage = _layer_field(LAYERS[1])
    backstage = _layer_field(LAYERS[2])
    support_processes = _layer_field(LAYERS[3])

    def to_internal_value(self, data):
        if isinstance(data, dict):
            # Read-only fields of the document as read may be sent back: they are dropped, not refused.
            data = {key: value for key, value in data.items() if key not in TOUCHPOINT_READ_ONLY_KEYS}
        return super().to_internal_value(data)


TOUCHPOINT_READ_ONLY_KEYS = frozenset(TouchpointSerializer.Meta.fields) - frozenset(
    TouchpointInputSerializer._declared_fields
)


class JourneyInstanceSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """One customer's run through a journey. Writes go through ``journeys.services.ingest.instance_*``.
    A key that is no field is refused (400 naming it), never ignored."""

    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())
    interaction_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = JourneyInstance
        list_serializer_class = FastListSerializer
        list_columns = {"journey": "journey_slug"}  # selectors.ingest.instance_rows: the slug without the journey
        fields = [
            "id",
            "journey",
            "external_id",
            "customer_ref",
            "segment",
            "started_at",
            "ended_at",
            "outcome",
            "satisfaction",
            "interaction_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class TouchpointKeyField(serializers.CharField):
    """The touchpoint by its key, which is unique within the instance's journey."""

    def get_attribute(self, instance):
        return instance.touchpoint.key


class InteractionSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """One contact within an instance. ``touchpoint`` is the key of a touchpoint of the instance's journey.
    A key that is no field is refused (400 naming it), never ignored."""

    instance = serializers.PrimaryKeyRelatedField(queryset=JourneyInstance.objects.select_related("journey"))
    journey = serializers.CharField(source="instance.journey.slug", read_only=True)
    instance_external_id = serializers.CharField(source="instance.external_id", read_only=True)
    touchpoint = TouchpointKeyField(source="touchpoint_key", max_length=100)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    stage = serializers.IntegerField(source="touchpoint.stage_id", read_only=True)
    moment_of_truth = serializers.BooleanField(source="touchpoint.is_moment_of_truth", read_only=True)
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, allow_blank=True, help_text="Defaults to the touchpoint's channel."
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "instance",
            "instance_external_id",
            "journey",
            "external_id",
            "touchpoint",
            "touchpoint_name",
            "stage",
            "moment_of_truth",
            "channel",
            "occurred_at",
            "satisfaction",
            "resolved",
            "repeat",
            "reidentified",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


# POST /api/v1/ingest/: these serializers document the body for the OpenAPI schema; the body is read by
# journeys.services.ingest.instance_batch_ingest, which shares its value parsers with the CSV import.
class IngestInteractionSerializer(serializers.Serializer):
    """An interaction of an ingested instance; a key that is none of these fields is refused (400 naming it)."""

    external_id = serializers.CharField(max_length=100, help_text="Unique within the instance.")
    touchpoint = serializers.CharField(max_length=100, help_text="Key of a touchpoint of the journey.")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text="Default: the touchpoint's.")
    occurred_at = serializers.DateTimeField()
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    resolved = serializers.BooleanField(required=False, allow_null=True)
    repeat = serializers.BooleanField(required=False, default=False)
    reidentified = serializers.BooleanField(required=False, default=False)


class IngestInstanceSerializer(serializers.Serializer):
    """An instance of an ingest batch; a key that is none of these fields is refused (400 naming it): the
    upsert replaces the whole row, so an ignored misspelt key would empty the field it meant to set."""

    external_id = serializers.CharField(max_length=100, help_text="Unique within the journey.")
    customer_ref = serializers.CharField(
        max_length=100, required=False, help_text="Pseudonymous: never a name, e-mail address or phone number."
    )
    segment = serializers.CharField(max_length=100, required=False)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, help_text="Default: in_progress.")
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    interactions = IngestInteractionSerializer(many=True, required=False)


class IngestRequestSerializer(serializers.Serializer):
    journey = serializers.SlugField(help_text="Slug of the journey.")
    instances = IngestInstanceSerializer(many=True, help_text="1 to 1,000 instances.")


class IngestResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Instance and interaction rows created.")
    updated = serializers.IntegerField(help_text="Instance and interaction rows whose values changed.")


class ImportSerializer(serializers.ModelSerializer):
    """A CSV import: its status, progress, counts and (on the detail) its error report."""

    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    progress_percent = serializers.IntegerField(read_only=True)
    created = serializers.SerializerMethodField()
    updated = serializers.SerializerMethodField()
    errors_not_listed = serializers.SerializerMethodField()

    class Meta:
        model = Import
        fields = [
            "id",
            "url",
            "page_url",
            "journey",
            "original_name",
            "status",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "created",
            "updated",
            "instances_created",
            "instances_updated",
            "interactions_created",
            "interactions_updated",
            "error_count",
            "errors_not_listed",
            "errors",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        path = reverse("import-detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_page_url(self, obj) -> str:
        path = reverse("journeys:import-detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_created(self, obj) -> int:
        return obj.instances_created + obj.interactions_created

    def get_updated(self, obj) -> int:
        return obj.instances_updated + obj.interactions_updated

    def get_errors_not_listed(self, obj) -> int:
        return max(0, obj.error_count - len(obj.errors or []))


class ImportListSerializer(ImportSerializer):
    """The list leaves the error reports out (up to 1,000 entries each); the detail has them."""

    class Meta(ImportSerializer.Meta):
        fields = [name for name in ImportSerializer.Meta.fields if name not in ("errors", "errors_not_listed")]
        read_only_fields = fields


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A UTF-8 CSV file, one row per interaction (docs/csv-format.md).")
    journey = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Journey.objects.all(),
        required=False,
        allow_null=True,
        help_text="When given, every row must belong to this journey and the journey column may be left out.",
    )


class StageHealthSerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    stage_position = serializers.IntegerField(source="stage.position", read_only=True)

    class Meta:
        model = StageHealth
        fields = ["stage", "stage_name", "stage_position", "reached", "abandoned_here", "interactions", "csat"]


class HealthComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    weight = serializers.IntegerField(allow_null=True, help_text="Nominal weight; null for informational components.")
    effective_weight = serializers.FloatField(
        allow_null=True, help_text="Share of the score in percent after renormalising over components with data."
    )
    meaning = serializers.CharField()


class HealthAlertSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    explanation = serializers.CharField()


def _represent(serializer_class: type[serializers.Serializer], rows) -> list[dict]:
    """``serializer_class(rows, many=True).data`` for plain nested rows, with the fields compiled once per class.

    DRF deep-copies every declared field for each nested serializer it instantiates, then walks
    each field of each row: for 50 snapshots of ten components, alerts and stages each, that was
    most of a list request. These fields have no context (no hyperlinks, no request), so one
    compiled set serves every row (core.representation).
    """
    return represent_plain(serializer_class, rows)


class HealthSnapshotListSerializer(FastListSerializer):
    """A page of snapshots with their stage health read in one query for the page, and the previous score of
    those whose alerts need it in one more (none when no alert on the page does)."""

    def to_representation(self, data):
        snapshots = rows_of(data)
        if represents(self, "alerts"):
            health.attach_previous_scores(snapshots)
        if represents(self, "stage_health"):
            health.attach_stage_health(snapshots)
        return super().to_representation(snapshots)


class HealthSnapshotSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    components = serializers.SerializerMethodField()
    alerts = serializers.SerializerMethodField()
    stage_health = serializers.SerializerMethodField()

    class Meta:
        model = HealthSnapshot
        list_serializer_class = HealthSnapshotListSerializer
        list_columns = {"journey": "journey_slug"}  # selectors.health.snapshot_rows: the slug without the journey
        fields = [
            "id",
            "journey",
            "segment",
            "as_of",
            "computed_at",
            "window_start",
            "window_end",
            "sample_size",
            "score",
            "status",
            "components",
            "alerts",
            "channel_mix",
            "stage_health",
        ]

    @extend_schema_field(HealthComponentSerializer(many=True))
    def get_components(self, snapshot):
        # Equal to _represent(HealthComponentSerializer, health.component_rows(snapshot)), without the detour.
        return health.component_representation(snapshot)

    @extend_schema_field(HealthAlertSerializer(many=True))
    def get_alerts(self, snapshot):
        return _represent(HealthAlertSerializer, health.alert_rows(snapshot))

    @extend_schema_field(StageHealthSerializer(many=True))
    def get_stage_health(self, snapshot):
        # A list page's rows are attached in one query (HealthSnapshotListSerializer): no query per snapshot.
        return _represent(StageHealthSerializer, health.stage_health_in_order(snapshot))


class HealthSegmentSerializer(serializers.Serializer):
    segment = serializers.CharField()
    sample_size = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    status = serializers.CharField()
    below_min_sample = serializers.BooleanField()


class JourneyHealthSerializer(HealthSnapshotSerializer):
    """The latest overall snapshot with the journey's per-segment figures of the same day."""

    min_sample = serializers.IntegerField(source="journey.min_sample", read_only=True)
    segments = serializers.SerializerMethodField()
    touchpoint_health = serializers.SerializerMethodField()

    class Meta(HealthSnapshotSerializer.Meta):
        fields = [*HealthSnapshotSerializer.Meta.fields, "min_sample", "segments", "touchpoint_health"]

    @extend_schema_field(TouchpointHealthSerializer(many=True))
    def get_touchpoint_health(self, snapshot):
        return TouchpointHealthSerializer(where.touchpoint_rows(snapshot), many=True).data

    @extend_schema_field(HealthSegmentSerializer(many=True))
    def get_segments(self, snapshot):
        return HealthSegmentSerializer(health.segment_rows(snapshot), many=True).data
