"""django-filter FilterSets, one per listable model, shared by the API and the HTML lists."""

import django_filters
from django.db.models import Q

from core.filters import IdFilter
from journeys.models import Journey

from .choices import Verdict
from .models import (
    Function,
    Incentive,
    IncentiveMeasurement,
    IncentiveReview,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)


def _search(fields):
    def method(queryset, name, value):
        query = Q()
        for field_name in fields:
            query |= Q(**{f"{field_name}__icontains": value})
        return queryset.filter(query)

    return method


class FunctionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method=_search(["name", "description"]))
    journey = django_filters.CharFilter(
        label="Touches journey (slug)", method="filter_journey", help_text="Functions responsible for its touchpoints."
    )

    class Meta:
        model = Function
        fields = ["q", "journey"]

    def filter_journey(self, queryset, name, value):
        return queryset.filter(responsibilities__touchpoint__journey__slug=value).distinct()


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method=_search(["name", "email", "title"]))
    function = django_filters.ModelChoiceFilter(queryset=Function.objects.all(), to_field_name="slug", label="Function")
    journey = django_filters.CharFilter(label="On the team of (journey slug)", method="filter_journey")

    class Meta:
        model = Person
        fields = ["q", "function", "journey"]

    def filter_journey(self, queryset, name, value):
        return queryset.filter(team_memberships__journey__slug=value).distinct()


class OwnershipFilter(django_filters.FilterSet):
    journey = django_filters.ModelChoiceFilter(queryset=Journey.objects.all(), to_field_name="slug", label="Journey")
    person = django_filters.ModelChoiceFilter(queryset=Person.objects.all(), label="Person")
    active = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="Active")
    started_after = django_filters.DateFilter(field_name="started_on", lookup_expr="gte", label="Started on or after")
    started_before = django_filters.DateFilter(field_name="started_on", lookup_expr="lte", label="Started on or before")

    class Meta:
        model = Ownership
        fields = ["journey", "person", "active", "started_after", "started_before"]


class TeamMembershipFilter(django_filters.FilterSet):
    journey = django_filters.ModelChoiceFilter(queryset=Journey.objects.all(), to_field_name="slug", label="Journey")
    person = django_filters.ModelChoiceFilter(queryset=Person.objects.all(), label="Person")
    function = django_filters.ModelChoiceFilter(
        field_name="person__function", queryset=Function.objects.all(), to_field_name="slug", label="Function"
    )
    role = django_filters.CharFilter(lookup_expr="icontains", label="Role contains")

    class Meta:
        model = TeamMembership
        fields = ["journey", "person", "function", "role"]


class ResponsibilityFilter(django_filters.FilterSet):
    journey = django_filters.ModelChoiceFilter(
        field_name="touchpoint__journey", queryset=Journey.objects.all(), to_field_name="slug", label="Journey"
    )
    function = django_filters.ModelChoiceFilter(queryset=Function.objects.all(), to_field_name="slug", label="Function")
    touchpoint = IdFilter(field_name="touchpoint_id", label="Touchpoint id")

    class Meta:
        model = Responsibility
        fields = ["journey", "function", "touchpoint"]


class IncentiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method=_search(["name", "measure", "target"]))
    function = django_filters.ModelChoiceFilter(queryset=Function.objects.all(), to_field_name="slug", label="Function")
    active = django_filters.BooleanFilter(label="Active")
    journey = django_filters.CharFilter(label="Function touches journey (slug)", method="filter_journey")

    class Meta:
        model = Incentive
        fields = ["q", "function", "active", "journey"]

    def filter_journey(self, queryset, name, value):
        return queryset.filter(function__responsibilities__touchpoint__journey__slug=value).distinct()


class IncentiveMeasurementFilter(django_filters.FilterSet):
    incentive = django_filters.ModelChoiceFilter(queryset=Incentive.objects.all(), label="Incentive")
    function = django_filters.ModelChoiceFilter(
        field_name="incentive__function", queryset=Function.objects.all(), to_field_name="slug", label="Function"
    )
    period_end_after = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label="Period ends from")
    period_end_before = django_filters.DateFilter(field_name="period_end", lookup_expr="lte", label="Period ends by")

    class Meta:
        model = IncentiveMeasurement
        fields = ["incentive", "function", "period_end_after", "period_end_before"]


class IncentiveReviewFilter(django_filters.FilterSet):
    incentive = django_filters.ModelChoiceFilter(
        queryset=Incentive.objects.select_related("function"), label="Incentive"
    )
    function = django_filters.ModelChoiceFilter(
        field_name="incentive__function", queryset=Function.objects.all(), to_field_name="slug", label="Function"
    )
    journey = django_filters.ModelChoiceFilter(queryset=Journey.objects.all(), to_field_name="slug", label="Journey")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label="Verdict")
    reviewer = django_filters.ModelChoiceFilter(queryset=Person.objects.all(), label="Reviewer")
    reviewed_after = django_filters.DateFilter(
        field_name="reviewed_at", lookup_expr="date__gte", label="Reviewed on or after"
    )
    reviewed_before = django_filters.DateFilter(
        field_name="reviewed_at", lookup_expr="date__lte", label="Reviewed on or before"
    )

    class Meta:
        model = IncentiveReview
        fields = ["incentive", "function", "journey", "verdict", "reviewer", "reviewed_after", "reviewed_before"]
