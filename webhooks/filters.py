"""django-filter FilterSets of the webhooks app, shared by the API and the pages."""

import django_filters

from .choices import DeliveryStatus
from .models import Delivery, Subscription


class SubscriptionFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Subscription
        fields = ["is_active"]


class DeliveryFilter(django_filters.FilterSet):
    subscription = django_filters.NumberFilter(field_name="subscription_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.CharFilter(field_name="event__type")

    class Meta:
        model = Delivery
        fields = ["subscription", "status", "event_type"]
