"""Pages of the journeys app. Each block belongs to one part of the app; keep additions in it."""

from django.urls import path  # noqa: F401

app_name = "journeys"

# Journey maps: list, create, detail (the journey page), edit, map review, Mermaid export.
map_patterns = []

# Data ingest: CSV imports (upload, progress, report) and the instances CSV export.
from . import views as _views  # noqa: E402

ingest_patterns = [
    path("imports/", _views.import_list, name="import-list"),
    path("imports/new/", _views.import_create, name="import-create"),
    path("imports/<int:pk>/", _views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress.json", _views.import_progress, name="import-progress"),
    path("journeys/<slug:slug>/instances.csv", _views.instances_csv, name="instances-csv"),
]

# Health: on-demand recompute.
health_patterns = []

urlpatterns = map_patterns + ingest_patterns + health_patterns
