"""API serializers of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------

from django.urls import reverse as _reverse  # noqa: E402
from rest_framework import serializers  # noqa: E402

from journeys.choices import Channel as _Channel  # noqa: E402
from journeys.choices import Outcome as _Outcome  # noqa: E402
from journeys.models import Import as _Import  # noqa: E402
from journeys.models import Interaction as _Interaction  # noqa: E402
from journeys.models import Journey as _Journey  # noqa: E402
from journeys.models import JourneyInstance as _JourneyInstance  # noqa: E402


class JourneyInstanceSerializer(serializers.ModelSerializer):
    """One customer's run through a journey. Writes go through ``journeys.ingest.instance_*``."""

    journey = serializers.SlugRelatedField(slug_field="slug", queryset=_Journey.objects.all())
    interaction_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = _JourneyInstance
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


class InteractionSerializer(serializers.ModelSerializer):
    """One contact within an instance. ``touchpoint`` is the key of a touchpoint of the instance's journey."""

    instance = serializers.PrimaryKeyRelatedField(queryset=_JourneyInstance.objects.select_related("journey"))
    journey = serializers.CharField(source="instance.journey.slug", read_only=True)
    instance_external_id = serializers.CharField(source="instance.external_id", read_only=True)
    touchpoint = TouchpointKeyField(source="touchpoint_key", max_length=100)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    stage = serializers.IntegerField(source="touchpoint.stage_id", read_only=True)
    moment_of_truth = serializers.BooleanField(source="touchpoint.is_moment_of_truth", read_only=True)
    channel = serializers.ChoiceField(
        choices=_Channel.choices, required=False, allow_blank=True, help_text="Defaults to the touchpoint's channel."
    )

    class Meta:
        model = _Interaction
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
# journeys.ingest.ingest_batch, which shares its value parsers with the CSV import.
class IngestInteractionSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, help_text="Unique within the instance.")
    touchpoint = serializers.CharField(max_length=100, help_text="Key of a touchpoint of the journey.")
    channel = serializers.ChoiceField(choices=_Channel.choices, required=False, help_text="Default: the touchpoint's.")
    occurred_at = serializers.DateTimeField()
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    resolved = serializers.BooleanField(required=False, allow_null=True)
    repeat = serializers.BooleanField(required=False, default=False)
    reidentified = serializers.BooleanField(required=False, default=False)


class IngestInstanceSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, help_text="Unique within the journey.")
    customer_ref = serializers.CharField(
        max_length=100, required=False, help_text="Pseudonymous: never a name, e-mail address or phone number."
    )
    segment = serializers.CharField(max_length=100, required=False)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=_Outcome.choices, required=False, help_text="Default: in_progress.")
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
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    created = serializers.SerializerMethodField()
    updated = serializers.SerializerMethodField()
    errors_not_listed = serializers.SerializerMethodField()

    class Meta:
        model = _Import
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
        path = _reverse("import-detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_page_url(self, obj) -> str:
        path = _reverse("journeys:import-detail", kwargs={"pk": obj.pk})
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
        queryset=_Journey.objects.all(),
        required=False,
        allow_null=True,
        help_text="When given, every row must belong to this journey and the journey column may be left out.",
    )


# --- health --------------------------------------------------------------------------------------
