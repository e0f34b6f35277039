"""django-filter FilterSets, one per listable model, shared by the API and the HTML lists.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------

import django_filters  # noqa: E402 (imports of each part stay in its block)

from .choices import Channel, JourneyStatus, ServicePosition, Tier  # noqa: E402
from .models import Journey, Stage, Touchpoint  # noqa: E402


class JourneyFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JourneyStatus.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    service_position = django_filters.ChoiceFilter(choices=ServicePosition.choices)
    owner = django_filters.NumberFilter(method="filter_owner", label="Owner (person id)")

    class Meta:
        model = Journey
        fields = ["status", "tier", "service_position", "owner"]

    def filter_owner(self, queryset, name, value):
        # One filter() call: the two conditions apply to the same ownership row (the active one).
        return queryset.filter(ownerships__person_id=value, ownerships__ended_on__isnull=True)


class StageFilterSet(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")

    class Meta:
        model = Stage
        fields = ["journey"]


class TouchpointFilterSet(django_filters.FilterSet):
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    stage = django_filters.NumberFilter(field_name="stage_id", label="Stage (id)")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    is_moment_of_truth = django_filters.BooleanFilter()

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "channel", "is_moment_of_truth"]


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------
