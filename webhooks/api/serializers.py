"""Serializers of the webhooks API."""

from rest_framework import serializers

from ..models import Delivery, Subscription
from ..selectors import event_type_choices


class SubscriptionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), allow_empty=False)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "name",
            "url",
            "event_types",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_active", "consecutive_failures", "disabled_at", "disabled_reason"]


class SubscriptionCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    url = serializers.URLField(max_length=2000)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=event_type_choices()), allow_empty=False, max_length=50
    )


class SubscriptionUpdateSerializer(SubscriptionCreateSerializer):
    is_active = serializers.BooleanField(required=False)


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret: returned by this answer only, never again."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.id", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "subscription",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
