"""django-filter FilterSets of the improvements app, shared by the API viewsets and the HTML lists."""

import django_filters
from django import forms
from django.db.models import Q

from core.filters import ChooseOneSelect, IdFilter
from journeys.choices import Component
from journeys.models import Journey, Stage
from owners.models import Function, Person

from .choices import OPEN_ISSUE_STATUSES, InitiativeStatus, IssueCategory, IssueStatus, Severity
from .models import Comment, Initiative, InitiativeUpdate, Issue


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.journey.name} › {obj.name}"


class StageChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StageChoiceField


def _journeys():
    return Journey.objects.order_by("name")


def _functions():
    return Function.objects.order_by("name")


def _people():
    return Person.objects.order_by("name")


class IssueFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    journey = django_filters.ModelChoiceFilter(
        queryset=_journeys(), to_field_name="slug", label="Journey", empty_label="Any journey"
    )
    stage = StageChoiceFilter(queryset=Stage.objects.all(), label="Stage", empty_label="Any stage")
    touchpoint = IdFilter(field_name="touchpoint_id", label="Touchpoint id")
    category = django_filters.MultipleChoiceFilter(
        choices=IssueCategory.choices, label="Category", widget=ChooseOneSelect(any_label="Any category")
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, label="Severity", widget=ChooseOneSelect(any_label="Any severity")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=IssueStatus.choices, label="Status", widget=ChooseOneSelect(any_label="Any status")
    )
    open = django_filters.BooleanFilter(
        method="filter_open",
        label="Open or closed",
        widget=forms.Select(choices=[("", "Open and closed"), ("true", "Open only"), ("false", "Closed only")]),
    )
    function = django_filters.ModelChoiceFilter(
        field_name="functions",
        queryset=_functions(),
        to_field_name="slug",
        label="Responsible function",
        empty_label="Any function",
    )
    assignee = django_filters.ModelChoiceFilter(queryset=_people(), label="Assignee", empty_label="Anyone")
    reported = django_filters.DateFromToRangeFilter(field_name="created_at", label="Reported between")
    due = django_filters.DateFromToRangeFilter(field_name="due_date", label="Due between")
    # The queryset (selectors.issue_list) annotates is_overdue: open and past its due date.
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Overdue or not"), ("true", "Overdue only"), ("false", "Not overdue")]),
    )

    class Meta:
        model = Issue
        fields = ["search", "journey", "stage", "touchpoint", "category", "severity", "status", "open", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Stages are only meaningful within a journey: list that journey's stages when one is chosen.
        journey_slug = self.data.get("journey") if self.data else None
        stages = Stage.objects.select_related("journey").order_by("journey__name", "position")
        if journey_slug:
            stages = stages.filter(journey__slug=journey_slug)
        self.filters["stage"].queryset = stages

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(symptom__icontains=value) | Q(root_cause__icontains=value))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_ISSUE_STATUSES)
        return queryset.exclude(status__in=OPEN_ISSUE_STATUSES)


class InitiativeFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    journey = django_filters.ModelChoiceFilter(queryset=_journeys(), to_field_name="slug", label="Journey")
    status = django_filters.MultipleChoiceFilter(choices=InitiativeStatus.choices, label="Status")
    lead = django_filters.ModelChoiceFilter(queryset=_people(), label="Lead")
    function = django_filters.ModelChoiceFilter(
        field_name="functions", queryset=_functions(), to_field_name="slug", label="Contributing function"
    )
    target_component = django_filters.ChoiceFilter(choices=Component.choices, label="Target component")
    issue = IdFilter(field_name="issues", label="Addresses issue (id)")
    due = django_filters.DateFromToRangeFilter(field_name="due_date", label="Due between")
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label="Overdue")

    class Meta:
        model = Initiative
        fields = ["search", "journey", "status", "lead", "function", "target_component", "issue", "overdue"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(hypothesis__icontains=value))


class InitiativeUpdateFilter(django_filters.FilterSet):
    initiative = IdFilter(field_name="initiative_id", label="Initiative id")
    journey = django_filters.CharFilter(field_name="initiative__journey__slug", label="Journey (slug)")
    author = django_filters.ModelChoiceFilter(queryset=_people(), label="Author")
    created = django_filters.DateFromToRangeFilter(field_name="created_at", label="Posted between")

    class Meta:
        model = InitiativeUpdate
        fields = ["initiative", "journey", "author"]


class CommentFilter(django_filters.FilterSet):
    """The API's comment feed (``/api/v1/comments/``): an integrator's export of the discussions."""

    issue = IdFilter(field_name="issue_id", label="Issue id")
    initiative = IdFilter(field_name="initiative_id", label="Initiative id")
    journey = django_filters.CharFilter(field_name="journey__slug", label="Journey (slug)")
    author = django_filters.ModelChoiceFilter(queryset=_people(), label="Author")
    mentioned = django_filters.ModelChoiceFilter(queryset=_people(), field_name="mentioned", label="Mentions")
    created = django_filters.DateFromToRangeFilter(field_name="created_at", label="Posted between")

    class Meta:
        model = Comment
        fields = ["issue", "initiative", "journey", "author", "mentioned"]
