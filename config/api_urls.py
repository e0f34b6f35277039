"""The API: /api/v1/ (router and extra endpoints), the OpenAPI schema and its local docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from core.api import ThrottledObtainAuthToken
from core.schema_view import SchemaView
from journeys.api.views.health import JourneyHealthView, JourneyRecomputeView
from journeys.api.views.ingest import IngestView
from journeys.api.views.personas import PersonaViewSet
from journeys.api.views.where import JourneyDriversView, JourneyHandoffsView, JourneyPathsView
from owners.api import views as owners_api

from .api_router import router

# Endpoints outside the router (POST ingest/ and the like), one block per app.
extra_v1_patterns = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    # journeys: data
    path("ingest/", IngestView.as_view(), name="ingest"),
    # journeys: health
    path("journeys/<slug:slug>/health/", JourneyHealthView.as_view(), name="journey-health"),
    path("journeys/<slug:slug>/recompute/", JourneyRecomputeView.as_view(), name="journey-recompute"),
    path("journeys/<slug:slug>/handoffs/", JourneyHandoffsView.as_view(), name="journey-handoffs"),
    path("journeys/<slug:slug>/paths/", JourneyPathsView.as_view(), name="journey-paths"),
    path("journeys/<slug:slug>/drivers/", JourneyDriversView.as_view(), name="journey-drivers"),
    # journeys: personas, nested under their journey
    path(
        "journeys/<slug:slug>/personas/",
        PersonaViewSet.as_view({"get": "list", "post": "create"}),
        name="journey-persona-list",
    ),
    path(
        "journeys/<slug:slug>/personas/<int:pk>/",
        PersonaViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
        name="journey-persona-detail",
    ),
    path(
        "journeys/<slug:slug>/personas/<int:pk>/curve/",
        PersonaViewSet.as_view({"get": "curve"}),
        name="journey-persona-curve",
    ),
    # owners
    path("journeys/<slug:slug>/gaps/", owners_api.JourneyGapsView.as_view(), name="journey-gaps"),
    path(
        "journeys/<slug:slug>/incentive-evidence/",
        owners_api.JourneyIncentiveEvidenceView.as_view(),
        name="journey-incentive-evidence",
    ),
    # improvements
]

urlpatterns = [
    # One list, the extra endpoints before the router's (the same precedence as two includes): a router path is
    # found without a failed include of the extras first (its 404 bookkeeping cost 0.1 ms a request).
    path("v1/", include([*extra_v1_patterns, *router.urls])),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
