"""Pages of the journeys app. Each block belongs to one part of the app; keep additions in it."""

from django.urls import path  # noqa: F401

from . import views

app_name = "journeys"

# Journey maps: list, create, detail (the journey page), edit, map review, Mermaid export.
map_patterns = []

# Data ingest: CSV imports (upload, progress, report) and the instances CSV export.
ingest_patterns = []

# Health: on-demand recompute.
health_patterns = [
    path("journeys/<slug:slug>/recompute/", views.health_recompute, name="recompute"),
]

urlpatterns = map_patterns + ingest_patterns + health_patterns
