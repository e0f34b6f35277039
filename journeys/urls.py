"""Pages of the journeys app. Each block belongs to one part of the app; keep additions in it."""

from django.urls import path

from . import views

app_name = "journeys"

# Journey maps: list, create, detail (the journey page), edit, map review, Mermaid export.
map_patterns = [
    path("journeys/", views.journey_list, name="list"),
    path("journeys/new/", views.journey_create, name="create"),
    path("journeys/<slug:slug>/", views.journey_detail, name="detail"),
    path("journeys/<slug:slug>/edit/", views.journey_edit, name="edit"),
    path("journeys/<slug:slug>/review-map/", views.journey_review_map, name="review-map"),
    path("journeys/<slug:slug>/map.mmd", views.journey_mermaid, name="mermaid"),
    path("journeys/<slug:slug>/stages/add/", views.stage_add, name="stage-add"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/edit/", views.stage_edit, name="stage-edit"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/move/", views.stage_move, name="stage-move"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/delete/", views.stage_delete, name="stage-delete"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/touchpoints/add/", views.touchpoint_add, name="touchpoint-add"),
    path("journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/edit/", views.touchpoint_edit, name="touchpoint-edit"),
    path("journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/move/", views.touchpoint_move, name="touchpoint-move"),
    path(
        "journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/delete/",
        views.touchpoint_delete,
        name="touchpoint-delete",
    ),
]

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
health_patterns = [
    path("journeys/<slug:slug>/recompute/", views.health_recompute, name="recompute"),
]

urlpatterns = map_patterns + ingest_patterns + health_patterns

# Audit history of a journey and everything that hangs off it.
urlpatterns += [
    path("journeys/<slug:slug>/history/", views.journey_history, name="history"),
]
