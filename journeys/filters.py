"""django-filter FilterSets, one per listable model, shared by the API and the HTML lists.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------

import django_filters  # noqa: E402

from .choices import HealthStatus  # noqa: E402
from .models import HealthSnapshot  # noqa: E402


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
        return queryset.filter(segment="") if value else queryset.exclude(segment="")
