"""API serializers of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------

from drf_spectacular.utils import extend_schema_field  # noqa: E402
from rest_framework import serializers  # noqa: E402

from journeys import health  # noqa: E402
from journeys.models import HealthSnapshot, StageHealth  # noqa: E402


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


class HealthSnapshotSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    components = serializers.SerializerMethodField()
    alerts = serializers.SerializerMethodField()
    stage_health = serializers.SerializerMethodField()

    class Meta:
        model = HealthSnapshot
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
        return HealthComponentSerializer(health.component_rows(snapshot), many=True).data

    @extend_schema_field(HealthAlertSerializer(many=True))
    def get_alerts(self, snapshot):
        return HealthAlertSerializer(health.alert_rows(snapshot), many=True).data

    @extend_schema_field(StageHealthSerializer(many=True))
    def get_stage_health(self, snapshot):
        # Sorted in Python over the prefetched rows: no query per snapshot.
        rows = sorted(snapshot.stage_health.all(), key=lambda row: (row.stage.position, row.stage_id))
        return StageHealthSerializer(rows, many=True).data


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

    class Meta(HealthSnapshotSerializer.Meta):
        fields = [*HealthSnapshotSerializer.Meta.fields, "min_sample", "segments"]

    @extend_schema_field(HealthSegmentSerializer(many=True))
    def get_segments(self, snapshot):
        return HealthSegmentSerializer(health.segment_rows(snapshot), many=True).data
