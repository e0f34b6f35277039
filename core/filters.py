"""Filter building blocks every app shares."""

import django_filters
import django_filters.rest_framework
from django import forms
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from .ordering import nulls_last
from .representation import FIELDS_PARAM

# The largest value of a 64-bit primary key (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object id in a query string: a whole number a database key can hold, or a 400 that says so.

    ``NumberFilter`` reads a decimal, so ``?stage=1e40`` used to reach the database and fail there (500).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DjangoFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """django-filter's backend, without building the filter set for a request that names no filter.

    Building it (a deep copy of every filter, then a form with one field per filter, validated) cost
    2-5 ms of every list request, most of the time spent on a list with no query string at all
    (profiled, benchmarks/README.md). A request whose only query parameters are the page, the page
    size and the fields of its answer (``?fields=``) cannot set a filter, so its queryset is the
    view's as it is: exactly what the filter set gives for empty data
    (``tests/core/test_filter_backend.py`` checks that for every API list).
    Any other parameter, known or not, goes through django-filter as before.
    """

    def filter_queryset(self, request, queryset, view):
        paginator = getattr(view, "paginator", None)
        paging = {getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None)}
        if all(key in paging or key == FIELDS_PARAM for key in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class SearchFilter(drf_filters.SearchFilter):
    """DRF's search, with its error addressed to the ``search`` parameter like every other field error."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from error


class NullsLastOrderingFilter(drf_filters.OrderingFilter):
    """``?ordering=`` with empty values (no effort, no due date, no end yet...) last in both directions, on every
    database; the primary key breaks ties so that pages never overlap."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*[nulls_last(queryset.model, term) for term in ordering], "pk")


class ChooseOneSelect(forms.Select):
    """A drop-down with an "any" first option for a filter that accepts several values (``?status=a&status=b``).

    Pages show one choice at a time, like the portfolio's filter bar; the API and shared links may
    still send several, and then the box opens as a list with all of them selected, so what filters
    the page is always in view.
    """

    def __init__(self, *args, any_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.any_label = any_label

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        return [value for value in values if value]

    def get_context(self, name, value, attrs):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        original = self.choices
        self.choices = [("", self.any_label), *original]
        self.allow_multiple_selected = len(values) > 1
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = original
            self.allow_multiple_selected = False
