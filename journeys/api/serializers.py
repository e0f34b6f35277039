"""API serializers of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------

from drf_spectacular.utils import extend_schema_field  # noqa: E402 (imports of each part stay in its block)
from rest_framework import serializers  # noqa: E402

from journeys.choices import Channel, JourneyStatus, ServicePosition, Tier  # noqa: E402
from journeys.models import Journey, Stage, Touchpoint  # noqa: E402


class JourneyOwnerSerializer(serializers.Serializer):
    """The active owner, read from the ``owner_id``/``owner_name`` annotation of the journey selectors."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class MapTouchpointSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = Touchpoint
        fields = ["id", "key", "name", "channel", "channel_display", "is_moment_of_truth", "position", "description"]


class MapStageSerializer(serializers.ModelSerializer):
    touchpoints = MapTouchpointSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "name", "position", "touchpoints"]


class JourneySerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="journey-detail", lookup_field="slug")

    class Meta:
        model = Journey
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
            "owner",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(JourneyOwnerSerializer(allow_null=True))
    def get_owner(self, journey) -> dict | None:
        owner_id = getattr(journey, "owner_id", None)
        if owner_id is None:
            return None
        return {"id": owner_id, "name": journey.owner_name}


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
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; a stale one is answered 409."
    )


class StageSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    touchpoints = MapTouchpointSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "journey", "name", "position", "touchpoints", "created_at", "updated_at"]


class StageCreateInputSerializer(serializers.Serializer):
    journey = serializers.SlugRelatedField(slug_field="slug", queryset=Journey.objects.all())
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(
        min_value=0, required=False, help_text="0-based; the stage is added at the end when omitted."
    )


class StageUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    position = serializers.IntegerField(min_value=0, required=False, help_text="0-based; later stages shift.")


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
            "created_at",
            "updated_at",
        ]


class TouchpointInputSerializer(serializers.Serializer):
    """Create (POST) or change (PUT/PATCH) a touchpoint. The journey is always the stage's journey."""

    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.select_related("journey"))
    key = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=Channel.choices)
    is_moment_of_truth = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, required=False, help_text="0-based within the stage.")


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------
