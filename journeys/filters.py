"""django-filter FilterSets, one per listable model, shared by the API and the HTML lists."""

import django_filters

from core.filters import IdFilter

from .choices import Channel, HealthStatus, ImportStatus, JourneyStatus, Outcome, ServicePosition, Tier
from .health_components import OVERALL
from .models import HealthSnapshot, Import, Interaction, Journey, JourneyInstance, Persona, Stage, Touchpoint


class JourneyFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JourneyStatus.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    service_position = django_filters.ChoiceFilter(choices=ServicePosition.choices)
    owner = IdFilter(method="filter_owner", label="Owner (person id)")

    class Meta:
        model = Journey
        fields = ["status", "tier", "service_position", "owner"]

    def filter_owner(self, queryset, name, value):
        # One filter() call: the two conditions apply to the same ownership row (the active one).
        return queryset.filter(ownerships__person_id=value, ownerships__ended_on__isnull=True)


class StageFilterSet(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    retired = django_filters.BooleanFilter(
        field_name="retired_at", lookup_expr="isnull", exclude=True, label="Retired (kept for history, off the map)"
    )

    class Meta:
        model = Stage
        fields = ["journey"]


class TouchpointFilterSet(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    stage = IdFilter(field_name="stage_id", label="Stage (id)")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    is_moment_of_truth = django_filters.BooleanFilter()
    retired = django_filters.BooleanFilter(
        field_name="retired_at", lookup_expr="isnull", exclude=True, label="Retired (kept for history, off the map)"
    )

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "channel", "is_moment_of_truth"]


class JourneyInstanceFilter(django_filters.FilterSet):
    """Instances: ?journey=<slug>&segment=&outcome=&started_at_after=&started_at_before=&satisfaction__gte=..."""

    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    segment = django_filters.CharFilter(field_name="segment")
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices)
    started_at = django_filters.DateFromToRangeFilter(label="Started between (dates)")
    ended_at = django_filters.DateFromToRangeFilter(label="Ended between (dates)")
    external_id = django_filters.CharFilter(field_name="external_id")
    customer_ref = django_filters.CharFilter(field_name="customer_ref")

    class Meta:
        model = JourneyInstance
        fields = {"satisfaction": ["exact", "gte", "lte", "isnull"]}


class InteractionFilter(django_filters.FilterSet):
    """Interactions: ?journey=<slug>&instance=<id>&touchpoint=<key>&channel=&stage=<id>&moment_of_truth=..."""

    journey = django_filters.CharFilter(field_name="instance__journey__slug", label="Journey (slug)")
    instance = IdFilter(field_name="instance_id")
    instance_external_id = django_filters.CharFilter(field_name="instance__external_id")
    touchpoint = django_filters.CharFilter(field_name="touchpoint__key", label="Touchpoint (key)")
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    stage = IdFilter(field_name="touchpoint__stage_id", label="Stage (id)")
    moment_of_truth = django_filters.BooleanFilter(field_name="touchpoint__is_moment_of_truth")
    occurred_at = django_filters.DateFromToRangeFilter(label="Occurred between (dates)")
    repeat = django_filters.BooleanFilter()
    reidentified = django_filters.BooleanFilter()
    resolved = django_filters.BooleanFilter()

    class Meta:
        model = Interaction
        fields = {"satisfaction": ["exact", "gte", "lte", "isnull"], "external_id": ["exact"]}


class ImportFilter(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    status = django_filters.MultipleChoiceFilter(choices=ImportStatus.choices)

    class Meta:
        model = Import
        fields = ["journey", "status"]


class HealthSnapshotFilter(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    segment = django_filters.CharFilter(field_name="segment", label="Segment")
    overall = django_filters.BooleanFilter(
        method="filter_overall", label="All customers only (true) or segments only (false)"
    )
    status = django_filters.MultipleChoiceFilter(choices=HealthStatus.choices)
    as_of = django_filters.DateFromToRangeFilter(label="As of (from, to)")
    as_of_from = django_filters.DateFilter(field_name="as_of", lookup_expr="gte", label="As of from")
    as_of_to = django_filters.DateFilter(field_name="as_of", lookup_expr="lte", label="As of to")

    class Meta:
        model = HealthSnapshot
        fields = ["journey", "segment", "overall", "status", "as_of", "as_of_from", "as_of_to"]

    def filter_overall(self, queryset, name, value):
        # An empty ?segment= means "no filter" in a query string, so the overall rows get their own switch.
        return queryset.filter(segment=OVERALL) if value else queryset.exclude(segment=OVERALL)


class PersonaFilterSet(django_filters.FilterSet):
    """A journey's personas: ?segment=<segment>."""

    segment = django_filters.CharFilter(field_name="segment")

    class Meta:
        model = Persona
        fields = ["segment"]
