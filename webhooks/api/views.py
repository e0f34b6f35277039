"""API views of the webhooks app: managers only (the targets name the organisation's systems)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ServiceModelViewSet, ServiceViewSet

from .. import selectors, services
from ..filters import DeliveryFilter, SubscriptionFilter
from ..views import MANAGERS_ONLY
from . import serializers as s

PERMISSION = "webhooks.manage_subscriptions"


class ManagersOnlyMixin:
    permission_message = MANAGERS_ONLY

    def check_permissions(self, request):
        super().check_permissions(request)
        self.require(PERMISSION)  # before anything of the request is read (its ?fields=, say)


class WebhookSubscriptionViewSet(ManagersOnlyMixin, ServiceModelViewSet):
    """Outbound webhook subscriptions. The answer to a create carries the signing secret, once."""

    serializer_class = s.SubscriptionSerializer
    filterset_class = SubscriptionFilter
    search_fields = ["name", "url"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.subscription_list().order_by("name", "id")

    @extend_schema(request=s.SubscriptionCreateSerializer, responses={201: s.SubscriptionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated_input(s.SubscriptionCreateSerializer)
        subscription, secret = services.subscription_create(**data, created_by=request.user)
        subscription.secret = secret
        return Response(s.SubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SubscriptionUpdateSerializer, responses=s.SubscriptionSerializer)
    def update(self, request, *args, **kwargs):
        subscription = self.get_object()
        data = self.validated_input(s.SubscriptionUpdateSerializer, partial=kwargs.pop("partial", False))
        active = data.pop("is_active", None)
        subscription = services.subscription_update(subscription=subscription, **data)
        if active is not None and active != subscription.is_active:
            subscription = services.subscription_set_active(subscription=subscription, active=active)
        return self.respond(subscription)

    @extend_schema(request=s.SubscriptionUpdateSerializer, responses=s.SubscriptionSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance)

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """Send a test event (type ``webhook.test``) to this subscription only; 202 with its delivery."""
        delivery = services.subscription_send_test(subscription=self.get_object(), sent_by=request.user)
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryViewSet(ManagersOnlyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """The delivery log: each event sent to each subscription, its attempts, last answer and last error."""

    serializer_class = s.DeliverySerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.delivery_list()
