"""API serializers of personas and their emotion curves (issue 20 item 3)."""

from rest_framework import serializers

from core.api import RefuseUnknownFieldsMixin
from journeys.models import Persona


class PersonaSerializer(serializers.ModelSerializer):
    journey = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Persona
        fields = ["id", "journey", "name", "segment", "goals", "needs", "pains", "created_at", "updated_at"]


class PersonaInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """What a client sends; the journey is the one in the URL. Read-only fields of the output may come back."""

    id = serializers.IntegerField(read_only=True)
    journey = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    name = serializers.CharField(max_length=120)
    segment = serializers.CharField(
        max_length=100, help_text="The customer segment the persona stands for, as instances record it."
    )
    goals = serializers.CharField(required=False, allow_blank=True)
    needs = serializers.CharField(required=False, allow_blank=True)
    pains = serializers.CharField(required=False, allow_blank=True)


class CurvePointSerializer(serializers.Serializer):
    stage = serializers.IntegerField(source="stage_id")
    stage_name = serializers.CharField()
    position = serializers.IntegerField()
    mean_satisfaction = serializers.FloatField(source="mean", allow_null=True, help_text="1-5; null without ratings.")
    ratings = serializers.IntegerField(help_text="Rated interactions at the stage's touchpoints in the window.")
    enough_ratings = serializers.BooleanField(
        source="enough", help_text="At least the journey's min_sample ratings: compared with the target."
    )
    below_target = serializers.BooleanField()


class CurveSerializer(serializers.Serializer):
    label = serializers.CharField()
    segment = serializers.CharField(help_text="'' for all customers.")
    ratings = serializers.IntegerField()
    points = CurvePointSerializer(many=True)
    dips = serializers.ListField(child=serializers.CharField(), source="dip_sentences", help_text="In words.")


class PersonaCurveSerializer(serializers.Serializer):
    """A persona's emotion curve beside the overall one, over the health window."""

    persona = PersonaSerializer()
    as_of = serializers.DateField()
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    target = serializers.FloatField(help_text="The journey's target_score as a 1-5 rating: 1 + 4 x score / 100.")
    min_ratings = serializers.IntegerField(help_text="Ratings a stage needs to be judged (the journey's min_sample).")
    curve = CurveSerializer()
    overall = CurveSerializer()
