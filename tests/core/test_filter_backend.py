"""The filter backend skips django-filter for a request that names no filter: the same queryset either way."""

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.api_router import router
from core.filters import DjangoFilterBackend
from journeys.api.views.ingest import JourneyInstanceViewSet

LISTS = [
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if getattr(viewset, "filterset_class", None) is not None and hasattr(viewset, "list")
]


def _list_view(viewset, user, query=""):
    request = Request(APIRequestFactory().get(f"/?{query}"))
    request.user = user
    view = viewset()
    view.action, view.request, view.format_kwarg, view.kwargs, view.args = "list", request, None, {}, ()
    return view


@pytest.mark.parametrize(("prefix", "viewset"), LISTS, ids=[prefix for prefix, _ in LISTS])
def test_an_empty_filter_set_leaves_every_api_list_as_it_is(prefix, viewset, manager_user):
    """What the backend skips for a bare list: django-filter's filter set for empty data changes nothing."""
    view = _list_view(viewset, manager_user)
    queryset = view.get_queryset()
    filterset = viewset.filterset_class(QueryDict(""), queryset=queryset, request=view.request)
    assert filterset.is_valid(), filterset.errors
    assert str(filterset.qs.query) == str(queryset.query)


def test_the_backend_filters_whenever_another_parameter_is_named(manager_user):
    backend = DjangoFilterBackend()
    view = _list_view(JourneyInstanceViewSet, manager_user, "page=2&page_size=10")
    queryset = view.get_queryset()
    assert backend.filter_queryset(view.request, queryset, view) is queryset  # paging only: untouched
    view = _list_view(JourneyInstanceViewSet, manager_user, "page=2&fields=id,segment")
    assert backend.filter_queryset(view.request, queryset, view) is queryset  # the answer's fields: no filter
    view = _list_view(JourneyInstanceViewSet, manager_user, "satisfaction__gte=many&page=2")
    with pytest.raises(ValidationError, match="satisfaction"):  # not a number: django-filter's 400, as before
        backend.filter_queryset(view.request, queryset, view)
    view = _list_view(JourneyInstanceViewSet, manager_user, "segment=smb")
    assert "smb" in str(backend.filter_queryset(view.request, queryset, view).query)
