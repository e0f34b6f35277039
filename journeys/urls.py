"""Pages of the journeys app: maps, data ingest, health and the audit history."""

from django.urls import path

from .views import framework, health, history, ingest, maps, personas

app_name = "journeys"

urlpatterns = [
    # Journey maps: list, create, detail (the journey page), edit, map review, Mermaid export.
    path("journeys/", maps.journey_list, name="list"),
    # The framework: the tree of journeys with the roll-up of each parent.
    path("framework/", framework.framework, name="framework"),
    path("journeys/new/", maps.journey_create, name="create"),
    path("journeys/new/template/", maps.template_list, name="templates"),
    path("journeys/new/template/<slug:template>/", maps.journey_create_from_template, name="create-from-template"),
    path("journeys/<slug:slug>/", maps.journey_detail, name="detail"),
    path("journeys/<slug:slug>/edit/", maps.journey_edit, name="edit"),
    path("journeys/<slug:slug>/copy/", maps.journey_copy, name="copy"),
    path("journeys/<slug:slug>/review-map/", maps.journey_review_map, name="review-map"),
    path("journeys/<slug:slug>/map.mmd", maps.journey_mermaid, name="mermaid"),
    path("journeys/<slug:slug>/mermaid/", maps.journey_mermaid_page, name="mermaid-page"),
    path("journeys/<slug:slug>/map.csv", maps.journey_map_csv, name="map-csv"),
    path("journeys/<slug:slug>/stages/add/", maps.stage_add, name="stage-add"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/edit/", maps.stage_edit, name="stage-edit"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/move/", maps.stage_move, name="stage-move"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/delete/", maps.stage_delete, name="stage-delete"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/retire/", maps.stage_retire, name="stage-retire"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/bring-back/", maps.stage_bring_back, name="stage-bring-back"),
    path("journeys/<slug:slug>/stages/<int:stage_id>/touchpoints/add/", maps.touchpoint_add, name="touchpoint-add"),
    path("journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/edit/", maps.touchpoint_edit, name="touchpoint-edit"),
    path("journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/move/", maps.touchpoint_move, name="touchpoint-move"),
    path(
        "journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/delete/",
        maps.touchpoint_delete,
        name="touchpoint-delete",
    ),
    path(
        "journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/retire/", maps.touchpoint_retire, name="touchpoint-retire"
    ),
    path(
        "journeys/<slug:slug>/touchpoints/<int:touchpoint_id>/bring-back/",
        maps.touchpoint_bring_back,
        name="touchpoint-bring-back",
    ),
    # Personas of a journey (their emotion curves are a panel of the journey page).
    path("journeys/<slug:slug>/personas/add/", personas.persona_add, name="persona-add"),
    path("journeys/<slug:slug>/personas/<int:persona_id>/edit/", personas.persona_edit, name="persona-edit"),
    path("journeys/<slug:slug>/personas/<int:persona_id>/delete/", personas.persona_delete, name="persona-delete"),
    # Data ingest: CSV imports (upload, progress, report) and the instances CSV export.
    path("imports/", ingest.import_list, name="import-list"),
    path("imports/new/", ingest.import_create, name="import-create"),
    path("imports/<int:pk>/", ingest.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress.json", ingest.import_progress, name="import-progress"),
    path("journeys/<slug:slug>/instances.csv", ingest.instances_csv, name="instances-csv"),
    # Health: on-demand recompute.
    path("journeys/<slug:slug>/recompute/", health.health_recompute, name="recompute"),
    # Audit history of a journey and everything that hangs off it.
    path("journeys/<slug:slug>/history/", history.journey_history, name="history"),
]
