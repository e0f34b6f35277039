"""Serializers of "where to act" (design section 13), in the field names of the design."""

from rest_framework import serializers


class TouchpointHealthSerializer(serializers.Serializer):
    touchpoint = serializers.CharField(help_text="The touchpoint's key.")
    name = serializers.CharField()
    stage = serializers.CharField()
    channel = serializers.CharField()
    interactions = serializers.IntegerField()
    instances = serializers.IntegerField()
    reach = serializers.FloatField()
    csat = serializers.FloatField(allow_null=True)
    repeat_rate = serializers.FloatField()
    reidentification_rate = serializers.FloatField()
    abandoned_after = serializers.IntegerField()
    journey_csat_reached = serializers.FloatField(allow_null=True)
    journey_csat_not_reached = serializers.FloatField(allow_null=True)


class HandoffSerializer(serializers.Serializer):
    from_channel = serializers.CharField()
    to_channel = serializers.CharField()
    count = serializers.IntegerField()
    reidentification_rate = serializers.FloatField()
    repeat_rate = serializers.FloatField()
    satisfaction_change = serializers.FloatField(allow_null=True)


class HandoffsSerializer(serializers.Serializer):
    journey = serializers.CharField()
    as_of = serializers.DateField()
    segment = serializers.CharField()
    handoffs = HandoffSerializer(many=True)
    worst = HandoffSerializer(allow_null=True, help_text="The hand-off with the highest re-identification rate.")


class SkipRateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    skip_rate = serializers.FloatField(allow_null=True)


class TopPathSerializer(serializers.Serializer):
    stages = serializers.ListField(child=serializers.CharField())
    positions = serializers.ListField(child=serializers.IntegerField())
    instances = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    journey_csat = serializers.FloatField(allow_null=True)
    completion_rate = serializers.FloatField(allow_null=True)
    back_steps = serializers.IntegerField()


class FlowEdgeSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="start, or stage:<position>.")
    target = serializers.CharField(help_text="stage:<position>, or the outcome: completed, abandoned, in_progress.")
    count = serializers.IntegerField()


class PathsSerializer(serializers.Serializer):
    journey = serializers.CharField()
    as_of = serializers.DateField()
    segment = serializers.CharField()
    instances_with_path = serializers.IntegerField()
    in_order_rate = serializers.FloatField(allow_null=True)
    back_steps_per_instance = serializers.FloatField(allow_null=True)
    skip_rate = SkipRateSerializer(many=True)
    top_paths = TopPathSerializer(many=True)
    flow = FlowEdgeSerializer(many=True)


class DriverSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="stage:<position>, repeat_contacts, reidentifications or handoffs.")
    label = serializers.CharField()
    importance = serializers.FloatField()
    share = serializers.FloatField(allow_null=True)
    coefficient = serializers.FloatField()
    performance = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()
    quadrant = serializers.CharField(allow_null=True, help_text="Stage predictors only.")


class DriversSerializer(serializers.Serializer):
    journey = serializers.CharField()
    as_of = serializers.DateField()
    segment = serializers.CharField()
    tier = serializers.CharField()
    rated_instances = serializers.IntegerField()
    complete_cases = serializers.IntegerField()
    needed_cases = serializers.IntegerField()
    computed = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)
    r_squared = serializers.FloatField(allow_null=True)
    predictors = DriverSerializer(many=True)
